#include "router/GatewayHandler.h"

#include "http/HttpReply.h"
#include "http/IncomingRequest.h"
#include "plugin/PluginCall.h"

#include "http/JsonText.h"

#include <Poco/Logger.h>

#include <chrono>

namespace terrarium {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("gateway"); }

} // namespace

GatewayHandler::GatewayHandler(const RoutingState& routing, const ServerState& state, std::string mainListener,
                               RequestMetrics& metrics, const MetricsRegistry* metricsPage)
    : _routing(routing), _state(state), _mainListener(std::move(mainListener)), _metrics(metrics), _metricsPage(metricsPage)
{
}

void GatewayHandler::ready(const RoutingState& routing, const ServerState& state, HttpReply& reply)
{
    bool ready = state.ready();
    std::string plugins;
    std::shared_ptr<const RoutingSnapshot> snapshot = routing.load();
    for (const auto& [name, slot] : snapshot->slots)
    {
        PluginSlot::Ref generation = slot->acquire();
        if (!generation) continue;
        bool healthy = generation->healthy();
        ready = ready && healthy;
        plugins += plugins.empty() ? "" : ",";
        JsonText::appendString(plugins, name);
        plugins += healthy ? ":\"healthy\"" : ":\"unhealthy\"";
    }
    reply.json(ready ? 200 : 503, std::string("{\"ready\":") + (ready ? "true" : "false") + ",\"state\":\"" + state.phaseName()
                                      + "\",\"plugins\":{" + plugins + "}}");
}

bool GatewayHandler::answersAtOnce(const IncomingRequest& request) const
{
    return request.listener == _mainListener && (request.path == "/health" || request.path == "/ready");
}

BodyPolicy GatewayHandler::bodyPolicy(const IncomingRequest& request) const
{
    std::shared_ptr<const RoutingSnapshot> snapshot = _routing.load();
    const RouteTable* table = snapshot->table(request.listener);
    std::optional<RouteTable::Match> match;
    if (table) match = table->match(request.authority, request.path);
    PluginSlot* slot = match ? snapshot->slot(match->entry->plugin) : nullptr;
    std::shared_ptr<Generation> generation = slot ? slot->current() : nullptr;
    return generation ? generation->bodyPolicy() : BodyPolicy();
}

void GatewayHandler::handle(const IncomingRequest& request, HttpReply& reply)
{
    if (request.listener == _mainListener)
    {
        if (request.path == "/health")
        {
            reply.json(200, "{\"status\":\"alive\"}");
            return;
        }
        if (request.path == "/ready")
            return ready(_routing, _state, reply);
        if (_metricsPage && request.path == "/metrics" && (request.method == "GET" || request.method == "HEAD"))
        {
            reply.setStatus(200);
            reply.addHeader("Content-Type", PrometheusWriter::contentType());
            reply.setBody(_metricsPage->render());
            return;
        }
    }
    dispatch(request, reply);
}

void GatewayHandler::dispatch(const IncomingRequest& request, HttpReply& reply)
{
    std::shared_ptr<const RoutingSnapshot> snapshot = _routing.load();
    const RouteTable* table = snapshot->table(request.listener);
    std::optional<RouteTable::Match> match;
    if (table) match = table->match(request.authority, request.path);
    if (!match)
    {
        _metrics.unmatched(request.listener);
        reply.error(404, "no_route", "no route for " + request.method + " " + request.path + " on listener '" + request.listener + "'");
        return;
    }
    const RouteTable::Entry& route = *match->entry;
    reply.setPlugin(route.plugin);
    PluginSlot* slot = snapshot->slot(route.plugin);
    PluginSlot::Ref generation = slot ? slot->acquire() : PluginSlot::Ref();
    if (generation && reply.upgradable() && generation->holdUntilRestored(reply)) return;   // runs again once restored
    RouteMetrics& figures = _metrics.route(request.listener, route.prefix, route.plugin);
    figures.begin();
    const auto started = std::chrono::steady_clock::now();
    if (!generation)
    {
        reply.error(503, "plugin_unavailable", "plugin '" + route.plugin + "' serving " + route.prefix + " is not loaded");
        reply.addHeader("Retry-After", "1");
        figures.end(503, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        return;
    }

    if (request.bodyFile && !generation->descriptor().spoolBodies)
    {
        reply.error(503, "plugin_reloaded", "plugin '" + route.plugin + "' was replaced by a generation that does not take spooled bodies while the body arrived; try again");
        reply.addHeader("Retry-After", "1");
        figures.end(503, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        return;
    }

    PluginCall call;
    call.method = request.method;
    call.path = match->routedPath;
    call.originalPath = request.path;
    call.query = request.query;
    call.target = request.target;
    call.body = request.body;
    if (request.bodyFile) call.bodyFile = request.bodyFile->path();
    call.clientAddress = request.clientAddress;
    call.listener = request.listener;
    call.routePrefix = route.prefix;
    call.requestId = request.requestId;
    call.headers = &request.headers;
    generation->invoke(call, reply);
    figures.end(reply.status(), std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    slot->count(reply.status());
    if (reply.status() >= 500)
        logger().warning("%s %s -> %d from plugin '%s' generation %Lu", request.method, request.path, reply.status(), route.plugin,
                         static_cast<Poco::UInt64>(generation->number()));
    // An adopted body is freed, and a WebSocket served, by code of this generation: keep it.
    if (reply.bodyAdopted() || reply.webSocket()) reply.keepAlive(std::make_shared<PluginSlot::Ref>(std::move(generation)));
}

} // namespace terrarium
