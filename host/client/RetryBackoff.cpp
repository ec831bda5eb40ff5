#include "client/RetryBackoff.h"

#include <algorithm>

namespace terrarium {

RetryBackoff::RetryBackoff(Poco::Timespan initial, Poco::Timespan max)
    : _step(std::min(initial, max)), _max(max)
{
    _random.seed();
}

Poco::Timespan RetryBackoff::next()
{
    const Poco::Timespan::TimeDiff step = _step.totalMicroseconds();
    const Poco::Timespan::TimeDiff half = step / 2;
    const auto choices = static_cast<Poco::UInt32>(std::min<Poco::Timespan::TimeDiff>(half, 0x7ffffffe)) + 1;
    const Poco::Timespan::TimeDiff jitter = _random.next(choices);
    _step = std::min(Poco::Timespan(step * 2), _max);
    return Poco::Timespan(step - half + jitter);
}

} // namespace terrarium
