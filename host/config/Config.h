#ifndef Terrarium_Config_INCLUDED
#define Terrarium_Config_INCLUDED

#include "config/ConfigProvenance.h"

#include <Poco/JSON/Object.h>
#include <Poco/Timespan.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace terrarium {

/// The answer of a fixed route: the same status, content type and body for every request.
struct FixedAnswer
{
    int status = 200;
    std::string contentType = "text/plain";
    std::string body;
};

/// One route of a listener's table: requests whose path starts with prefix (on a segment
/// boundary) and whose Host matches host (empty = any host) go to a plugin, are forwarded to an
/// upstream, or get a fixed answer.
struct RouteConfig
{
    /// What the route leads to.
    enum class Kind
    {
        Plugin,    /// a plugin of this host (plugin)
        Upstream,  /// forwarded to an HTTP server (upstream)
        Fixed      /// answered by the host (answer)
    };

    std::string prefix;       /// starts with '/'
    std::string host;         /// Host header without port, lower case; empty = any
    std::string plugin;       /// Kind::Plugin: target plugin name
    bool stripPrefix = true;  /// the plugin (or upstream) sees the path without the prefix
    Kind kind = Kind::Plugin;
    std::string upstream;            /// Kind::Upstream: a service-directory name, or an http(s) base URL
    Poco::Timespan upstreamTimeout;  /// Kind::Upstream: deadline of one forwarded call; 0: client.timeout_ms
    FixedAnswer answer;              /// Kind::Fixed
    std::optional<std::uint64_t> maxSpooledBodyBytes;  /// Kind::Plugin: the largest spooled body this route takes (overrides plugins.<name>.spool.max_bytes)
};

/// Cross-origin resource sharing on a listener: every answer carries the allow headers, and an
/// OPTIONS request on any path is answered 204 by the host.
struct CorsConfig
{
    bool enabled = false;
    std::string allowOrigin = "*";                                  /// Access-Control-Allow-Origin
    std::string allowMethods = "GET, POST, PUT, DELETE, OPTIONS";  /// Access-Control-Allow-Methods
    std::string allowHeaders =                                      /// Access-Control-Allow-Headers ("": not sent)
        "DNT,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization";
    std::string exposeHeaders = "Content-Length,Content-Range";     /// Access-Control-Expose-Headers ("": not sent)
    unsigned maxAge = 1728000;                                       /// Access-Control-Max-Age of the 204, seconds (0: not sent)
};

/// TLS settings of a listener (HTTPS when enabled).
struct TlsServerConfig
{
    bool enabled = false;              /// true when certFile and keyFile are set
    std::string certFile;              /// PEM certificate (chain)
    std::string keyFile;               /// PEM private key
    std::string caFile;                /// PEM CA bundle to verify client certificates
    std::string clientCerts = "none";  /// "none", "optional" or "required"
};

/// A listener: an address and its route table.
struct ListenerConfig
{
    std::string name;                  /// "main" for the main listener
    std::string address;               /// "host:port"; port 0 picks a free port
    TlsServerConfig tls;               /// HTTPS when tls.enabled
    std::vector<RouteConfig> routes;   /// explicit routes (they win over plugin defaults)
    bool pluginDefaultRoutes = false;  /// plugins' default routes are attached here (true for "main" unless plugin_routes is false)
    bool reusePort = false;            /// SO_REUSEPORT: share the address with other processes that set it too
    bool probes = false;               /// the host answers /health and /ready here (true for "main" unless probes is false)
    CorsConfig cors;                   /// CORS headers on every answer, OPTIONS answered 204
};

/// The threads that forward requests of upstream routes ("proxy" object).
struct ProxyConfig
{
    unsigned threads = 8;        /// upstream calls at once (each waits on its upstream on a thread of its own)
    unsigned queueSize = 1024;   /// forwarded requests waiting for a thread; above: 503
};

