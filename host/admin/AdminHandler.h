#ifndef Terrarium_AdminHandler_INCLUDED
#define Terrarium_AdminHandler_INCLUDED

#include "admin/AdminToken.h"
#include "http/HttpHandler.h"
#include "metrics/MetricsRegistry.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace terrarium {

class PluginLifecycle;
class ServerState;

/// The control API on the admin listener:
///   GET    /admin/plugins                 list plugins, per-file errors, retiring generations
///   POST   /admin/plugins                 {"file":"x.so","config":{...}} load a file of the plugins dir
///   GET    /admin/plugins/{name}          one plugin
///   POST   /admin/plugins/{name}/reload   {"config":{...}} optional; hot reload
///   DELETE /admin/plugins/{name}          unload
///   GET    /admin/status                  host state
///   GET    /metrics                       Prometheus text (no token needed, for scrapers)
/// Every other call needs "Authorization: Bearer <token>"; requests with a foreign Origin are refused.
class AdminHandler : public HttpHandler
{
public:
    AdminHandler(PluginLifecycle& lifecycle, const AdminToken& token, const ServerState& state, const MetricsRegistry& metrics);

    void handle(const IncomingRequest& request, HttpReply& reply) override;

private:
    bool authorize(const IncomingRequest& request, HttpReply& reply) const;
    void route(const IncomingRequest& request, HttpReply& reply);
    static Poco::JSON::Object::Ptr parseBody(const IncomingRequest& request, bool required);

    PluginLifecycle& _lifecycle;
    const AdminToken& _token;
    const ServerState& _state;
    const MetricsRegistry& _metrics;
};

} // namespace terrarium

#endif
