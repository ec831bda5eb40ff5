#include "router/GatewayHandler.h"

#include "http/HttpReply.h"
#include "http/IncomingRequest.h"
#include "plugin/PluginCall.h"
#include "router/ProbeHandler.h"
#include "router/ProxyRewrite.h"
#include "router/UpstreamProxy.h"

#include <Poco/Logger.h>

#include <chrono>

namespace terrarium {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("gateway"); }

double secondsSince(std::chrono::steady_clock::time_point started)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

} // namespace

GatewayHandler::GatewayHandler(const RoutingState& routing, const ServerState& state, const ListenerConfig& listener,
                               RequestMetrics& metrics, UpstreamProxy* proxy, const MetricsRegistry* metricsPage)
    : _routing(routing),
      _state(state),
      _listener(listener.name),
      _probes(listener.probes),
      _secure(listener.tls.enabled),
      _cors(listener.cors),
      _metrics(metrics),
      _proxy(proxy),
      _metricsPage(metricsPage)
{
}

bool GatewayHandler::answersAtOnce(const IncomingRequest& request) const
{
    return _cors.answers(request) || (_probes && ProbeHandler::isProbe(request));
}

BodyPolicy GatewayHandler::bodyPolicy(const IncomingRequest& request) const
{
    std::shared_ptr<const RoutingSnapshot> snapshot = _routing.load();
    const RouteTable* table = snapshot->table(request.listener);
    std::optional<RouteTable::Match> match;
    if (table) match = table->match(request.authority, request.path);
    PluginSlot* slot = match ? snapshot->slot(match->entry->plugin) : nullptr;
    std::shared_ptr<Generation> generation = slot ? slot->current() : nullptr;
    BodyPolicy policy = generation ? generation->bodyPolicy() : BodyPolicy();
    if (policy.spools() && match->entry->maxSpooledBodyBytes) policy.spoolLimit = *match->entry->maxSpooledBodyBytes;
    return policy;
}

void GatewayHandler::handle(const IncomingRequest& request, HttpReply& reply)
{
    if (std::shared_ptr<void> resumed = reply.takeResumeState())
        return finishUpstream(request, *std::static_pointer_cast<ProxyExchange>(resumed), reply);
    if (_cors.answers(request)) return _cors.preflight(reply);
    if (_probes && ProbeHandler::isProbe(request)) return ProbeHandler::answer(request, _routing, _state, reply);
    if (_metricsPage && request.path == "/metrics" && (request.method == "GET" || request.method == "HEAD"))
    {
        reply.setStatus(200);
        reply.addHeader("Content-Type", PrometheusWriter::contentType());
        reply.setBody(_metricsPage->render());
        return;
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
    switch (match->entry->kind)
    {
    case RouteConfig::Kind::Plugin:
        return toPlugin(request, *match, *snapshot, reply);
    case RouteConfig::Kind::Upstream:
        return toUpstream(request, *match, reply);
    case RouteConfig::Kind::Fixed:
        break;
    }
    const RouteTable::Entry& route = *match->entry;
    RouteMetrics& figures = _metrics.route(request.listener, route.prefix, "");
    figures.begin();
    reply.setStatus(route.answer.status);
    if (!route.answer.contentType.empty()) reply.addHeader("Content-Type", route.answer.contentType);
    reply.setBody(route.answer.body);
    figures.end(route.answer.status, 0.0);
}

void GatewayHandler::toPlugin(const IncomingRequest& request, const RouteTable::Match& match, const RoutingSnapshot& snapshot, HttpReply& reply)
{
    const RouteTable::Entry& route = *match.entry;
    reply.setPlugin(route.plugin);
    PluginSlot* slot = snapshot.slot(route.plugin);
    PluginSlot::Ref generation = slot ? slot->acquire() : PluginSlot::Ref();
    if (!generation && _routing.load().get() != &snapshot) return dispatch(request, reply);   // moved away meanwhile: routed anew
    if (generation && reply.upgradable() && generation->holdUntilRestored(reply)) return;   // runs again once restored
    RouteMetrics& figures = _metrics.route(request.listener, route.prefix, route.plugin);
    figures.begin();
    const auto started = std::chrono::steady_clock::now();
    if (!generation)
    {
        reply.error(503, "plugin_unavailable", "plugin '" + route.plugin + "' serving " + route.prefix + " is not loaded");
        reply.addHeader("Retry-After", "1");
        figures.end(503, secondsSince(started));
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
    call.path = match.routedPath;
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
    figures.end(reply.status(), secondsSince(started));
    slot->count(reply.status());
    if (reply.status() >= 500)
        logger().warning("%s %s -> %d from plugin '%s' generation %Lu", request.method, request.path, reply.status(), route.plugin,
                         static_cast<Poco::UInt64>(generation->number()));
    // An adopted body is freed, and a WebSocket served, by code of this generation: keep it.
    if (reply.bodyAdopted() || reply.webSocket()) reply.keepAlive(std::make_shared<PluginSlot::Ref>(std::move(generation)));
}

void GatewayHandler::toUpstream(const IncomingRequest& request, const RouteTable::Match& match, HttpReply& reply)
{
    const RouteTable::Entry& route = *match.entry;
    auto exchange = std::make_shared<ProxyExchange>();
    exchange->upstream = route.upstream;
    exchange->call = ProxyRewrite::request(request, match.routedPath, _secure);
    exchange->call.timeout = route.upstreamTimeout;
    exchange->call.bypassBreaker = true;   // a proxy route tries its upstream on every request
    exchange->figures = &_metrics.route(request.listener, route.prefix, "");
    exchange->started = std::chrono::steady_clock::now();
    exchange->figures->begin();
    UpstreamProxy::Submission submission = _proxy ? _proxy->submit(exchange, reply) : UpstreamProxy::Submission::Refused;
    switch (submission)
    {
    case UpstreamProxy::Submission::SetAside:
        return;   // runs again with the answer (finishUpstream)
    case UpstreamProxy::Submission::Answered:
        return finishUpstream(request, *exchange, reply);
    case UpstreamProxy::Submission::Refused:
        break;
    }
    if (_proxy)
    {
        logger().warning("%s %s on listener '%s': every proxy thread is busy and the queue is full; answered 503", request.method,
                         request.path, request.listener);
        reply.error(503, "overloaded", "too many requests waiting for upstreams; try again later");
        reply.addHeader("Retry-After", "1");
    }
    else
        reply.error(502, "bad_gateway", "upstream '" + route.upstream + "' cannot be reached: no proxy on this host");
    exchange->figures->end(reply.status(), secondsSince(exchange->started));
}

void GatewayHandler::finishUpstream(const IncomingRequest& request, ProxyExchange& exchange, HttpReply& reply)
{
    if (!exchange.done.load(std::memory_order_acquire))
        exchange.result = ClientResult::failure(ClientStatus::Unavailable, "the call was not made");
    ProxyRewrite::answer(exchange.result, exchange.upstream, reply);
    exchange.figures->end(reply.status(), secondsSince(exchange.started));
    if (!exchange.result.ok())
        logger().warning("%s %s on listener '%s' -> %d: upstream '%s': %s", request.method, request.path, request.listener, reply.status(),
                         exchange.upstream, exchange.result.message);
}

} // namespace terrarium