/// Request limits enforced by every listener.
struct LimitsConfig
{
    std::size_t maxHeaderBytes = 16 * 1024;        /// request line + headers; above: 431
    std::size_t maxBodyBytes = 8 * 1024 * 1024;    /// request body; above: 413
    Poco::Timespan headerTimeout = Poco::Timespan(10, 0);    /// to receive the request line and headers; above: 408 (slowloris)
    Poco::Timespan requestTimeout = Poco::Timespan(30, 0);   /// to receive a whole request; above: 408
    Poco::Timespan keepAliveTimeout = Poco::Timespan(15, 0); /// idle time between requests
    std::size_t maxBufferedBodyBytes = 64 * 1024 * 1024;     /// request bodies a listener holds at once; above: 503
    Poco::Timespan webSocketCloseTimeout = Poco::Timespan(1, 0); /// for the peer to answer the host's close frame; then the host closes the TCP connection
    std::uint64_t spoolThresholdBytes = 1024 * 1024;          /// plugins that spool (TRM_PLUGIN_SPOOL_BODIES): bodies above this go to a spool file
    std::uint64_t maxSpooledBodyBytes = 1024ull * 1024 * 1024; /// ... up to this size; above: 413
};

/// How the request bodies of one plugin that declares TRM_PLUGIN_SPOOL_BODIES are spooled
/// ("plugins.<name>.spool"); absent values take the host's limits.
struct PluginSpoolConfig
{
    bool enabled = true;                           /// false: its bodies stay in memory
    std::optional<std::uint64_t> thresholdBytes;   /// bodies above this are spooled
    std::optional<std::uint64_t> maxBytes;         /// the largest body it takes; above: 413
};

/// Per-plugin settings from the "plugins" object, keyed by plugin name.
struct PluginConfig
{
    std::string name;
    Poco::JSON::Object::Ptr settings;                /// the "config" block handed to the plugin (never null)
    std::optional<std::vector<RouteConfig>> routes;  /// replaces the plugin's default routes when set
    std::optional<PluginSpoolConfig> spool;          /// overrides the host's spool limits for this plugin
};

/// The pooled HTTP client ("client" object); defaults follow the Edge-Terrarium guide.
struct ClientConfig
{
    Poco::Timespan connectTimeout = Poco::Timespan(2, 0);   /// per connection attempt
    Poco::Timespan timeout = Poco::Timespan(10, 0);         /// whole call, all tries included
    unsigned maxAttempts = 3;                               /// tries per call (1 = no retry)
    Poco::Timespan backoffInitial = Poco::Timespan(0, 100 * 1000); /// first retry delay (doubles, jittered)
    Poco::Timespan backoffMax = Poco::Timespan(2, 0);       /// cap of one retry delay
    unsigned maxPerOrigin = 32;                             /// open connections per origin
    unsigned maxTotal = 256;                                /// open connections in total
    Poco::Timespan idleTimeout = Poco::Timespan(30, 0);     /// idle pooled connection is closed after
    unsigned breakerFailures = 5;                           /// consecutive failures that open the breaker
    Poco::Timespan breakerOpen = Poco::Timespan(10, 0);     /// fail fast this long, then probe
    std::size_t maxResponseBytes = 64 * 1024 * 1024;        /// larger responses fail with TOO_LARGE
    bool verifyPeer = true;                                 /// verify HTTPS servers
    std::string caFile;                                     /// PEM CA bundle; empty: system default
};

/// Vault provider settings ("secrets.vault").
struct VaultConfig
{
    std::string address;        /// e.g. "http://127.0.0.1:8200"; empty: no Vault (env VAULT_ADDR)
    std::string token;          /// static token (env VAULT_TOKEN); never logged
    std::string tokenFile;      /// file holding the token (read at start and on 403)
    std::string mount = "secret";                   /// KV v2 mount
    std::string kubernetesRole;                     /// non-empty: log in with Kubernetes auth
    std::string kubernetesAuthPath = "kubernetes";  /// auth mount: POST /v1/auth/<path>/login
    std::string kubernetesJwtFile = "/var/run/secrets/kubernetes.io/serviceaccount/token";
};

