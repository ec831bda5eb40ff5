#ifndef Terrarium_InProcessDispatcher_INCLUDED
#define Terrarium_InProcessDispatcher_INCLUDED

#include "client/LocalDispatcher.h"
#include "router/RoutingSnapshot.h"

#include <cstddef>

namespace terrarium {

/// Serves service-directory calls whose service is a plugin loaded in this process: the plugin's
/// current generation handles the request directly (no socket, no serialisation beyond the
/// request view), with the path as the plugin's own routed path and X-Request-Id set to the
/// caller's request id, as a network call carries it. A call to a generation whose state is
/// being restored waits (on the caller's thread) until restore() returned or the hold bound
/// passed. Calls nested deeper than
/// maxDepth on one thread (a plugin calling itself in a loop) fail as Unavailable. A plugin that
/// answers with a file has the file's range read into the response body, up to
/// maxResponseBytes (TooLarge beyond, as the HTTP client answers).
class InProcessDispatcher : public LocalDispatcher
{
public:
    static constexpr int maxDepth = 8;

    explicit InProcessDispatcher(const RoutingState& routing, std::size_t maxResponseBytes = 64 * 1024 * 1024);

    bool serves(const std::string& service) const override;

    ClientResult dispatch(const std::string& service, const ClientRequest& request) override;

private:
    const RoutingState& _routing;
    std::size_t _maxResponseBytes;
};

} // namespace terrarium

#endif
