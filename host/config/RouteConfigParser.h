#ifndef Terrarium_RouteConfigParser_INCLUDED
#define Terrarium_RouteConfigParser_INCLUDED

#include "config/Config.h"
#include "config/ConfigSources.h"

#include <Poco/Dynamic/Var.h>

#include <string>
#include <vector>

namespace terrarium {

/// Parses where requests go: route arrays (to a plugin, an upstream or a fixed answer), the extra
/// listeners ("listeners") with their probes and CORS settings, and the plugin blocks ("plugins")
/// with their settings, routes and spool limits.
class RouteConfigParser
{
public:
    /// The routes of the array value at key; fixedPlugin is the plugin of a plugins.<name>.routes
    /// array (whose entries have no "plugin" key), null elsewhere. keys receives each route's key.
    static std::vector<RouteConfig> parseRoutes(const Poco::Dynamic::Var& value, const std::string& key,
                                                const std::string* fixedPlugin, std::vector<std::string>& keys);

    /// Appends route (declared at key) to routes and key to keys; throws ConfigError when a route
    /// with the same host and prefix is already there.
    static void addRoute(std::vector<RouteConfig>& routes, std::vector<std::string>& keys, RouteConfig route,
                         const std::string& key);

    /// Appends the listeners of the "listeners" array to config.listeners and their address keys
    /// to sources.extraListen.
    static void parseListeners(const Poco::Dynamic::Var& value, Config& config, ConfigSources& sources);

    /// Sets config.plugins from the "plugins" object.
    static void parsePlugins(const Poco::Dynamic::Var& value, Config& config);

    /// The "cors" setting of a listener at key: true, false, or an object of header values.
    static CorsConfig parseCors(const Poco::Dynamic::Var& value, const std::string& key);

private:
    /// "plugins.signatures" (off, warn, require) or "plugins.trusted_keys_dir" into config.
    static void parseSignatureSetting(const Poco::Dynamic::Var& value, const std::string& key, Config& config);
    static PluginSpoolConfig parseSpool(const Poco::Dynamic::Var& value, const std::string& key);
    static RouteConfig parseRoute(const Poco::Dynamic::Var& value, const std::string& key, const std::string* fixedPlugin);
    static std::string parseUpstream(const Poco::Dynamic::Var& value, const std::string& key);
    static FixedAnswer parseAnswer(const Poco::Dynamic::Var& value, const std::string& key);
    static std::string parsePrefix(const Poco::Dynamic::Var& value, const std::string& key);
};

} // namespace terrarium

#endif