/// The secret cache ("secrets" object).
struct SecretsConfig
{
    std::string provider = "auto";  /// "vault", "files", "env" or "auto" (vault when an address is set, else files)
    Poco::Timespan ttl = Poco::Timespan(300, 0);         /// a value is fresh this long
    Poco::Timespan refreshAhead = Poco::Timespan(30, 0); /// refresh in the background this long before expiry
    Poco::Timespan maxStale = Poco::Timespan(3600, 0);   /// serve the last value this long past expiry when the provider is down
    Poco::Timespan negativeTtl = Poco::Timespan(5, 0);   /// remember "not found"/"forbidden" this long
    VaultConfig vault;
    std::string filesDir;                                /// files provider; empty: <stateDir>/secrets
    std::string envPrefix = "SECRET_";                   /// env provider: SECRET_<PATH>_<KEY>, upper case, non-alnum as '_'
    bool coreDumps = true;                               /// false: the process is made non-dumpable (PR_SET_DUMPABLE 0), so no core dump holds cached values
};

/// The log pipeline ("log" object).
struct LogConfig
{
    std::string level = "information";              /// host and default plugin level (Poco level name)
    std::map<std::string, std::string> pluginLevels; /// per-plugin level
    std::string format = "auto";                    /// console: "auto" (text on a terminal, else JSON), "text", "json"
    bool console = true;
    std::string filePath;                           /// rotating JSON-lines file; empty: none
    std::size_t fileMaxBytes = 10 * 1024 * 1024;    /// rotate above this size
    unsigned fileKeep = 5;                          /// rotated files kept
    std::string accessPath;                         /// access log: one JSON line per answered request; empty: none
    std::size_t accessMaxBytes = 100 * 1024 * 1024; /// rotate the access log above this size
    unsigned accessKeep = 5;                        /// rotated access logs kept
    bool logthon = true;                            /// ship to the "logthon" service when the directory knows it
    std::string logthonPath = "/logs";              /// POST path on logthon
    bool logthonBatch = true;                       /// one POST per shipping round (a JSON array); false: one POST per record
    std::size_t queueCapacity = 10000;              /// records waiting to be shipped; above: dropped and counted
    std::size_t batchSize = 100;                    /// records per shipping round
    Poco::Timespan flushInterval = Poco::Timespan(0, 500 * 1000); /// shipping round at least this often
    std::string serviceName;                        /// metadata: SERVICE_NAME (default "terrarium")
    std::string containerName;                      /// metadata: CONTAINER_NAME / POD_NAME / HOSTNAME
};

/// A host this one may move plugins to (the "peers" block): where its admin API is, the
/// credentials for it, and where its main listener takes the moved services' requests.
struct PeerConfig
{
    std::string adminUrl;    /// the peer's admin API base URL (http:// or https://)
    std::string tokenFile;   /// file holding the peer's full admin token; empty: none is sent (mutual TLS)
    std::string url;         /// base URL of the peer's main listener: moved services' requests are forwarded there
    std::map<std::string, std::string> listeners;   /// listener name -> the peer's base URL for that listener's forwarded routes
};

