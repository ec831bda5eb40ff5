#ifndef Terrarium_GatewayHandler_INCLUDED
#define Terrarium_GatewayHandler_INCLUDED

#include "config/Config.h"
#include "http/HttpHandler.h"
#include "http/ServerState.h"
#include "metrics/MetricsRegistry.h"
#include "metrics/RequestMetrics.h"
#include "router/CorsPolicy.h"
#include "router/ProxyExchange.h"
#include "router/RouteTable.h"
#include "router/RoutingSnapshot.h"

#include <memory>
#include <string>

namespace terrarium {

class UpstreamProxy;

/// Serves one listener of the main or extra kind: OPTIONS answered 204 when the listener has CORS,
/// /health and /ready when it answers the host's probes, /metrics when given the page, and
/// everything else through the listener's route table as the request arrives: to the plugin
/// generation current then, to an upstream through the UpstreamProxy (the request waits set
/// aside, without a thread), or with a route's fixed answer; figures are counted per listener,
/// route and plugin. A request for a generation whose state is being restored is set aside until
/// restore() returned (see RestoreGate). A request that finds its plugin gone from a route
/// table that was replaced meanwhile (the plugin moved to another host: its routes are forwarded
/// now) is routed again with the current table.
class GatewayHandler : public HttpHandler
{
public:
    /// Serves listener (its probes and CORS settings; its routes come from routing). proxy makes
    /// the calls of upstream routes (nullptr: they answer 502); metricsPage: serve GET /metrics
    /// from it on this listener (nullptr: not here).
    GatewayHandler(const RoutingState& routing, const ServerState& state, const ListenerConfig& listener, RequestMetrics& metrics,
                   UpstreamProxy* proxy = nullptr, const MetricsRegistry* metricsPage = nullptr);

    void handle(const IncomingRequest& request, HttpReply& reply) override;

    /// The probes (when the listener answers them) and CORS preflights: answered even when every
    /// handler slot is taken.
    bool answersAtOnce(const IncomingRequest& request) const override;

    /// The body policy of the plugin generation the request is routed to now (spooled for a
    /// plugin that declares TRM_PLUGIN_SPOOL_BODIES, per its spool settings), else in memory.
    BodyPolicy bodyPolicy(const IncomingRequest& request) const override;

private:
    void dispatch(const IncomingRequest& request, HttpReply& reply);
    void toPlugin(const IncomingRequest& request, const RouteTable::Match& match, const RoutingSnapshot& snapshot, HttpReply& reply);
    void toUpstream(const IncomingRequest& request, const RouteTable::Match& match, HttpReply& reply);
    void finishUpstream(const IncomingRequest& request, ProxyExchange& exchange, HttpReply& reply);

    const RoutingState& _routing;
    const ServerState& _state;
    std::string _listener;
    bool _probes;
    bool _secure;
    CorsPolicy _cors;
    RequestMetrics& _metrics;
    UpstreamProxy* _proxy;
    const MetricsRegistry* _metricsPage;
};

} // namespace terrarium

#endif
