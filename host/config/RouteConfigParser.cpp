#include "config/RouteConfigParser.h"

#include "config/AddressParser.h"
#include "config/ConfigError.h"
#include "config/ConfigKey.h"
#include "config/ConfigValue.h"
#include "config/HostServicesConfigParser.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <utility>

namespace terrarium {

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

const ConfigKey::Names LISTENER_KEYS = {"name", "listen", "routes", "plugin", "tls", "reuse_port"};
const ConfigKey::Names ROUTE_KEYS = {"prefix", "plugin", "strip_prefix", "host"};
const ConfigKey::Names PLUGIN_ROUTE_KEYS = {"prefix", "strip_prefix", "host"};
const ConfigKey::Names PLUGIN_KEYS = {"config", "routes", "spool"};
const ConfigKey::Names SPOOL_KEYS = {"threshold_bytes", "max_bytes"};

std::string quoted(const std::string& text)
{
    return ConfigValue::quoted(text);
}

} // namespace

std::vector<RouteConfig> RouteConfigParser::parseRoutes(const Var& value, const std::string& key,
                                                        const std::string* fixedPlugin, std::vector<std::string>& keys)
{
    Array::Ptr array = ConfigValue::array(value, key, "an array of route objects");
    std::vector<RouteConfig> routes;
    for (unsigned i = 0; i < array->size(); ++i) {
        std::string routeKey = ConfigKey::element(key, i);
        addRoute(routes, keys, parseRoute(array->get(i), routeKey, fixedPlugin), routeKey);
    }
    return routes;
}

void RouteConfigParser::addRoute(std::vector<RouteConfig>& routes, std::vector<std::string>& keys, RouteConfig route,
                                 const std::string& key)
{
    for (std::size_t i = 0; i < routes.size(); ++i) {
        if (routes[i].host == route.host && routes[i].prefix == route.prefix) {
            std::string what = "prefix " + quoted(route.prefix)
                + (route.host.empty() ? std::string(" (any host)") : " for host " + quoted(route.host));
            throw ConfigError(key, "duplicate route: " + what + " is already declared by " + keys[i]
                + "; expected each host and prefix at most once per listener");
        }
    }
    routes.push_back(std::move(route));
    keys.push_back(key);
}

void RouteConfigParser::parseListeners(const Var& value, Config& config, ConfigSources& sources)
{
    const std::string key = "listeners";
    Array::Ptr array = ConfigValue::array(value, key, "an array of listener objects");
    for (unsigned i = 0; i < array->size(); ++i) {
        std::string listenerKey = ConfigKey::element(key, i);
        Object::Ptr object = ConfigValue::object(array->get(i), listenerKey,
            "a listener object, e.g. {\"name\": \"direct\", \"listen\": \"127.0.0.1:9000\", \"plugin\": \"echo\"}");
        ConfigKey::checkKnown(*object, listenerKey, LISTENER_KEYS);

        ListenerConfig listener;
        std::string nameKey = ConfigKey::member(listenerKey, "name");
        if (!object->has("name"))
            ConfigKey::missing(nameKey, "a unique listener name");
        listener.name = ConfigValue::string(object->get("name"), nameKey, "a listener name (string)");
        if (!ConfigValue::isListenerName(listener.name))
            throw ConfigError(nameKey, "invalid listener name " + quoted(listener.name)
                + "; expected letters, digits, '_', '-' and '.', starting with a letter or digit");
        if (listener.name == "main" || listener.name == "admin")
            throw ConfigError(nameKey, "reserved listener name " + quoted(listener.name) + "; expected another name");
        for (std::size_t j = 1; j < config.listeners.size(); ++j) {
            if (config.listeners[j].name == listener.name)
                throw ConfigError(nameKey, "duplicate listener name " + quoted(listener.name) + ", already used by "
                    + ConfigKey::element(key, j - 1) + "; expected a unique name");
        }

        std::string listenKey = ConfigKey::member(listenerKey, "listen");
        if (!object->has("listen"))
            ConfigKey::missing(listenKey, "the listener's address host:port, e.g. 127.0.0.1:9000");
        listener.address = AddressParser::address(object->get("listen"), listenKey);

        std::vector<std::string> routeKeys;
        if (object->has("routes"))
            listener.routes = parseRoutes(object->get("routes"), ConfigKey::member(listenerKey, "routes"), nullptr, routeKeys);
        if (object->has("plugin")) {
            std::string pluginKey = ConfigKey::member(listenerKey, "plugin");
            RouteConfig route;
            route.prefix = "/";
            route.plugin = ConfigValue::pluginName(object->get("plugin"), pluginKey);
            route.stripPrefix = false;
            addRoute(listener.routes, routeKeys, std::move(route), pluginKey);
        }
        if (object->has("tls"))
            listener.tls = HostServicesConfigParser::parseTls(object->get("tls"), ConfigKey::member(listenerKey, "tls"));
        if (object->has("reuse_port"))
            listener.reusePort = ConfigValue::boolean(object->get("reuse_port"), ConfigKey::member(listenerKey, "reuse_port"));
        listener.pluginDefaultRoutes = false;
        config.listeners.push_back(std::move(listener));
        sources.extraListen.push_back(listenKey);
    }
}