/// One immutable, validated configuration snapshot: defaults, then the JSON file, then
/// TERRARIUM_* environment variables, then command-line flags.
struct Config
{
    std::vector<ListenerConfig> listeners;     /// listeners[0] is the main listener ("main")
    std::string adminAddress = "127.0.0.1:8081";
    std::string adminTokenFile;                /// empty: generated into stateDir/admin.token
    bool adminReusePort = false;               /// SO_REUSEPORT on the admin listener
    std::vector<std::string> adminAllowedHosts; /// Host and Origin names the admin API accepts besides its address and localhost
    // Admin API hardening: body bound, failed-auth limits, read-only token, Unix socket mode.
    std::size_t adminMaxBodyBytes = 64 * 1024;  /// admin request bodies; above: 413 before the handler reads them
    unsigned adminAuthFailuresMax = 10;         /// failed token checks of one client address per window; then 429
    Poco::Timespan adminAuthFailuresWindow = Poco::Timespan(60, 0); /// the window of adminAuthFailuresMax
    std::string adminReadOnlyTokenFile;         /// a token for GET/HEAD only; empty: none
    unsigned adminSocketMode = 0660;            /// file mode of the admin socket when adminAddress is "unix:<path>"
    // Plugin transfer: uploads, snapshots and moves between hosts.
    std::uint64_t adminMaxUploadBytes = 64 * 1024 * 1024; /// a plugin library or snapshot sent to the admin API; above: 413
    Poco::Timespan moveForward;                /// forwarding of a moved plugin's routes; 0: until restart or a load here
    std::map<std::string, PeerConfig> peers;   /// hosts plugins may be moved to, by name
    std::string pluginsDir = "/var/lib/terrarium/plugins";
    std::vector<std::string> pluginsLinkDirs = {"/usr/lib/terrarium/plugins"}; /// where a symbolic link in pluginsDir may point besides pluginsDir
    std::string stateDir = "/var/lib/terrarium";
    std::string spoolDir;                      /// spooled request bodies; empty: <stateDir>/spool
    unsigned threads = 16;                     /// requests in handlers at once, per listener
    unsigned ioThreads = 0;                    /// threads kept polling per listener; 0: the number of CPUs (at most 4)
    unsigned maxConnections = 10000;           /// open connections per listener; above: 503 and close
    unsigned queueSize = 1024;                 /// complete requests waiting for a handler thread; above: 503
    LimitsConfig limits;
    Poco::Timespan shutdownTimeout = Poco::Timespan(10, 0); /// in-flight requests at shutdown
    Poco::Timespan drainTimeout = Poco::Timespan(30, 0);    /// old generation at reload/unload
    Poco::Timespan restoreHold = Poco::Timespan(5, 0);      /// a reload holds a stateful plugin's requests at most this long
    unsigned restoreHoldMaxRequests = 1024;    /// requests held at once per reloading plugin; beyond: served unrestored
    bool watchPlugins = true;                  /// watch pluginsDir for new/replaced/removed files
    Poco::Timespan watchInterval = Poco::Timespan(0, 200 * 1000);
    std::string logLevel = "information";      /// Poco level name (same as log.level)
    LogConfig log;
    TlsServerConfig adminTls;                  /// admin listener TLS
    bool metricsOnMain = false;                /// also serve GET /metrics on the main listener
    ClientConfig client;
    ProxyConfig proxy;
    SecretsConfig secrets;
    std::map<std::string, std::string> services; /// service directory: logical name -> base URL
    std::map<std::string, PluginConfig> plugins;
    ConfigProvenance provenance;                 /// where the settings came from (GET /admin/config)
    // Plugin signatures ("plugins.signatures", "plugins.trusted_keys_dir"; docs/plugins.md, signing).
    std::string pluginSignatures = "off";      /// "off", "warn" (load unsigned files with a warning) or "require"
    std::string trustedKeysDir = "/etc/terrarium/trusted-keys"; /// public keys (PEM) whose signatures are trusted; read at every load

    const ListenerConfig& mainListener() const { return listeners.front(); }

    /// The settings of a plugin (an empty object when none are configured).
    Poco::JSON::Object::Ptr pluginSettings(const std::string& name) const;

    /// Where request bodies are spooled: spoolDir, or <stateDir>/spool.
    std::string spoolDirectory() const;

    /// The spool threshold and limit of a plugin configured as plugin (nullptr: not configured):
    /// its "spool" settings over the host's limits (enabled false: 0 and 0, nothing is spooled).
    static std::pair<std::uint64_t, std::uint64_t> spoolLimits(const LimitsConfig& limits, const PluginConfig* plugin);
};

} // namespace terrarium

#endif
