#ifndef Terrarium_BreakerState_INCLUDED
#define Terrarium_BreakerState_INCLUDED

namespace terrarium {

/// State of an origin's circuit breaker.
enum class BreakerState
{
    Closed,    /// calls go through
    Open,      /// calls fail fast until the open period ends
    HalfOpen   /// the open period ended: one probe call decides
};

/// "closed", "open" or "half-open".
inline const char* breakerStateName(BreakerState state)
{
    switch (state) {
    case BreakerState::Closed: return "closed";
    case BreakerState::Open: return "open";
    case BreakerState::HalfOpen: return "half-open";
    }
    return "unknown";
}

} // namespace terrarium

#endif
