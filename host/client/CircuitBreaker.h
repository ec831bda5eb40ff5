#ifndef Terrarium_CircuitBreaker_INCLUDED
#define Terrarium_CircuitBreaker_INCLUDED

#include "client/BreakerState.h"

#include <Poco/Mutex.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>

namespace terrarium {

/// A circuit breaker for one origin. After failureThreshold consecutive failed tries it opens:
/// tries are refused for openPeriod; then it is half-open and admits exactly one probe, whose
/// success closes it and whose failure opens it again. Thread-safe. Times are passed in, so
/// tests can drive it without waiting.
class CircuitBreaker
{
public:
    /// How a try was admitted.
    enum class Admission
    {
        Refused,   /// open (or half-open with its probe in flight): fail fast
        Admitted,  /// closed: go ahead
        Probe,     /// half-open: this try is the probe
        Bypass     /// not asked (a call that is never refused): its outcome still counts
    };

    /// failureThreshold 0 disables the breaker (it never opens).
    CircuitBreaker(unsigned failureThreshold, Poco::Timespan openPeriod);

    /// Decides whether a try may go ahead at now. Every Admitted or Probe answer must be
    /// followed by exactly one recordSuccess() or recordFailure() for that try.
    Admission admit(const Poco::Timestamp& now);

    /// The try admitted as admission got an answer that shows the origin works. A Bypass try's
    /// success closes an open or half-open breaker too (the origin is back).
    void recordSuccess(Admission admission);

    /// The try admitted as admission failed (connection failure, timeout or 5xx) at now. A Bypass
    /// try's failure counts like an admitted one's while the breaker is closed.
    void recordFailure(Admission admission, const Poco::Timestamp& now);

    /// The try admitted as admission never reached the origin (no free connection): a probe
    /// slot is given back, nothing else changes.
    void recordAbandoned(Admission admission);

    /// The state at now (open turns half-open once the open period has passed).
    BreakerState state(const Poco::Timestamp& now) const;

private:
    const unsigned _failureThreshold;
    const Poco::Timespan _openPeriod;
    mutable Poco::FastMutex _mutex;
    BreakerState _state = BreakerState::Closed;
    unsigned _consecutiveFailures = 0;
    Poco::Timestamp _openUntil;
    bool _probeInFlight = false;
};

} // namespace terrarium

#endif