void RouteConfigParser::parsePlugins(const Var& value, Config& config)
{
    const std::string key = "plugins";
    Object::Ptr plugins = ConfigValue::object(value, key, "an object keyed by plugin name");
    for (const std::string& name : plugins->getNames()) {
        std::string pluginKey = ConfigKey::member(key, name);
        if (!ConfigValue::isPluginName(name))
            throw ConfigError(pluginKey, "invalid plugin name " + quoted(name) + "; " + ConfigValue::PLUGIN_NAME_EXPECTED);
        Object::Ptr block = ConfigValue::object(plugins->get(name), pluginKey,
                                                "an object with optional \"config\" (object), \"routes\" (array) and \"spool\"");
        ConfigKey::checkKnown(*block, pluginKey, PLUGIN_KEYS);
        PluginConfig plugin;
        plugin.name = name;
        if (block->has("config"))
            plugin.settings = ConfigValue::object(block->get("config"), ConfigKey::member(pluginKey, "config"), "an object");
        else
            plugin.settings = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        if (block->has("routes")) {
            std::vector<std::string> routeKeys;
            plugin.routes = parseRoutes(block->get("routes"), ConfigKey::member(pluginKey, "routes"), &name, routeKeys);
        }
        if (block->has("spool"))
            plugin.spool = parseSpool(block->get("spool"), ConfigKey::member(pluginKey, "spool"));
        config.plugins[name] = std::move(plugin);
    }
}

PluginSpoolConfig RouteConfigParser::parseSpool(const Var& value, const std::string& key)
{
    PluginSpoolConfig spool;
    if (value.isBoolean()) {
        spool.enabled = ConfigValue::boolean(value, key);
        return spool;
    }
    Object::Ptr object = ConfigValue::object(value, key, "false, true or an object with \"threshold_bytes\" and \"max_bytes\"");
    ConfigKey::checkKnown(*object, key, SPOOL_KEYS);
    if (object->has("threshold_bytes"))
        spool.thresholdBytes = ConfigValue::integer(object->get("threshold_bytes"), ConfigKey::member(key, "threshold_bytes"), ValueRange::BYTES_OR_ZERO);
    if (object->has("max_bytes"))
        spool.maxBytes = ConfigValue::integer(object->get("max_bytes"), ConfigKey::member(key, "max_bytes"), ValueRange::BYTES);
    return spool;
}

RouteConfig RouteConfigParser::parseRoute(const Var& value, const std::string& key, const std::string* fixedPlugin)
{
    Object::Ptr object = ConfigValue::object(value, key,
        fixedPlugin ? "a route object, e.g. {\"prefix\": \"/api/\"}" : "a route object, e.g. {\"prefix\": \"/api/\", \"plugin\": \"echo\"}");
    ConfigKey::checkKnown(*object, key, fixedPlugin ? PLUGIN_ROUTE_KEYS : ROUTE_KEYS);
    RouteConfig route;
    if (!object->has("prefix"))
        ConfigKey::missing(ConfigKey::member(key, "prefix"), "a path prefix starting with '/', e.g. /api/");
    route.prefix = parsePrefix(object->get("prefix"), ConfigKey::member(key, "prefix"));
    if (fixedPlugin) {
        route.plugin = *fixedPlugin;
    } else {
        if (!object->has("plugin"))
            ConfigKey::missing(ConfigKey::member(key, "plugin"), "the name of the plugin that serves this route");
        route.plugin = ConfigValue::pluginName(object->get("plugin"), ConfigKey::member(key, "plugin"));
    }
    if (object->has("strip_prefix"))
        route.stripPrefix = ConfigValue::boolean(object->get("strip_prefix"), ConfigKey::member(key, "strip_prefix"));
    if (object->has("host")) {
        std::string host = ConfigValue::string(object->get("host"), ConfigKey::member(key, "host"), "a host name (string)");
        route.host = AddressParser::host(host, ConfigKey::member(key, "host"));
    }
    return route;
}

std::string RouteConfigParser::parsePrefix(const Var& value, const std::string& key)
{
    const std::string expected = "a path prefix starting with '/', e.g. /api/";
    std::string prefix = ConfigValue::string(value, key, expected);
    if (prefix.empty() || prefix[0] != '/')
        throw ConfigError(key, "invalid prefix " + quoted(prefix) + "; expected " + expected);
    for (char c : prefix) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7F || c == '?' || c == '#')
            throw ConfigError(key, "invalid character in prefix " + quoted(prefix)
                + "; expected a path without query ('?'), fragment ('#'), spaces or control characters");
    }
    return prefix;
}

} // namespace terrarium
