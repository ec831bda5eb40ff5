#include "http/GatewayHandler.h"

#include "http/HttpReply.h"
#include "http/IncomingRequest.h"
#include "plugin/PluginCall.h"

#include <Poco/Logger.h>

namespace terrarium {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("gateway"); }

} // namespace

GatewayHandler::GatewayHandler(const RoutingState& routing, const ServerState& state, std::string mainListener)
    : _routing(routing), _state(state), _mainListener(std::move(mainListener))
{
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
        {
            bool ready = _state.ready();
            reply.json(ready ? 200 : 503, std::string("{\"ready\":") + (ready ? "true" : "false") + ",\"state\":\"" + _state.phaseName() + "\"}");
            return;
        }
    }

    std::shared_ptr<const RoutingSnapshot> snapshot = _routing.load();
    const RouteTable* table = snapshot->table(request.listener);
    const std::string* host = request.header("Host");
    std::optional<RouteTable::Match> match;
    if (table) match = table->match(host ? std::string_view(*host) : std::string_view(), request.path);
    if (!match)
    {
        reply.error(404, "no_route", "no route for " + request.method + " " + request.path + " on listener '" + request.listener + "'");
        return;
    }
    const RouteTable::Entry& route = *match->entry;
    PluginSlot* slot = snapshot->slot(route.plugin);
    PluginSlot::Ref generation = slot ? slot->acquire() : PluginSlot::Ref();
    if (!generation)
    {
        reply.error(503, "plugin_unavailable", "plugin '" + route.plugin + "' serving " + route.prefix + " is not loaded");
        reply.addHeader("Retry-After", "1");
        return;
    }

    PluginCall call;
    call.method = request.method;
    call.path = match->routedPath;
    call.originalPath = request.path;
    call.query = request.query;
    call.body = request.body;
    call.clientAddress = request.clientAddress;
    call.listener = request.listener;
    call.routePrefix = route.prefix;
    call.headers = &request.headers;
    generation->invoke(call, reply);
    slot->count(reply.status());
    if (reply.status() >= 500)
        logger().warning("%s %s -> %d from plugin '%s' generation %Lu", request.method, request.path, reply.status(), route.plugin,
                         static_cast<Poco::UInt64>(generation->number()));
    if (reply.bodyAdopted()) reply.keepAlive(std::make_shared<PluginSlot::Ref>(std::move(generation)));
}

} // namespace terrarium
