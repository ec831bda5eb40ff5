#ifndef Terrarium_GatewayHandler_INCLUDED
#define Terrarium_GatewayHandler_INCLUDED

#include "http/HttpHandler.h"
#include "router/RoutingSnapshot.h"
#include "http/ServerState.h"
#include "metrics/MetricsRegistry.h"
#include "metrics/RequestMetrics.h"

namespace terrarium {

/// Serves the main and extra listeners: /health, /ready (and /metrics when enabled) on the main
/// listener, everything else routed to the plugin generation current at the time the request
/// arrives, with its figures counted per listener, route and plugin. A request for a generation
/// whose state is being restored is set aside until restore() returned (see RestoreGate).
class GatewayHandler : public HttpHandler
{
public:
    /// metricsPage: serve GET /metrics from it on the main listener (nullptr: not on the main listener).
    GatewayHandler(const RoutingState& routing, const ServerState& state, std::string mainListener,
                   RequestMetrics& metrics, const MetricsRegistry* metricsPage = nullptr);

    void handle(const IncomingRequest& request, HttpReply& reply) override;

    /// /health and /ready on the main listener: answered even when every handler slot is taken.
    bool answersAtOnce(const IncomingRequest& request) const override;

    /// The body policy of the plugin generation the request is routed to now (spooled for a
    /// plugin that declares TRM_PLUGIN_SPOOL_BODIES, per its spool settings), else in memory.
    BodyPolicy bodyPolicy(const IncomingRequest& request) const override;

    /// /ready's answer: host state and the health capability of every loaded plugin.
    static void ready(const RoutingState& routing, const ServerState& state, HttpReply& reply);

private:
    void dispatch(const IncomingRequest& request, HttpReply& reply);

    const RoutingState& _routing;
    const ServerState& _state;
    std::string _mainListener;
    RequestMetrics& _metrics;
    const MetricsRegistry* _metricsPage;
};

} // namespace terrarium

#endif
