#ifndef Terrarium_AdminHandler_INCLUDED
#define Terrarium_AdminHandler_INCLUDED

#include "admin/AdminToken.h"
#include "admin/AuthFailureLimiter.h"
#include "config/Config.h"
#include "http/HttpHandler.h"
#include "metrics/MetricsRegistry.h"

#include <Poco/JSON/Object.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace terrarium {

class LogPipeline;
class PluginLifecycle;
class PluginTransferHandler;
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
///   PUT|DELETE /admin/plugins/{name}/library, PUT .../signature, GET|PUT .../snapshot,
///   POST   /admin/plugins/{name}/move     plugin transfer: see PluginTransferHandler (setTransfer)
///   GET    /metrics                       Prometheus text (no token needed, for scrapers)
///   GET    /admin/events                  the latest plugin lifecycle events (LifecycleHistory; ?since=ID)
///   GET    /admin/ui/…                    the dashboard's page and files (AdminUi; no token needed, they hold no data)
///   GET    /admin                         the list of calls (AdminEndpoints, the one table of them)
///   GET    /admin/config                  the effective configuration with each setting's source, secrets redacted
/// (?pretty indents its JSON answers: PrettyJsonHandler, which wraps the admin listener's handlers.)
/// Every other call needs "Authorization: Bearer <token>" (the full token, or for GET/HEAD the
/// read-only token), except over a Unix-socket admin listener (the socket's file permissions
/// decide), and is refused when its Host or Origin names a host other than the admin listener's
/// own names (a page that rebinds its DNS name to this host's address cannot drive the API). A
/// client address whose token checks failed too often within a window is refused with 429 until
/// the window ends. Every mutation (any method but GET/HEAD) leaves an audit record (logger
/// "audit"): client, method, path, plugin, access, status and error code, never a body.
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

    /// Accepts token for GET and HEAD only (nullptr: no read-only token). Called before the admin
    /// listener starts; token must outlive this handler.
    void setReadOnlyToken(const AdminToken* token) { _readOnlyToken = token; }

    /// Refuses a client address with 429 for the rest of a window once maxFailures token checks
    /// from it failed within window (defaults: 10 in 60 s). Called before the admin listener starts.
    void limitAuthFailures(unsigned maxFailures, Poco::Timespan window);

    /// The admin API's own figures: failed token checks, 429 refusals, tracked addresses.
    void collect(PrometheusWriter& writer) const;

    /// The configuration GET /admin/config shows (the running one: at start and after SIGHUP).
    void showConfig(const Config& config);

    void handle(const IncomingRequest& request, HttpReply& reply) override;

    /// Plugin uploads, snapshots and moves (see PluginTransferHandler) are answered by transfer
    /// (nullptr: 404). Called before the admin listener starts; transfer must outlive this handler.
    void setTransfer(PluginTransferHandler* transfer) { _transfer = transfer; }

    /// Uploads spool to a file above admin.max_body_bytes (see PluginTransferHandler).
    BodyPolicy bodyPolicy(const IncomingRequest& request) const override;

private:
    /// How a request was let in, for the audit record.
    enum class Access
    {
        None,        /// refused
        Token,       /// the full token
        ReadOnly,    /// the read-only token
        UnixSocket   /// the Unix-socket listener (file permissions)
    };

    void configReport(HttpReply& reply);
    bool authorize(const IncomingRequest& request, HttpReply& reply, Access& access);
    bool refuseForeign(const IncomingRequest& request, HttpReply& reply) const;
    void authFailed(const std::string& address);
    void audit(const IncomingRequest& request, const HttpReply& reply, Access access) const;
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
    bool _unixSocket = false;
    const AdminToken* _readOnlyToken = nullptr;
    std::unique_ptr<AuthFailureLimiter> _authFailures;
    std::mutex _configMutex;
    Config _config;
    PluginTransferHandler* _transfer = nullptr;
};

} // namespace terrarium

#endif
