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

const ConfigKey::Names LISTENER_KEYS = {"name", "listen", "routes", "plugin", "tls", "reuse_port", "probes", "cors"};
const ConfigKey::Names ROUTE_KEYS = {"prefix", "plugin", "upstream", "respond", "timeout_ms", "strip_prefix", "host", "max_spooled_body_bytes"};
const ConfigKey::Names RESPOND_KEYS = {"status", "content_type", "body"};
const ConfigKey::Names CORS_KEYS = {"allow_origin", "allow_methods", "allow_headers", "expose_headers", "max_age"};
const char* const ROUTE_TARGET_EXPECTED =
    "exactly one of \"plugin\" (a plugin name), \"upstream\" (a service name or http(s) URL) and \"respond\" (a fixed answer)";

constexpr ValueRange FIXED_STATUS = {200, 599, "an HTTP status from 200 to 599"};
constexpr ValueRange MAX_AGE_SECONDS = {0, 2147483647, "an integer from 0 to 2147483647 (seconds)"};
const ConfigKey::Names PLUGIN_ROUTE_KEYS = {"prefix", "strip_prefix", "host", "max_spooled_body_bytes"};
const ConfigKey::Names PLUGIN_KEYS = {"config", "routes", "spool"};
const ConfigKey::Names SPOOL_KEYS = {"threshold_bytes", "max_bytes"};

std::string quoted(const std::string& text)
{
    return ConfigValue::quoted(text);
}

/// value as a string that can be sent as a header value: no control characters (CR, LF, NUL...).
std::string headerValue(const Var& value, const std::string& key, const std::string& expected)
{
    std::string text = ConfigValue::string(value, key, expected);
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7F)
            throw ConfigError(key, "control character in " + quoted(text) + "; expected " + expected + " without control characters");
    }
    return text;
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
        if (object->has("probes"))
            listener.probes = ConfigValue::boolean(object->get("probes"), ConfigKey::member(listenerKey, "probes"));
        if (object->has("cors"))
            listener.cors = parseCors(object->get("cors"), ConfigKey::member(listenerKey, "cors"));
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
        if (name == "signatures" || name == "trusted_keys_dir") {
            parseSignatureSetting(plugins->get(name), pluginKey, config);
            continue;
        }
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

void RouteConfigParser::parseSignatureSetting(const Var& value, const std::string& key, Config& config)
{
    if (key == ConfigKey::member("plugins", "signatures")) {
        std::string policy = ConfigValue::string(value, key, "\"off\", \"warn\" or \"require\"");
        if (policy != "off" && policy != "warn" && policy != "require")
            throw ConfigError(key, quoted(policy) + " is not a signature policy; expected \"off\", \"warn\" or \"require\"");
        config.pluginSignatures = policy;
        return;
    }
    config.trustedKeysDir = ConfigValue::nonEmpty(ConfigValue::string(value, key, "a directory path (string)"), key, "a directory path");
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
        int targets = int(object->has("plugin")) + int(object->has("upstream")) + int(object->has("respond"));
        if (targets == 0)
            ConfigKey::missing(ConfigKey::member(key, "plugin"), ROUTE_TARGET_EXPECTED);
        if (targets > 1)
            throw ConfigError(key, "a route with several targets; expected " + std::string(ROUTE_TARGET_EXPECTED));
        if (object->has("plugin")) {
            route.plugin = ConfigValue::pluginName(object->get("plugin"), ConfigKey::member(key, "plugin"));
        } else if (object->has("upstream")) {
            route.kind = RouteConfig::Kind::Upstream;
            route.upstream = parseUpstream(object->get("upstream"), ConfigKey::member(key, "upstream"));
        } else {
            route.kind = RouteConfig::Kind::Fixed;
            route.answer = parseAnswer(object->get("respond"), ConfigKey::member(key, "respond"));
        }
        if (object->has("timeout_ms")) {
            if (route.kind != RouteConfig::Kind::Upstream)
                throw ConfigError(ConfigKey::member(key, "timeout_ms"), "only an upstream route has a timeout; expected it beside \"upstream\"");
            route.upstreamTimeout = ConfigValue::millis(*object, key, "timeout_ms");
        }
    }
    if (object->has("strip_prefix"))
        route.stripPrefix = ConfigValue::boolean(object->get("strip_prefix"), ConfigKey::member(key, "strip_prefix"));
    if (object->has("host")) {
        std::string host = ConfigValue::string(object->get("host"), ConfigKey::member(key, "host"), "a host name (string)");
        route.host = AddressParser::host(host, ConfigKey::member(key, "host"));
    }
    if (object->has("max_spooled_body_bytes")) {
        const std::string member = ConfigKey::member(key, "max_spooled_body_bytes");
        if (route.kind != RouteConfig::Kind::Plugin)
            throw ConfigError(member, "only a plugin route takes request bodies; expected it beside \"plugin\"");
        route.maxSpooledBodyBytes = ConfigValue::integer(object->get("max_spooled_body_bytes"), member, ValueRange::BYTES);
    }
    return route;
}

