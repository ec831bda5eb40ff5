#ifndef Terrarium_RetryBackoff_INCLUDED
#define Terrarium_RetryBackoff_INCLUDED

#include <Poco/Random.h>
#include <Poco/Timespan.h>

namespace terrarium {

/// Delays between the tries of one call: exponential (initial, doubled after every retry,
/// capped at max) with jitter (each delay is drawn between half and all of its step), so
/// that callers failing together do not retry together. One instance per call; not thread-safe.
class RetryBackoff
{
public:
    RetryBackoff(Poco::Timespan initial, Poco::Timespan max);

    /// The delay to wait before the next retry.
    Poco::Timespan next();

private:
    Poco::Timespan _step;
    Poco::Timespan _max;
    Poco::Random _random;
};

} // namespace terrarium

#endif
