#include "router/ProbeHandler.h"

#include "http/HttpReply.h"
#include "http/IncomingRequest.h"
#include "http/JsonText.h"

namespace terrarium {

ProbeHandler::ProbeHandler(const RoutingState& routing, const ServerState& state, HttpHandler& next)
    : _routing(routing), _state(state), _next(next)
{
}

void ProbeHandler::handle(const IncomingRequest& request, HttpReply& reply)
{
    if (isProbe(request)) return answer(request, _routing, _state, reply);
    _next.handle(request, reply);
}

bool ProbeHandler::answersAtOnce(const IncomingRequest& request) const
{
    return isProbe(request) || _next.answersAtOnce(request);
}

bool ProbeHandler::isProbe(const IncomingRequest& request)
{
    return request.path == "/health" || request.path == "/ready";
}

void ProbeHandler::answer(const IncomingRequest& request, const RoutingState& routing, const ServerState& state, HttpReply& reply)
{
    if (request.path == "/ready") return ready(routing, state, reply);
    reply.json(200, "{\"status\":\"alive\"}");
}

void ProbeHandler::ready(const RoutingState& routing, const ServerState& state, HttpReply& reply)
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

} // namespace terrarium