CorsConfig RouteConfigParser::parseCors(const Var& value, const std::string& key)
{
    CorsConfig cors;
    if (value.type() == typeid(bool)) {
        cors.enabled = value.extract<bool>();
        return cors;
    }
    Object::Ptr object = ConfigValue::object(value, key,
        "true, false or an object with \"allow_origin\", \"allow_methods\", \"allow_headers\", \"expose_headers\", \"max_age\"");
    ConfigKey::checkKnown(*object, key, CORS_KEYS);
    cors.enabled = true;
    const std::string expected = "a header value (string)";
    if (object->has("allow_origin"))
        cors.allowOrigin = ConfigValue::nonEmpty(headerValue(object->get("allow_origin"), ConfigKey::member(key, "allow_origin"), expected),
                                                 ConfigKey::member(key, "allow_origin"), "an origin such as * or https://app.example");
    if (object->has("allow_methods"))
        cors.allowMethods = headerValue(object->get("allow_methods"), ConfigKey::member(key, "allow_methods"), expected);
    if (object->has("allow_headers"))
        cors.allowHeaders = headerValue(object->get("allow_headers"), ConfigKey::member(key, "allow_headers"), expected);
    if (object->has("expose_headers"))
        cors.exposeHeaders = headerValue(object->get("expose_headers"), ConfigKey::member(key, "expose_headers"), expected);
    if (object->has("max_age"))
        cors.maxAge = static_cast<unsigned>(ConfigValue::integer(object->get("max_age"), ConfigKey::member(key, "max_age"), MAX_AGE_SECONDS));
    return cors;
}

std::string RouteConfigParser::parseUpstream(const Var& value, const std::string& key)
{
    std::string upstream = ConfigValue::string(value, key, "a service name or an http(s) base URL (string)");
    if (upstream.find("://") != std::string::npos) {
        std::string url = HostServicesConfigParser::serviceUrl(upstream, key);
        while (url.size() > 1 && url.back() == '/' && url[url.size() - 2] != '/')
            url.pop_back();
        return url;
    }
    if (!ConfigValue::isPluginName(upstream))
        throw ConfigError(key, "invalid upstream " + quoted(upstream)
            + "; expected a service name of the directory (lower-case letters, digits, '_' and '-', e.g. vault) or an http(s) base URL");
    return upstream;
}

FixedAnswer RouteConfigParser::parseAnswer(const Var& value, const std::string& key)
{
    Object::Ptr object = ConfigValue::object(value, key,
        "a fixed answer, e.g. {\"status\": 200, \"content_type\": \"text/plain\", \"body\": \"healthy\\n\"}");
    ConfigKey::checkKnown(*object, key, RESPOND_KEYS);
    FixedAnswer answer;
    if (object->has("status"))
        answer.status = static_cast<int>(ConfigValue::integer(object->get("status"), ConfigKey::member(key, "status"), FIXED_STATUS));
    if (object->has("content_type"))
        answer.contentType = headerValue(object->get("content_type"), ConfigKey::member(key, "content_type"), "a media type (string)");
    if (object->has("body"))
        answer.body = ConfigValue::string(object->get("body"), ConfigKey::member(key, "body"), "the body text (string)");
    return answer;
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
