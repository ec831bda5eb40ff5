#include "http/ServerState.h"

namespace terrarium {

std::string ServerState::phaseName() const
{
    switch (phase())
    {
    case Phase::Starting: return "starting";
    case Phase::Serving: return "serving";
    case Phase::Draining: return "draining";
    }
    return "unknown";
}

} // namespace terrarium
