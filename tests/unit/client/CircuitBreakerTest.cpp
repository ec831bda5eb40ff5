#include "client/CircuitBreaker.h"

#include <catch2/catch.hpp>

using terrarium::BreakerState;
using terrarium::CircuitBreaker;
using Admission = CircuitBreaker::Admission;

namespace {

const Poco::Timespan openPeriod(10, 0);

Poco::Timestamp at(const Poco::Timestamp& start, int seconds)
{
    return start + Poco::Timespan(seconds, 0);
}

} // namespace

TEST_CASE("a breaker opens after the configured consecutive failures", "[client][breaker]")
{
    Poco::Timestamp t0;
    CircuitBreaker breaker(3, openPeriod);
    for (int i = 0; i < 2; ++i) {
        REQUIRE(breaker.admit(t0) == Admission::Admitted);
        breaker.recordFailure(Admission::Admitted, t0);
    }
    CHECK(breaker.state(t0) == BreakerState::Closed);
    REQUIRE(breaker.admit(t0) == Admission::Admitted);
    breaker.recordFailure(Admission::Admitted, t0);
    CHECK(breaker.state(t0) == BreakerState::Open);
    CHECK(breaker.admit(at(t0, 5)) == Admission::Refused);
}

TEST_CASE("a success resets the consecutive failure count", "[client][breaker]")
{
    Poco::Timestamp t0;
    CircuitBreaker breaker(2, openPeriod);
    breaker.recordFailure(breaker.admit(t0), t0);
    breaker.recordSuccess(breaker.admit(t0));
    breaker.recordFailure(breaker.admit(t0), t0);
    CHECK(breaker.state(t0) == BreakerState::Closed);
}

TEST_CASE("after the open period one probe goes through, and its success closes the breaker", "[client][breaker]")
{
    Poco::Timestamp t0;
    CircuitBreaker breaker(1, openPeriod);
    breaker.recordFailure(breaker.admit(t0), t0);
    REQUIRE(breaker.state(t0) == BreakerState::Open);

    Poco::Timestamp later = at(t0, 11);
    CHECK(breaker.state(later) == BreakerState::HalfOpen);
    REQUIRE(breaker.admit(later) == Admission::Probe);
    CHECK(breaker.admit(later) == Admission::Refused);   // only one probe at a time
    breaker.recordSuccess(Admission::Probe);
    CHECK(breaker.state(later) == BreakerState::Closed);
    CHECK(breaker.admit(later) == Admission::Admitted);
}

TEST_CASE("a failed probe opens the breaker for another period", "[client][breaker]")
{
    Poco::Timestamp t0;
    CircuitBreaker breaker(1, openPeriod);
    breaker.recordFailure(breaker.admit(t0), t0);
    Poco::Timestamp probeTime = at(t0, 11);
    REQUIRE(breaker.admit(probeTime) == Admission::Probe);
    breaker.recordFailure(Admission::Probe, probeTime);
    CHECK(breaker.state(probeTime) == BreakerState::Open);
    CHECK(breaker.admit(at(t0, 20)) == Admission::Refused);
    CHECK(breaker.admit(at(t0, 22)) == Admission::Probe);
}

TEST_CASE("an abandoned probe frees the probe slot, and late results of ordinary tries are ignored", "[client][breaker]")
{
    Poco::Timestamp t0;
    CircuitBreaker breaker(1, openPeriod);
    Admission early = breaker.admit(t0);
    breaker.recordFailure(breaker.admit(t0), t0);
    breaker.recordSuccess(early);   // a try admitted before the breaker opened
    CHECK(breaker.state(t0) == BreakerState::Open);

    Poco::Timestamp later = at(t0, 11);
    REQUIRE(breaker.admit(later) == Admission::Probe);
    breaker.recordAbandoned(Admission::Probe);
    CHECK(breaker.state(later) == BreakerState::HalfOpen);
    CHECK(breaker.admit(later) == Admission::Probe);
}

TEST_CASE("a breaker with threshold 0 never opens", "[client][breaker]")
{
    Poco::Timestamp t0;
    CircuitBreaker breaker(0, openPeriod);
    for (int i = 0; i < 10; ++i)
        breaker.recordFailure(breaker.admit(t0), t0);
    CHECK(breaker.state(t0) == BreakerState::Closed);
}

TEST_CASE("a try that bypasses the breaker counts its failures while closed and closes an open breaker with its success", "[client][breaker]")
{
    Poco::Timestamp t0;
    CircuitBreaker breaker(2, openPeriod);
    breaker.recordFailure(Admission::Bypass, t0);
    breaker.recordFailure(Admission::Bypass, t0);
    CHECK(breaker.state(t0) == BreakerState::Open);
    CHECK(breaker.admit(at(t0, 1)) == Admission::Refused);   // ordinary tries still fail fast
    breaker.recordFailure(Admission::Bypass, at(t0, 9));      // no longer period while open
    CHECK(breaker.admit(at(t0, 11)) == Admission::Probe);
    breaker.recordAbandoned(Admission::Probe);

    breaker.recordSuccess(Admission::Bypass);   // the origin answered a bypassing try
    CHECK(breaker.state(at(t0, 1)) == BreakerState::Closed);
    CHECK(breaker.admit(at(t0, 1)) == Admission::Admitted);
    breaker.recordFailure(Admission::Admitted, at(t0, 1));   // the count started again
    CHECK(breaker.state(at(t0, 1)) == BreakerState::Closed);
}
