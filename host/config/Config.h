#ifndef Terrarium_Config_INCLUDED
#define Terrarium_Config_INCLUDED

#include <Poco/JSON/Object.h>
#include <Poco/Timespan.h>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace terrarium {

/// One route of a listener's table: requests whose path starts with prefix (on a segment
/// boundary) and whose Host matches host (empty = any host) go to plugin.
struct RouteConfig
{
    std::string prefix;       /// starts with '/'
    std::string host;         /// Host header without port, lower case; empty = any
    std::string plugin;       /// target plugin name
    bool stripPrefix = true;  /// the plugin sees the path without the prefix
};

/// A listener: an address and its route table.
struct ListenerConfig
{
    std::string name;                  /// "main" for the main listener
    std::string address;               /// "host:port"; port 0 picks a free port
    std::vector<RouteConfig> routes;   /// explicit routes (they win over plugin defaults)
    bool pluginDefaultRoutes = false;  /// plugins' default routes are attached here (true for "main")
};

/// Request limits enforced by every listener.
struct LimitsConfig
{
    std::size_t maxHeaderBytes = 16 * 1024;        /// request line + headers; above: 431
    std::size_t maxBodyBytes = 8 * 1024 * 1024;    /// request body; above: 413
    Poco::Timespan requestTimeout = Poco::Timespan(30, 0);   /// to receive a whole request; above: 408
    Poco::Timespan keepAliveTimeout = Poco::Timespan(15, 0); /// idle time between requests
};

/// Per-plugin settings from the "plugins" object, keyed by plugin name.
struct PluginConfig
{
    std::string name;
    Poco::JSON::Object::Ptr settings;                /// the "config" block handed to the plugin (never null)
    std::optional<std::vector<RouteConfig>> routes;  /// replaces the plugin's default routes when set
};

/// One immutable, validated configuration snapshot: defaults, then the JSON file, then
/// TERRARIUM_* environment variables, then command-line flags.
struct Config
{
    std::vector<ListenerConfig> listeners;     /// listeners[0] is the main listener ("main")
    std::string adminAddress = "127.0.0.1:8081";
    std::string adminTokenFile;                /// empty: generated into stateDir/admin.token
    std::string pluginsDir = "/var/lib/terrarium/plugins";
    std::string stateDir = "/var/lib/terrarium";
    unsigned threads = 16;                     /// worker threads per listener
    unsigned queueSize = 256;                  /// accepted connections waiting for a thread
    LimitsConfig limits;
    Poco::Timespan shutdownTimeout = Poco::Timespan(10, 0); /// in-flight requests at shutdown
    Poco::Timespan drainTimeout = Poco::Timespan(30, 0);    /// old generation at reload/unload
    bool watchPlugins = true;                  /// watch pluginsDir for new/replaced/removed files
    Poco::Timespan watchInterval = Poco::Timespan(0, 200 * 1000);
    std::string logLevel = "information";      /// Poco level name
    std::map<std::string, PluginConfig> plugins;

    const ListenerConfig& mainListener() const { return listeners.front(); }

    /// The settings of a plugin (an empty object when none are configured).
    Poco::JSON::Object::Ptr pluginSettings(const std::string& name) const;
};

} // namespace terrarium

#endif
