// AuthFailureLimiter: per-address windows of failed admin token checks, and its memory bound.
#include "admin/AuthFailureLimiter.h"

#include <catch2/catch.hpp>

#include <string>

using terrarium::AuthFailureLimiter;
using namespace std::chrono_literals;

TEST_CASE("AuthFailureLimiter refuses an address after max failures until its window ends", "[admin][limiter]")
{
    AuthFailureLimiter limiter(3, Poco::Timespan(60, 0));
    auto t0 = AuthFailureLimiter::Clock::now();
    CHECK_FALSE(limiter.recordFailure("10.0.0.1", t0));
    CHECK_FALSE(limiter.recordFailure("10.0.0.1", t0 + 1s));
    CHECK(limiter.refusedFor("10.0.0.1", t0 + 2s) == 0);
    CHECK(limiter.recordFailure("10.0.0.1", t0 + 2s));      // the third: reached, log it once
    CHECK(limiter.refusedFor("10.0.0.1", t0 + 2s) == 58);
    CHECK(limiter.refusedFor("10.0.0.1", t0 + 59500ms) == 1);
    CHECK(limiter.refusedFor("10.0.0.2", t0 + 3s) == 0);    // another address is unaffected
    CHECK(limiter.refusedFor("10.0.0.1", t0 + 60s) == 0);   // the window is over
    CHECK(limiter.failures() == 3);
    CHECK(limiter.refusals() == 2);

    CHECK_FALSE(limiter.recordFailure("10.0.0.1", t0 + 61s));   // a new window starts
    CHECK(limiter.refusedFor("10.0.0.1", t0 + 61s) == 0);
}

TEST_CASE("AuthFailureLimiter tracks at most maxAddresses, forgetting the oldest first", "[admin][limiter]")
{
    AuthFailureLimiter limiter(1, Poco::Timespan(60, 0), 3);
    auto t0 = AuthFailureLimiter::Clock::now();
    limiter.recordFailure("a", t0);
    limiter.recordFailure("b", t0);
    limiter.recordFailure("c", t0);
    CHECK(limiter.tracked() == 3);
    limiter.recordFailure("a", t0 + 1s);   // a is now the newest; b the oldest
    limiter.recordFailure("d", t0 + 2s);
    CHECK(limiter.tracked() == 3);
    CHECK(limiter.refusedFor("b", t0 + 3s) == 0);
    CHECK(limiter.refusedFor("a", t0 + 3s) > 0);
    CHECK(limiter.refusedFor("c", t0 + 3s) > 0);
    CHECK(limiter.refusedFor("d", t0 + 3s) > 0);
    for (int i = 0; i < 10000; ++i) limiter.recordFailure("10.1." + std::to_string(i), t0 + 4s);
    CHECK(limiter.tracked() == 3);
}
