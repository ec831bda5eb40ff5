#ifndef Terrarium_SecretClock_INCLUDED
#define Terrarium_SecretClock_INCLUDED

#include <Poco/Types.h>

#include <functional>

namespace terrarium {

/// A monotonic clock in microseconds (Poco::Clock by default; tests inject a manual one).
using SecretClock = std::function<Poco::Int64()>;

} // namespace terrarium

#endif
