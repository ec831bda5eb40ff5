#include "router/InProcessDispatcher.h"

#include "http/HeaderName.h"
#include "http/HttpReply.h"
#include "plugin/PluginCall.h"

namespace terrarium {

namespace {

thread_local int callDepth = 0;

struct DepthGuard
{
    DepthGuard() { ++callDepth; }
    ~DepthGuard() { --callDepth; }
};

/// headers with X-Request-Id set to requestId, as the HTTP client sends a network call.
std::vector<std::pair<std::string, std::string>> withRequestId(const std::vector<std::pair<std::string, std::string>>& headers,
                                                               const std::string& requestId)
{
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(headers.size() + 1);
    for (const auto& header : headers)
        if (!sameHeaderName(header.first, "X-Request-Id")) out.push_back(header);
    out.emplace_back("X-Request-Id", requestId);
    return out;
}

} // namespace

InProcessDispatcher::InProcessDispatcher(const RoutingState& routing, std::size_t maxResponseBytes)
    : _routing(routing), _maxResponseBytes(maxResponseBytes)
{
}

bool InProcessDispatcher::serves(const std::string& service) const
{
    std::shared_ptr<const RoutingSnapshot> snapshot = _routing.load();
    PluginSlot* slot = snapshot->slot(service);
    return slot && slot->current();
}

ClientResult InProcessDispatcher::dispatch(const std::string& service, const ClientRequest& request)
{
    if (callDepth >= maxDepth)
        return ClientResult::failure(ClientStatus::Unavailable, "in-process call to '" + service + "' refused: calls nested "
                                                                    + std::to_string(maxDepth) + " deep (a plugin calling in a loop?)");
    std::shared_ptr<const RoutingSnapshot> snapshot = _routing.load();
    PluginSlot* slot = snapshot->slot(service);
    PluginSlot::Ref generation = slot ? slot->acquire() : PluginSlot::Ref();
    if (!generation) return ClientResult::failure(ClientStatus::NotFound, "plugin '" + service + "' is not loaded any more");
    generation->waitUntilRestored();

    std::string_view target = request.path.empty() ? std::string_view("/") : std::string_view(request.path);
    std::size_t mark = target.find('?');
    PluginCall call;
    call.method = request.method.empty() ? std::string_view("GET") : std::string_view(request.method);
    call.path = target.substr(0, mark);
    call.originalPath = call.path;
    call.target = target;
    call.query = mark == std::string_view::npos ? std::string_view() : target.substr(mark + 1);
    call.body = request.body;
    call.clientAddress = "in-process";
    call.listener = "in-process";
    call.routePrefix = "";
    call.requestId = request.requestId;
    call.headers = &request.headers;
    std::vector<std::pair<std::string, std::string>> headers;
    if (!request.requestId.empty())
    {
        headers = withRequestId(request.headers, request.requestId);
        call.headers = &headers;
    }

    HttpReply reply;
    reply.setStatus(200);
    {
        DepthGuard depth;
        generation->invoke(call, reply);
    }
    slot->count(reply.status());
    ClientResponse response;
    response.status = reply.status();
    response.headers = reply.headers();
    if (reply.hasFile())
    {
        if (reply.bodySize() > _maxResponseBytes)
            return ClientResult::failure(ClientStatus::TooLarge, "plugin '" + service + "' answered with a file of " + std::to_string(reply.bodySize())
                                                                      + " bytes, above the response limit of " + std::to_string(_maxResponseBytes));
        if (!reply.readFile(response.body, _maxResponseBytes))
            return ClientResult::failure(ClientStatus::Unavailable, "plugin '" + service + "' answered with a file that cannot be read");
    }
    else
        response.body = std::string(reply.body());
    response.attempts = 1;
    response.inProcess = true;
    return ClientResult::success(std::move(response));
}

} // namespace terrarium
