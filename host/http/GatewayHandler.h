#ifndef Terrarium_GatewayHandler_INCLUDED
#define Terrarium_GatewayHandler_INCLUDED

#include "http/HttpHandler.h"
#include "http/RoutingSnapshot.h"
#include "http/ServerState.h"

namespace terrarium {

/// Serves the main and extra listeners: /health and /ready on the main listener, everything else
/// routed to the plugin generation current at the time the request arrives.
class GatewayHandler : public HttpHandler
{
public:
    GatewayHandler(const RoutingState& routing, const ServerState& state, std::string mainListener);

    void handle(const IncomingRequest& request, HttpReply& reply) override;

private:
    const RoutingState& _routing;
    const ServerState& _state;
    std::string _mainListener;
};

} // namespace terrarium

#endif
