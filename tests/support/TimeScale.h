// Deadlines of the tests, stretched for slow builds (sanitizers) by TERRARIUM_TEST_TIME_SCALE.
#ifndef Terrarium_Test_TimeScale_INCLUDED
#define Terrarium_Test_TimeScale_INCLUDED

#include <chrono>
#include <cstdlib>

namespace terrarium::test {

/// The factor by which the tests' deadlines grow: TERRARIUM_TEST_TIME_SCALE when it is a number
/// of at least 1 (scripts/sanitize.sh sets it), else 1.
inline double timeScale()
{
    static const double scale = [] {
        const char* text = std::getenv("TERRARIUM_TEST_TIME_SCALE");
        const double value = text ? std::atof(text) : 1.0;
        return value >= 1.0 ? value : 1.0;
    }();
    return scale;
}

/// A deadline of timeout, scaled by timeScale().
template <class Rep, class Period>
std::chrono::duration<Rep, Period> scaled(std::chrono::duration<Rep, Period> timeout)
{
    return std::chrono::duration<Rep, Period>(static_cast<Rep>(timeout.count() * timeScale()));
}

/// A deadline in microseconds (Poco::Timespan::totalMicroseconds()), scaled by timeScale().
inline long long scaledMicroseconds(long long timeout)
{
    return static_cast<long long>(timeout * timeScale());
}

} // namespace terrarium::test

#endif
