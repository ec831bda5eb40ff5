#include "client/CircuitBreaker.h"

namespace terrarium {

CircuitBreaker::CircuitBreaker(unsigned failureThreshold, Poco::Timespan openPeriod)
    : _failureThreshold(failureThreshold), _openPeriod(openPeriod)
{
}

CircuitBreaker::Admission CircuitBreaker::admit(const Poco::Timestamp& now)
{
    Poco::FastMutex::ScopedLock lock(_mutex);
    if (_state == BreakerState::Open && now >= _openUntil)
        _state = BreakerState::HalfOpen;
    switch (_state) {
    case BreakerState::Closed:
        return Admission::Admitted;
    case BreakerState::HalfOpen:
        if (_probeInFlight)
            return Admission::Refused;
        _probeInFlight = true;
        return Admission::Probe;
    case BreakerState::Open:
        break;
    }
    return Admission::Refused;
}

void CircuitBreaker::recordSuccess(Admission admission)
{
    Poco::FastMutex::ScopedLock lock(_mutex);
    if (admission == Admission::Probe || admission == Admission::Bypass) {
        if (admission == Admission::Probe)
            _probeInFlight = false;
        _state = BreakerState::Closed;
        _consecutiveFailures = 0;
    } else if (_state == BreakerState::Closed) {
        _consecutiveFailures = 0;
    }
}

void CircuitBreaker::recordFailure(Admission admission, const Poco::Timestamp& now)
{
    Poco::FastMutex::ScopedLock lock(_mutex);
    if (admission == Admission::Probe) {
        _probeInFlight = false;
        _state = BreakerState::Open;
        _openUntil = now + _openPeriod;
        return;
    }
    if (_state != BreakerState::Closed || _failureThreshold == 0)
        return;
    if (++_consecutiveFailures >= _failureThreshold) {
        _state = BreakerState::Open;
        _openUntil = now + _openPeriod;
    }
}

void CircuitBreaker::recordAbandoned(Admission admission)
{
    Poco::FastMutex::ScopedLock lock(_mutex);
    if (admission == Admission::Probe)
        _probeInFlight = false;
}

BreakerState CircuitBreaker::state(const Poco::Timestamp& now) const
{
    Poco::FastMutex::ScopedLock lock(_mutex);
    if (_state == BreakerState::Open && now >= _openUntil)
        return BreakerState::HalfOpen;
    return _state;
}

} // namespace terrarium
