#ifndef Terrarium_AdminHandler_INCLUDED
#define Terrarium_AdminHandler_INCLUDED

#include "admin/AdminToken.h"
#include "http/HttpHandler.h"
#include "metrics/MetricsRegistry.h"

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace terrarium {

class LogPipeline;
class PluginLifecycle;
class ServerState;
class ServiceDirectory;

/// The control API on the admin listener:
///   GET    /admin/plugins                 list plugins, per-file errors, retiring generations
///   POST   /admin/plugins                 {"file":"x.so","config":{...}} load a file of the plugins dir
///   GET    /admin/plugins/{name}          one plugin
///   POST   /admin/plugins/{name}/reload   {"config":{...}} optional; hot reload
///   DELETE /admin/plugins/{name}          unload
///   GET    /admin/status                  host state
///   GET    /admin/log-levels              default and per-service log levels
///   POST   /admin/log-levels              {"service":"echo","level":"debug"} (level null: follow the default),
///                                         or {"default":"info"}
///   GET    /admin/services                the service directory: base URLs, and which names a plugin here serves
///   POST   /admin/services/{name}         {"url":"http://host:port"}: calls to name go there (a service moved)
///   DELETE /admin/services/{name}         forget the base URL of name
///   GET    /metrics                       Prometheus text (no token needed, for scrapers)
/// Every other call needs "Authorization: Bearer <token>", and is refused when its Host or Origin
/// names a host other than the admin listener's own names (a page that rebinds its DNS name to this
/// host's address cannot drive the API).
class AdminHandler : public HttpHandler
{
public:
    /// log and directory may be null: their resources then answer 404.
    AdminHandler(PluginLifecycle& lifecycle, const AdminToken& token, const ServerState& state, const MetricsRegistry& metrics,
                 LogPipeline* log = nullptr, ServiceDirectory* directory = nullptr);

    /// The names the API answers to: the host of boundAddress (any IP address when it is a
    /// wildcard address), "localhost", and configured (host names or addresses, lower case).
    /// Called before the admin listener starts.
    void allowHosts(const std::string& boundAddress, const std::vector<std::string>& configured);

    void handle(const IncomingRequest& request, HttpReply& reply) override;

private:
    bool authorize(const IncomingRequest& request, HttpReply& reply) const;
    bool ownHost(const std::string& authority) const;
    std::string ownHostList() const;
    void route(const IncomingRequest& request, HttpReply& reply);
    void logLevels(const IncomingRequest& request, HttpReply& reply);
    void services(const IncomingRequest& request, const std::vector<std::string>& segments, HttpReply& reply);
    static Poco::JSON::Object::Ptr parseBody(const IncomingRequest& request, bool required);

    PluginLifecycle& _lifecycle;
    const AdminToken& _token;
    const ServerState& _state;
    const MetricsRegistry& _metrics;
    LogPipeline* _log;
    ServiceDirectory* _directory;
    std::vector<std::string> _ownHosts;
    bool _anyAddress = false;
};

} // namespace terrarium

#endif
