#include "client/RetryBackoff.h"

#include <catch2/catch.hpp>

using terrarium::RetryBackoff;

TEST_CASE("backoff delays double up to the cap, each jittered between half and all of its step", "[client][retry]")
{
    const Poco::Timespan::TimeDiff ms = 1000;
    RetryBackoff backoff(Poco::Timespan(100 * ms), Poco::Timespan(350 * ms));
    const Poco::Timespan::TimeDiff steps[] = {100 * ms, 200 * ms, 350 * ms, 350 * ms, 350 * ms};
    for (Poco::Timespan::TimeDiff step : steps) {
        Poco::Timespan::TimeDiff delay = backoff.next().totalMicroseconds();
        CHECK(delay >= step / 2);
        CHECK(delay <= step);
    }
}

TEST_CASE("an initial delay above the cap starts at the cap, and zero means no delay", "[client][retry]")
{
    RetryBackoff capped(Poco::Timespan(5, 0), Poco::Timespan(1, 0));
    CHECK(capped.next().totalMicroseconds() <= Poco::Timespan(1, 0).totalMicroseconds());
    RetryBackoff none(Poco::Timespan(0), Poco::Timespan(0));
    CHECK(none.next().totalMicroseconds() == 0);
    CHECK(none.next().totalMicroseconds() == 0);
}
