#include "config/ConfigLoader.h"

#include "config/JsonChecker.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSONString.h>
#include <Poco/URI.h>

#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

extern char** environ;

namespace terrarium {

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;
using Keys = std::initializer_list<const char*>;

const char* const DEFAULT_MAIN_ADDRESS = "0.0.0.0:8080";
const char* const ADDRESS_EXPECTED =
    "expected host:port with host an IPv4 address, localhost, [IPv6 address] or host name, "
    "and port 0..65535 (0 picks a free port), e.g. 0.0.0.0:8080";
const char* const PLUGIN_NAME_EXPECTED =
    "expected a plugin name of lower-case letters, digits, '_' and '-', starting with a letter or digit";
const char* const LOG_LEVELS[] = {"none", "fatal", "critical", "error", "warning", "notice",
                                  "information", "debug", "trace"};

const Keys ROOT_KEYS = {"listen", "routes", "listeners", "admin", "plugins_dir", "state_dir", "threads",
                        "io_threads", "max_connections", "queue_size", "limits", "shutdown_timeout_ms", "drain_timeout_ms",
                        "restore_hold_ms", "restore_hold_max_requests", "watch", "log",
                        "plugins", "tls", "client", "secrets", "services", "metrics", "reuse_port",
                        "plugins_link_dirs"};
const Keys LISTENER_KEYS = {"name", "listen", "routes", "plugin", "tls", "reuse_port"};
const Keys ROUTE_KEYS = {"prefix", "plugin", "strip_prefix", "host"};
const Keys PLUGIN_ROUTE_KEYS = {"prefix", "strip_prefix", "host"};
const Keys ADMIN_KEYS = {"listen", "token_file", "tls", "reuse_port", "allowed_hosts"};
const Keys TLS_KEYS = {"cert_file", "key_file", "ca_file", "client_certs"};
const Keys CLIENT_KEYS = {"connect_timeout_ms", "timeout_ms", "max_attempts", "backoff_initial_ms", "backoff_max_ms",
                          "max_per_origin", "max_total", "idle_timeout_ms", "breaker", "max_response_bytes",
                          "verify_peer", "ca_file"};
const Keys BREAKER_KEYS = {"failures", "open_ms"};
const Keys SECRETS_KEYS = {"provider", "ttl_ms", "refresh_ahead_ms", "max_stale_ms", "negative_ttl_ms", "vault",
                           "files", "env"};
const Keys VAULT_KEYS = {"address", "token", "token_file", "mount", "kubernetes"};
const Keys KUBERNETES_KEYS = {"role", "auth_path", "jwt_file"};
const Keys FILES_KEYS = {"dir"};
const Keys ENV_KEYS = {"prefix"};
const Keys METRICS_KEYS = {"on_main"};
const Keys LOG_FILE_KEYS = {"path", "max_bytes", "keep"};
const Keys LOGTHON_KEYS = {"enabled", "path", "queue_capacity", "batch_size", "flush_interval_ms"};
const Keys LIMITS_KEYS = {"max_header_bytes", "max_body_bytes", "header_timeout_ms", "request_timeout_ms", "keep_alive_timeout_ms",
                          "max_buffered_body_bytes", "websocket_close_timeout_ms"};
const Keys WATCH_KEYS = {"enabled", "interval_ms"};
const Keys LOG_KEYS = {"level", "plugins", "format", "console", "file", "access", "logthon", "service_name", "container_name"};
const Keys PLUGIN_KEYS = {"config", "routes"};

/// An accepted range of integers and how to describe it in messages.
struct Range
{
    std::uint64_t min;
    std::uint64_t max;
    const char* expected;
};

const Range ATTEMPTS_RANGE = {1, 20, "an integer from 1 to 20"};
const Range COUNT_RANGE = {1, 1000000, "an integer from 1 to 1000000"};
const Range MILLIS_OR_ZERO_RANGE = {0, static_cast<std::uint64_t>(std::numeric_limits<Poco::Timespan::TimeDiff>::max() / 1000),
                                    "an integer >= 0 (milliseconds)"};
const Range THREADS_RANGE = {1, 1024, "an integer from 1 to 1024"};
const Range QUEUE_RANGE = {1, 100000, "an integer from 1 to 100000"};
const Range HOLD_RANGE = {0, 100000, "an integer from 0 to 100000"};
const Range IO_THREADS_RANGE = {1, 64, "an integer from 1 to 64"};
const Range CONNECTIONS_RANGE = {1, 1000000, "an integer from 1 to 1000000"};
const Range BYTES_RANGE = {1, std::numeric_limits<std::size_t>::max(), "a positive integer (bytes)"};
const Range MILLIS_RANGE = {1, static_cast<std::uint64_t>(std::numeric_limits<Poco::Timespan::TimeDiff>::max() / 1000),
                            "a positive integer (milliseconds)"};

/// The settings that the environment and flags can override.
enum class Setting
{
    Listen, AdminListen, PluginsDir, StateDir, AdminTokenFile, Threads, IoThreads, MaxConnections, QueueSize, LogLevel,
    MaxHeaderBytes, MaxBodyBytes, HeaderTimeout, RequestTimeout, KeepAliveTimeout, WebSocketCloseTimeout, ShutdownTimeout, DrainTimeout,
    Watch
};

const std::pair<const char*, Setting> ENVIRONMENT_SETTINGS[] = {
    {"TERRARIUM_LISTEN", Setting::Listen},
    {"TERRARIUM_ADMIN_LISTEN", Setting::AdminListen},
    {"TERRARIUM_PLUGINS_DIR", Setting::PluginsDir},
    {"TERRARIUM_STATE_DIR", Setting::StateDir},
    {"TERRARIUM_ADMIN_TOKEN_FILE", Setting::AdminTokenFile},
    {"TERRARIUM_THREADS", Setting::Threads},
    {"TERRARIUM_IO_THREADS", Setting::IoThreads},
    {"TERRARIUM_MAX_CONNECTIONS", Setting::MaxConnections},
    {"TERRARIUM_QUEUE_SIZE", Setting::QueueSize},
    {"TERRARIUM_LOG_LEVEL", Setting::LogLevel},
    {"TERRARIUM_MAX_HEADER_BYTES", Setting::MaxHeaderBytes},
    {"TERRARIUM_MAX_BODY_BYTES", Setting::MaxBodyBytes},
    {"TERRARIUM_HEADER_TIMEOUT_MS", Setting::HeaderTimeout},
    {"TERRARIUM_REQUEST_TIMEOUT_MS", Setting::RequestTimeout},
    {"TERRARIUM_KEEP_ALIVE_TIMEOUT_MS", Setting::KeepAliveTimeout},
    {"TERRARIUM_WEBSOCKET_CLOSE_TIMEOUT_MS", Setting::WebSocketCloseTimeout},
    {"TERRARIUM_SHUTDOWN_TIMEOUT_MS", Setting::ShutdownTimeout},
    {"TERRARIUM_DRAIN_TIMEOUT_MS", Setting::DrainTimeout},
    {"TERRARIUM_WATCH", Setting::Watch},
};
const char* const ENVIRONMENT_PREFIX = "TERRARIUM_";

/// The Edge-Terrarium platform's environment names, mapped onto the config (see applyPlatformEnvironment).
const char* const PLATFORM_VARIABLES[] = {"VAULT_ADDR", "VAULT_TOKEN", "FILE_STORAGE_URL", "LOGTHON_HOST",
                                          "LOGTHON_PORT", "SERVICE_NAME", "CONTAINER_NAME", "POD_NAME", "HOSTNAME"};
const char* const CONFIG_FILE_VARIABLE = "TERRARIUM_CONFIG";   // read by main, not here

const std::pair<const char*, Setting> FLAG_SETTINGS[] = {
    {"listen", Setting::Listen},
    {"admin-listen", Setting::AdminListen},
    {"plugins-dir", Setting::PluginsDir},
    {"state-dir", Setting::StateDir},
    {"admin-token-file", Setting::AdminTokenFile},
    {"threads", Setting::Threads},
};

/// Where the listener addresses came from, to name the right key in cross-checks.
struct Sources
{
    std::string mainListen = "listen";
    std::string adminListen = "admin.listen";
    std::vector<std::string> extraListen;   /// one per extra listener
    bool bufferedBodyBytesSet = false;      /// limits.max_buffered_body_bytes was given
};

// ---- small helpers --------------------------------------------------------------------------

std::string member(const std::string& path, const std::string& key)
{
    return path.empty() ? key : path + "." + key;
}

std::string element(const std::string& path, std::size_t index)
{
    return path + "[" + std::to_string(index) + "]";
}

std::string quoted(const std::string& text)
{
    return "'" + text + "'";
}

std::string toLower(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
    return text;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isAlnum(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::size_t editDistance(const std::string& a, const std::string& b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string typeName(const Var& value)
{
    if (value.isEmpty()) return "null";
    if (value.type() == typeid(Object::Ptr)) return "an object";
    if (value.type() == typeid(Array::Ptr)) return "an array";
    if (value.type() == typeid(bool)) return "a boolean";
    if (value.isInteger()) return "an integer";
    if (value.isNumeric()) return "a number";
    if (value.isString()) return "a string";
    return "an unsupported value";
}

[[noreturn]] void wrongType(const std::string& key, const Var& value, const std::string& expected)
{
    throw ConfigError(key, "wrong type: got " + typeName(value) + ", expected " + expected);
}

[[noreturn]] void missing(const std::string& key, const std::string& expected)
{
    throw ConfigError(key, "missing; expected " + expected);
}

void checkKeys(const Object& object, const std::string& path, const Keys& known)
{
    for (const std::string& name : object.getNames()) {
        bool found = std::any_of(known.begin(), known.end(), [&](const char* k) { return name == k; });
        if (found)
            continue;
        std::string list;
        std::string suggestion;
        for (const char* k : known) {
            list += list.empty() ? k : std::string(", ") + k;
            if (suggestion.empty() && editDistance(name, k) <= 2)
                suggestion = k;
        }
        std::string message = "unknown key";
        if (!suggestion.empty())
            message += " (did you mean " + member(path, suggestion) + "?)";
        throw ConfigError(member(path, name), message + "; expected one of: " + list);
    }
}

// ---- value checks -----------------------------------------------------------------------------

Object::Ptr objectValue(const Var& value, const std::string& key, const std::string& expected)
{
    if (value.type() != typeid(Object::Ptr))
        wrongType(key, value, expected);
    return value.extract<Object::Ptr>();
}

Array::Ptr arrayValue(const Var& value, const std::string& key, const std::string& expected)
{
    if (value.type() != typeid(Array::Ptr))
        wrongType(key, value, expected);
    return value.extract<Array::Ptr>();
}

std::string stringValue(const Var& value, const std::string& key, const std::string& expected)
{
    if (value.type() != typeid(std::string))
        wrongType(key, value, expected);
    return value.extract<std::string>();
}

bool boolValue(const Var& value, const std::string& key)
{
    if (value.type() != typeid(bool))
        wrongType(key, value, "true or false");
    return value.extract<bool>();
}

std::uint64_t inRange(const std::string& key, std::optional<std::uint64_t> value, const std::string& shown,
                      const Range& range)
{
    if (!value || *value < range.min || *value > range.max)
        throw ConfigError(key, "out of range: got " + shown + ", expected " + range.expected);
    return *value;
}

std::uint64_t integerValue(const Var& value, const std::string& key, const Range& range)
{
    if (value.type() == typeid(bool) || !value.isInteger())
        wrongType(key, value, range.expected);
    if (value.isSigned()) {
        auto number = value.convert<Poco::Int64>();
        std::optional<std::uint64_t> magnitude;
        if (number >= 0)
            magnitude = static_cast<std::uint64_t>(number);
        return inRange(key, magnitude, std::to_string(number), range);
    }
    auto number = value.convert<Poco::UInt64>();
    return inRange(key, static_cast<std::uint64_t>(number), std::to_string(number), range);
}

/// Parses a decimal integer from the environment or a flag ("-5" is out of range, "5x" is not a number).
std::uint64_t integerText(const std::string& text, const std::string& key, const Range& range)
{
    std::size_t start = (!text.empty() && text[0] == '-') ? 1 : 0;
    if (text.size() == start || !std::all_of(text.begin() + static_cast<std::ptrdiff_t>(start), text.end(), isDigit))
        throw ConfigError(key, "not an integer: got " + quoted(text) + ", expected " + range.expected);
    std::optional<std::uint64_t> value;
    if (start == 0) {
        std::uint64_t number = 0;
        bool overflow = false;
        for (char c : text) {
            auto digit = static_cast<std::uint64_t>(c - '0');
            if (number > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
                overflow = true;
            number = number * 10 + digit;
        }
        if (!overflow)
            value = number;
    }
    return inRange(key, value, text, range);
}

bool boolText(const std::string& text, const std::string& key)
{
    std::string value = toLower(text);
    if (value == "true" || value == "1") return true;
    if (value == "false" || value == "0") return false;
    throw ConfigError(key, "invalid value " + quoted(text) + "; expected true, false, 1 or 0");
}

std::string nonEmpty(const std::string& text, const std::string& key, const std::string& expected)
{
    if (text.empty())
        throw ConfigError(key, "empty; expected " + expected);
    return text;
}

std::string logLevel(const std::string& text, const std::string& key)
{
    std::string level = toLower(text);
    std::string list;
    for (const char* name : LOG_LEVELS) {
        if (level == name)
            return level;
        list += list.empty() ? name : std::string(", ") + name;
    }
    throw ConfigError(key, "invalid log level " + quoted(text) + "; expected one of: " + list);
}

Poco::Timespan millis(std::uint64_t ms)
{
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms) * 1000);
}

bool isPluginName(const std::string& name)
{
    if (name.empty())
        return false;
    char first = name[0];
    if (!(isDigit(first) || (first >= 'a' && first <= 'z')))
        return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return isDigit(c) || (c >= 'a' && c <= 'z') || c == '_' || c == '-'; });
}

bool isListenerName(const std::string& name)
{
    return !name.empty() && isAlnum(name[0])
        && std::all_of(name.begin(), name.end(), [](char c) { return isAlnum(c) || c == '_' || c == '-' || c == '.'; });
}

std::string pluginName(const Var& value, const std::string& key)
{
    std::string name = stringValue(value, key, "a plugin name (string)");
    if (!isPluginName(name))
        throw ConfigError(key, "invalid plugin name " + quoted(name) + "; " + PLUGIN_NAME_EXPECTED);
    return name;
}

// ---- addresses --------------------------------------------------------------------------------

bool isIPv4(const std::string& text)
{
    in_addr address;
    return inet_pton(AF_INET, text.c_str(), &address) == 1;
}

bool isIPv6(const std::string& text)
{
    in6_addr address;
    return inet_pton(AF_INET6, text.c_str(), &address) == 1;
}

bool isHostName(const std::string& text)
{
    if (text.empty() || text.size() > 253)
        return false;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('.', start);
        if (end == std::string::npos)
            end = text.size();
        std::size_t length = end - start;
        if (length == 0 || length > 63 || text[start] == '-' || text[end - 1] == '-')
            return false;
        for (std::size_t i = start; i < end; ++i) {
            if (!isAlnum(text[i]) && text[i] != '-')
                return false;
        }
        start = end + 1;
    }
    return true;
}

/// What is wrong with host (an IPv4 address, "[IPv6]", or a host name); empty when it is fine.
std::string hostProblem(const std::string& host)
{
    if (host.empty())
        return "missing host";
    if (host.front() == '[') {
        if (host.size() < 2 || host.back() != ']' || !isIPv6(host.substr(1, host.size() - 2)))
            return "invalid IPv6 address " + quoted(host);
        return std::string();
    }
    if (host.find(':') != std::string::npos)
        return "IPv6 address " + quoted(host) + " must be in brackets, e.g. [::1]";
    if (host.find_first_not_of("0123456789.") == std::string::npos)
        return isIPv4(host) ? std::string() : "invalid IPv4 address " + quoted(host);
    return isHostName(host) ? std::string() : "invalid host name " + quoted(host);
}

bool isPort(const std::string& text)
{
    if (text.empty() || text.size() > 5 || !std::all_of(text.begin(), text.end(), isDigit))
        return false;
    return std::stoul(text) <= 65535;
}

/// Splits "host:port" / "[v6]:port" / "host" into host and port (port empty when absent).
/// Returns false when the text has several ':' outside brackets.
bool splitHostPort(const std::string& text, std::string& host, std::string& port, bool& hasPort)
{
    hasPort = false;
    if (!text.empty() && text.front() == '[') {
        std::size_t close = text.find(']');
        if (close == std::string::npos) {
            host = text;
            return true;   // reported as an invalid IPv6 address
        }
        host = text.substr(0, close + 1);
        std::string rest = text.substr(close + 1);
        if (rest.empty())
            return true;
        if (rest[0] != ':')
            return false;
        hasPort = true;
        port = rest.substr(1);
        return true;
    }
    std::size_t colon = text.rfind(':');
    if (colon == std::string::npos) {
        host = text;
        return true;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    hasPort = true;
    return host.find(':') == std::string::npos;
}

std::string addressPort(const std::string& address)
{
    return address.substr(address.rfind(':') + 1);
}

std::string addressValue(const Var& value, const std::string& key)
{
    std::string address = stringValue(value, key, "an address string host:port, e.g. 0.0.0.0:8080");
    ConfigLoader::checkAddress(key, address);
    return address;
}

// ---- routes -----------------------------------------------------------------------------------

std::string routeHost(const std::string& text, const std::string& key)
{
    if (text.empty())
        return text;
    std::string host, port;
    bool hasPort = false;
    if (!splitHostPort(toLower(text), host, port, hasPort))
        throw ConfigError(key, "invalid host " + quoted(text) + "; IPv6 addresses must be in brackets, e.g. [::1]");
    if (host.size() > 1 && host.back() == '.')
        host.pop_back();   // "example.com." is "example.com"
    std::string problem = hostProblem(host);
    if (!problem.empty())
        throw ConfigError(key, problem + "; expected a host name, IPv4 address or [IPv6 address], optionally with :port");
    if (hasPort && !isPort(port))
        throw ConfigError(key, "invalid port " + quoted(port) + " in host " + quoted(text) + "; expected a port from 0 to 65535");
    return host;
}

std::string prefixValue(const Var& value, const std::string& key)
{
    const std::string expected = "a path prefix starting with '/', e.g. /api/";
    std::string prefix = stringValue(value, key, expected);
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

/// Appends route to routes unless a route with the same host and prefix is already there.
void addRoute(std::vector<RouteConfig>& routes, std::vector<std::string>& keys, RouteConfig route,
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

/// A route object; fixedPlugin is the plugin of a plugins.<name>.routes entry (which has no "plugin" key).
RouteConfig parseRoute(const Var& value, const std::string& key, const std::string* fixedPlugin)
{
    Object::Ptr object = objectValue(value, key,
        fixedPlugin ? "a route object, e.g. {\"prefix\": \"/api/\"}" : "a route object, e.g. {\"prefix\": \"/api/\", \"plugin\": \"echo\"}");
    checkKeys(*object, key, fixedPlugin ? PLUGIN_ROUTE_KEYS : ROUTE_KEYS);
    RouteConfig route;
    if (!object->has("prefix"))
        missing(member(key, "prefix"), "a path prefix starting with '/', e.g. /api/");
    route.prefix = prefixValue(object->get("prefix"), member(key, "prefix"));
    if (fixedPlugin) {
        route.plugin = *fixedPlugin;
    } else {
        if (!object->has("plugin"))
            missing(member(key, "plugin"), "the name of the plugin that serves this route");
        route.plugin = pluginName(object->get("plugin"), member(key, "plugin"));
    }
    if (object->has("strip_prefix"))
        route.stripPrefix = boolValue(object->get("strip_prefix"), member(key, "strip_prefix"));
    if (object->has("host")) {
        std::string host = stringValue(object->get("host"), member(key, "host"), "a host name (string)");
        route.host = routeHost(host, member(key, "host"));
    }
    return route;
}

std::vector<RouteConfig> parseRoutes(const Var& value, const std::string& key, const std::string* fixedPlugin,
                                     std::vector<std::string>& keys)
{
    Array::Ptr array = arrayValue(value, key, "an array of route objects");
    std::vector<RouteConfig> routes;
    for (unsigned i = 0; i < array->size(); ++i) {
        std::string routeKey = element(key, i);
        addRoute(routes, keys, parseRoute(array->get(i), routeKey, fixedPlugin), routeKey);
    }
    return routes;
}

// ---- the file ---------------------------------------------------------------------------------

TlsServerConfig parseTls(const Var& value, const std::string& key);

void parseListeners(const Var& value, Config& config, Sources& sources)
{
    const std::string key = "listeners";
    Array::Ptr array = arrayValue(value, key, "an array of listener objects");
    for (unsigned i = 0; i < array->size(); ++i) {
        std::string listenerKey = element(key, i);
        Object::Ptr object = objectValue(array->get(i), listenerKey,
            "a listener object, e.g. {\"name\": \"direct\", \"listen\": \"127.0.0.1:9000\", \"plugin\": \"echo\"}");
        checkKeys(*object, listenerKey, LISTENER_KEYS);

        ListenerConfig listener;
        std::string nameKey = member(listenerKey, "name");
        if (!object->has("name"))
            missing(nameKey, "a unique listener name");
        listener.name = stringValue(object->get("name"), nameKey, "a listener name (string)");
        if (!isListenerName(listener.name))
            throw ConfigError(nameKey, "invalid listener name " + quoted(listener.name)
                + "; expected letters, digits, '_', '-' and '.', starting with a letter or digit");
        if (listener.name == "main" || listener.name == "admin")
            throw ConfigError(nameKey, "reserved listener name " + quoted(listener.name) + "; expected another name");
        for (std::size_t j = 1; j < config.listeners.size(); ++j) {
            if (config.listeners[j].name == listener.name)
                throw ConfigError(nameKey, "duplicate listener name " + quoted(listener.name) + ", already used by "
                    + element(key, j - 1) + "; expected a unique name");
        }

        std::string listenKey = member(listenerKey, "listen");
        if (!object->has("listen"))
            missing(listenKey, "the listener's address host:port, e.g. 127.0.0.1:9000");
        listener.address = addressValue(object->get("listen"), listenKey);

        std::vector<std::string> routeKeys;
        if (object->has("routes"))
            listener.routes = parseRoutes(object->get("routes"), member(listenerKey, "routes"), nullptr, routeKeys);
        if (object->has("plugin")) {
            std::string pluginKey = member(listenerKey, "plugin");
            RouteConfig route;
            route.prefix = "/";
            route.plugin = pluginName(object->get("plugin"), pluginKey);
            route.stripPrefix = false;
            addRoute(listener.routes, routeKeys, std::move(route), pluginKey);
        }
        if (object->has("tls"))
            listener.tls = parseTls(object->get("tls"), member(listenerKey, "tls"));
        if (object->has("reuse_port"))
            listener.reusePort = boolValue(object->get("reuse_port"), member(listenerKey, "reuse_port"));
        listener.pluginDefaultRoutes = false;
        config.listeners.push_back(std::move(listener));
        sources.extraListen.push_back(listenKey);
    }
}

void parsePlugins(const Var& value, Config& config)
{
    const std::string key = "plugins";
    Object::Ptr plugins = objectValue(value, key, "an object keyed by plugin name");
    for (const std::string& name : plugins->getNames()) {
        std::string pluginKey = member(key, name);
        if (!isPluginName(name))
            throw ConfigError(pluginKey, "invalid plugin name " + quoted(name) + "; " + PLUGIN_NAME_EXPECTED);
        Object::Ptr block = objectValue(plugins->get(name), pluginKey,
                                        "an object with optional \"config\" (object) and \"routes\" (array)");
        checkKeys(*block, pluginKey, PLUGIN_KEYS);
        PluginConfig plugin;
        plugin.name = name;
        if (block->has("config"))
            plugin.settings = objectValue(block->get("config"), member(pluginKey, "config"), "an object");
        else
            plugin.settings = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        if (block->has("routes")) {
            std::vector<std::string> routeKeys;
            plugin.routes = parseRoutes(block->get("routes"), member(pluginKey, "routes"), &name, routeKeys);
        }
        config.plugins[name] = std::move(plugin);
    }
}

// ---- host services: TLS, client, secrets, directory, log pipeline ---------------------------------

Poco::Timespan millisValue(const Object& object, const std::string& path, const char* key, const Range& range = MILLIS_RANGE)
{
    return millis(integerValue(object.get(key), member(path, key), range));
}

std::string pathValue(const Object& object, const std::string& path, const char* key)
{
    return stringValue(object.get(key), member(path, key), "a file path (string)");
}

TlsServerConfig parseTls(const Var& value, const std::string& key)
{
    Object::Ptr object = objectValue(value, key, "an object with \"cert_file\" and \"key_file\"");
    checkKeys(*object, key, TLS_KEYS);
    TlsServerConfig tls;
    if (object->has("cert_file")) tls.certFile = pathValue(*object, key, "cert_file");
    if (object->has("key_file")) tls.keyFile = pathValue(*object, key, "key_file");
    if (object->has("ca_file")) tls.caFile = pathValue(*object, key, "ca_file");
    if (object->has("client_certs")) {
        tls.clientCerts = stringValue(object->get("client_certs"), member(key, "client_certs"), "\"none\", \"optional\" or \"required\"");
        if (tls.clientCerts != "none" && tls.clientCerts != "optional" && tls.clientCerts != "required")
            throw ConfigError(member(key, "client_certs"), "invalid value " + quoted(tls.clientCerts)
                + "; expected \"none\", \"optional\" or \"required\"");
    }
    if (tls.certFile.empty() != tls.keyFile.empty())
        throw ConfigError(key, std::string("missing ") + (tls.certFile.empty() ? "cert_file" : "key_file")
            + "; expected both a PEM certificate (cert_file) and its private key (key_file)");
    if (tls.certFile.empty())
        throw ConfigError(key, "missing cert_file and key_file; expected the PEM certificate and private key of the listener");
    if (tls.clientCerts != "none" && tls.caFile.empty())
        throw ConfigError(member(key, "ca_file"), "missing; client_certs " + quoted(tls.clientCerts)
            + " needs the PEM CA bundle that signs the client certificates");
    tls.enabled = true;
    return tls;
}

/// Checks a service base URL: http or https, a host, no query or fragment.
std::string serviceUrl(const std::string& text, const std::string& key)
{
    const std::string expected = "an http:// or https:// base URL, e.g. http://127.0.0.1:9000 or https://files.example/api";
    Poco::URI uri;
    try {
        uri = Poco::URI(text);
    } catch (const Poco::Exception& e) {
        throw ConfigError(key, "invalid URL " + quoted(text) + " (" + e.message() + "); expected " + expected);
    }
    if ((uri.getScheme() != "http" && uri.getScheme() != "https") || uri.getHost().empty()
        || !uri.getRawQuery().empty() || !uri.getFragment().empty())
        throw ConfigError(key, "invalid service URL " + quoted(text) + "; expected " + expected);
    return text;
}

void parseServices(const Var& value, Config& config)
{
    Object::Ptr services = objectValue(value, "services", "an object of service name -> base URL");
    for (const std::string& name : services->getNames()) {
        std::string key = member("services", name);
        if (!isPluginName(name))
            throw ConfigError(key, "invalid service name " + quoted(name) + "; " + PLUGIN_NAME_EXPECTED);
        config.services[name] = serviceUrl(stringValue(services->get(name), key, "a base URL (string)"), key);
    }
}

void parseClient(const Var& value, ClientConfig& client)
{
    const std::string path = "client";
    Object::Ptr object = objectValue(value, path, "an object");
    checkKeys(*object, path, CLIENT_KEYS);
    if (object->has("connect_timeout_ms")) client.connectTimeout = millisValue(*object, path, "connect_timeout_ms");
    if (object->has("timeout_ms")) client.timeout = millisValue(*object, path, "timeout_ms");
    if (object->has("max_attempts"))
        client.maxAttempts = static_cast<unsigned>(integerValue(object->get("max_attempts"), "client.max_attempts", ATTEMPTS_RANGE));
    if (object->has("backoff_initial_ms")) client.backoffInitial = millisValue(*object, path, "backoff_initial_ms");
    if (object->has("backoff_max_ms")) client.backoffMax = millisValue(*object, path, "backoff_max_ms");
    if (object->has("max_per_origin"))
        client.maxPerOrigin = static_cast<unsigned>(integerValue(object->get("max_per_origin"), "client.max_per_origin", COUNT_RANGE));
    if (object->has("max_total"))
        client.maxTotal = static_cast<unsigned>(integerValue(object->get("max_total"), "client.max_total", COUNT_RANGE));
    if (object->has("idle_timeout_ms")) client.idleTimeout = millisValue(*object, path, "idle_timeout_ms");
    if (object->has("breaker")) {
        Object::Ptr breaker = objectValue(object->get("breaker"), "client.breaker", "an object with \"failures\" and \"open_ms\"");
        checkKeys(*breaker, "client.breaker", BREAKER_KEYS);
        if (breaker->has("failures"))
            client.breakerFailures = static_cast<unsigned>(integerValue(breaker->get("failures"), "client.breaker.failures", COUNT_RANGE));
        if (breaker->has("open_ms")) client.breakerOpen = millisValue(*breaker, "client.breaker", "open_ms");
    }
    if (object->has("max_response_bytes"))
        client.maxResponseBytes = static_cast<std::size_t>(integerValue(object->get("max_response_bytes"), "client.max_response_bytes", BYTES_RANGE));
    if (object->has("verify_peer")) client.verifyPeer = boolValue(object->get("verify_peer"), "client.verify_peer");
    if (object->has("ca_file")) client.caFile = pathValue(*object, path, "ca_file");
    if (client.backoffMax < client.backoffInitial)
        throw ConfigError("client.backoff_max_ms", "smaller than client.backoff_initial_ms; expected a cap >= the first delay");
    if (client.maxTotal < client.maxPerOrigin)
        throw ConfigError("client.max_total", "smaller than client.max_per_origin; expected a total bound >= the per-origin bound");
}

void parseSecrets(const Var& value, SecretsConfig& secrets)
{
    const std::string path = "secrets";
    Object::Ptr object = objectValue(value, path, "an object");
    checkKeys(*object, path, SECRETS_KEYS);
    if (object->has("provider")) {
        secrets.provider = stringValue(object->get("provider"), "secrets.provider", "\"auto\", \"vault\", \"files\" or \"env\"");
        if (secrets.provider != "auto" && secrets.provider != "vault" && secrets.provider != "files" && secrets.provider != "env")
            throw ConfigError("secrets.provider", "invalid provider " + quoted(secrets.provider)
                + "; expected \"auto\", \"vault\", \"files\" or \"env\"");
    }
    if (object->has("ttl_ms")) secrets.ttl = millisValue(*object, path, "ttl_ms");
    if (object->has("refresh_ahead_ms")) secrets.refreshAhead = millisValue(*object, path, "refresh_ahead_ms", MILLIS_OR_ZERO_RANGE);
    if (object->has("max_stale_ms")) secrets.maxStale = millisValue(*object, path, "max_stale_ms", MILLIS_OR_ZERO_RANGE);
    if (object->has("negative_ttl_ms")) secrets.negativeTtl = millisValue(*object, path, "negative_ttl_ms", MILLIS_OR_ZERO_RANGE);
    if (object->has("vault")) {
        const std::string vaultPath = "secrets.vault";
        Object::Ptr vault = objectValue(object->get("vault"), vaultPath, "an object");
        checkKeys(*vault, vaultPath, VAULT_KEYS);
        if (vault->has("address"))
            secrets.vault.address = serviceUrl(stringValue(vault->get("address"), "secrets.vault.address", "a URL (string)"),
                                               "secrets.vault.address");
        if (vault->has("token")) secrets.vault.token = stringValue(vault->get("token"), "secrets.vault.token", "a token (string)");
        if (vault->has("token_file")) secrets.vault.tokenFile = pathValue(*vault, vaultPath, "token_file");
        if (vault->has("mount"))
            secrets.vault.mount = nonEmpty(stringValue(vault->get("mount"), "secrets.vault.mount", "a KV v2 mount name (string)"),
                                           "secrets.vault.mount", "a KV v2 mount name such as \"secret\"");
        if (vault->has("kubernetes")) {
            const std::string k8sPath = "secrets.vault.kubernetes";
            Object::Ptr k8s = objectValue(vault->get("kubernetes"), k8sPath, "an object with \"role\"");
            checkKeys(*k8s, k8sPath, KUBERNETES_KEYS);
            if (k8s->has("role")) secrets.vault.kubernetesRole = stringValue(k8s->get("role"), "secrets.vault.kubernetes.role", "a role name (string)");
            if (k8s->has("auth_path"))
                secrets.vault.kubernetesAuthPath = nonEmpty(stringValue(k8s->get("auth_path"), "secrets.vault.kubernetes.auth_path",
                                                                        "an auth mount (string)"), "secrets.vault.kubernetes.auth_path", "an auth mount");
            if (k8s->has("jwt_file")) secrets.vault.kubernetesJwtFile = pathValue(*k8s, k8sPath, "jwt_file");
        }
    }
    if (object->has("files")) {
        Object::Ptr files = objectValue(object->get("files"), "secrets.files", "an object with \"dir\"");
        checkKeys(*files, "secrets.files", FILES_KEYS);
        if (files->has("dir")) secrets.filesDir = stringValue(files->get("dir"), "secrets.files.dir", "a directory path (string)");
    }
    if (object->has("env")) {
        Object::Ptr env = objectValue(object->get("env"), "secrets.env", "an object with \"prefix\"");
        checkKeys(*env, "secrets.env", ENV_KEYS);
        if (env->has("prefix"))
            secrets.envPrefix = nonEmpty(stringValue(env->get("prefix"), "secrets.env.prefix", "a prefix (string)"),
                                         "secrets.env.prefix", "a variable name prefix such as \"SECRET_\"");
    }
}

void parseLog(const Var& value, Config& config)
{
    const std::string path = "log";
    Object::Ptr log = objectValue(value, path, "an object with \"level\"");
    checkKeys(*log, path, LOG_KEYS);
    LogConfig& out = config.log;
    if (log->has("level"))
        config.logLevel = logLevel(stringValue(log->get("level"), "log.level", "a log level name (string)"), "log.level");
    if (log->has("plugins")) {
        Object::Ptr levels = objectValue(log->get("plugins"), "log.plugins", "an object of plugin name -> log level");
        for (const std::string& name : levels->getNames()) {
            std::string key = member("log.plugins", name);
            if (!isPluginName(name))
                throw ConfigError(key, "invalid plugin name " + quoted(name) + "; " + PLUGIN_NAME_EXPECTED);
            out.pluginLevels[name] = logLevel(stringValue(levels->get(name), key, "a log level name (string)"), key);
        }
    }
    if (log->has("format")) {
        out.format = stringValue(log->get("format"), "log.format", "\"auto\", \"text\" or \"json\"");
        if (out.format != "auto" && out.format != "text" && out.format != "json")
            throw ConfigError("log.format", "invalid format " + quoted(out.format) + "; expected \"auto\", \"text\" or \"json\"");
    }
    if (log->has("console")) out.console = boolValue(log->get("console"), "log.console");
    if (log->has("file")) {
        Object::Ptr file = objectValue(log->get("file"), "log.file", "an object with \"path\"");
        checkKeys(*file, "log.file", LOG_FILE_KEYS);
        if (file->has("path")) out.filePath = pathValue(*file, "log.file", "path");
        if (file->has("max_bytes"))
            out.fileMaxBytes = static_cast<std::size_t>(integerValue(file->get("max_bytes"), "log.file.max_bytes", BYTES_RANGE));
        if (file->has("keep")) out.fileKeep = static_cast<unsigned>(integerValue(file->get("keep"), "log.file.keep", COUNT_RANGE));
    }
    if (log->has("access")) {
        Object::Ptr access = objectValue(log->get("access"), "log.access", "an object with \"path\"");
        checkKeys(*access, "log.access", LOG_FILE_KEYS);
        if (access->has("path")) out.accessPath = pathValue(*access, "log.access", "path");
        if (access->has("max_bytes"))
            out.accessMaxBytes = static_cast<std::size_t>(integerValue(access->get("max_bytes"), "log.access.max_bytes", BYTES_RANGE));
        if (access->has("keep")) out.accessKeep = static_cast<unsigned>(integerValue(access->get("keep"), "log.access.keep", COUNT_RANGE));
    }
    if (log->has("logthon")) {
        Object::Ptr logthon = objectValue(log->get("logthon"), "log.logthon", "an object");
        checkKeys(*logthon, "log.logthon", LOGTHON_KEYS);
        if (logthon->has("enabled")) out.logthon = boolValue(logthon->get("enabled"), "log.logthon.enabled");
        if (logthon->has("path")) {
            out.logthonPath = stringValue(logthon->get("path"), "log.logthon.path", "a path (string)");
            if (out.logthonPath.empty() || out.logthonPath[0] != '/')
                throw ConfigError("log.logthon.path", "invalid path " + quoted(out.logthonPath) + "; expected a path starting with '/'");
        }
        if (logthon->has("queue_capacity"))
            out.queueCapacity = static_cast<std::size_t>(integerValue(logthon->get("queue_capacity"), "log.logthon.queue_capacity", COUNT_RANGE));
        if (logthon->has("batch_size"))
            out.batchSize = static_cast<std::size_t>(integerValue(logthon->get("batch_size"), "log.logthon.batch_size", COUNT_RANGE));
        if (logthon->has("flush_interval_ms")) out.flushInterval = millisValue(*logthon, "log.logthon", "flush_interval_ms");
    }
    if (log->has("service_name"))
        out.serviceName = stringValue(log->get("service_name"), "log.service_name", "a name (string)");
    if (log->has("container_name"))
        out.containerName = stringValue(log->get("container_name"), "log.container_name", "a name (string)");
}

void applyFile(const Object& root, Config& config, Sources& sources)
{
    checkKeys(root, std::string(), ROOT_KEYS);
    ListenerConfig& main = config.listeners.front();
    if (root.has("listen"))
        main.address = addressValue(root.get("listen"), "listen");
    if (root.has("routes")) {
        std::vector<std::string> routeKeys;
        main.routes = parseRoutes(root.get("routes"), "routes", nullptr, routeKeys);
    }
    if (root.has("listeners"))
        parseListeners(root.get("listeners"), config, sources);
    if (root.has("admin")) {
        Object::Ptr admin = objectValue(root.get("admin"), "admin", "an object with \"listen\" and \"token_file\"");
        checkKeys(*admin, "admin", ADMIN_KEYS);
        if (admin->has("listen"))
            config.adminAddress = addressValue(admin->get("listen"), "admin.listen");
        if (admin->has("token_file"))
            config.adminTokenFile = stringValue(admin->get("token_file"), "admin.token_file", "a file path (string)");
        if (admin->has("tls"))
            config.adminTls = parseTls(admin->get("tls"), "admin.tls");
        if (admin->has("reuse_port"))
            config.adminReusePort = boolValue(admin->get("reuse_port"), "admin.reuse_port");
        if (admin->has("allowed_hosts")) {
            Array::Ptr hosts = arrayValue(admin->get("allowed_hosts"), "admin.allowed_hosts", "an array of host names");
            for (unsigned i = 0; i < hosts->size(); ++i) {
                std::string key = element("admin.allowed_hosts", i);
                std::string host = stringValue(hosts->get(i), key, "a host name (string)");
                if (host.empty())
                    throw ConfigError(key, "empty; expected a host name, IPv4 address or [IPv6 address]");
                config.adminAllowedHosts.push_back(routeHost(host, key));
            }
        }
    }
    if (root.has("reuse_port"))
        config.listeners.front().reusePort = boolValue(root.get("reuse_port"), "reuse_port");
    if (root.has("plugins_dir"))
        config.pluginsDir = nonEmpty(stringValue(root.get("plugins_dir"), "plugins_dir", "a directory path (string)"),
                                     "plugins_dir", "a directory path");
    if (root.has("plugins_link_dirs")) {
        Array::Ptr dirs = arrayValue(root.get("plugins_link_dirs"), "plugins_link_dirs", "an array of directory paths");
        config.pluginsLinkDirs.clear();
        for (unsigned i = 0; i < dirs->size(); ++i) {
            std::string key = element("plugins_link_dirs", i);
            std::string dir = nonEmpty(stringValue(dirs->get(i), key, "a directory path (string)"), key, "an absolute directory path");
            if (dir[0] != '/')
                throw ConfigError(key, "relative path " + quoted(dir) + "; expected an absolute directory path");
            config.pluginsLinkDirs.push_back(dir);
        }
    }
    if (root.has("state_dir"))
        config.stateDir = nonEmpty(stringValue(root.get("state_dir"), "state_dir", "a directory path (string)"),
                                   "state_dir", "a directory path");
    if (root.has("threads"))
        config.threads = static_cast<unsigned>(integerValue(root.get("threads"), "threads", THREADS_RANGE));
    if (root.has("io_threads"))
        config.ioThreads = static_cast<unsigned>(integerValue(root.get("io_threads"), "io_threads", IO_THREADS_RANGE));
    if (root.has("max_connections"))
        config.maxConnections = static_cast<unsigned>(integerValue(root.get("max_connections"), "max_connections", CONNECTIONS_RANGE));
    if (root.has("queue_size"))
        config.queueSize = static_cast<unsigned>(integerValue(root.get("queue_size"), "queue_size", QUEUE_RANGE));
    if (root.has("limits")) {
        Object::Ptr limits = objectValue(root.get("limits"), "limits", "an object");
        checkKeys(*limits, "limits", LIMITS_KEYS);
        if (limits->has("max_header_bytes"))
            config.limits.maxHeaderBytes = static_cast<std::size_t>(
                integerValue(limits->get("max_header_bytes"), "limits.max_header_bytes", BYTES_RANGE));
        if (limits->has("max_body_bytes"))
            config.limits.maxBodyBytes = static_cast<std::size_t>(
                integerValue(limits->get("max_body_bytes"), "limits.max_body_bytes", BYTES_RANGE));
        if (limits->has("header_timeout_ms"))
            config.limits.headerTimeout = millis(
                integerValue(limits->get("header_timeout_ms"), "limits.header_timeout_ms", MILLIS_RANGE));
        if (limits->has("request_timeout_ms"))
            config.limits.requestTimeout = millis(
                integerValue(limits->get("request_timeout_ms"), "limits.request_timeout_ms", MILLIS_RANGE));
        if (limits->has("keep_alive_timeout_ms"))
            config.limits.keepAliveTimeout = millis(
                integerValue(limits->get("keep_alive_timeout_ms"), "limits.keep_alive_timeout_ms", MILLIS_RANGE));
        if (limits->has("max_buffered_body_bytes")) {
            config.limits.maxBufferedBodyBytes = static_cast<std::size_t>(
                integerValue(limits->get("max_buffered_body_bytes"), "limits.max_buffered_body_bytes", BYTES_RANGE));
            sources.bufferedBodyBytesSet = true;
        }
        if (limits->has("websocket_close_timeout_ms"))
            config.limits.webSocketCloseTimeout = millis(
                integerValue(limits->get("websocket_close_timeout_ms"), "limits.websocket_close_timeout_ms", MILLIS_RANGE));
    }
    if (root.has("shutdown_timeout_ms"))
        config.shutdownTimeout = millis(integerValue(root.get("shutdown_timeout_ms"), "shutdown_timeout_ms", MILLIS_RANGE));
    if (root.has("drain_timeout_ms"))
        config.drainTimeout = millis(integerValue(root.get("drain_timeout_ms"), "drain_timeout_ms", MILLIS_RANGE));
    if (root.has("restore_hold_ms"))
        config.restoreHold = millis(integerValue(root.get("restore_hold_ms"), "restore_hold_ms", MILLIS_RANGE));
    if (root.has("restore_hold_max_requests"))
        config.restoreHoldMaxRequests = static_cast<unsigned>(
            integerValue(root.get("restore_hold_max_requests"), "restore_hold_max_requests", HOLD_RANGE));
    if (root.has("watch")) {
        Object::Ptr watch = objectValue(root.get("watch"), "watch", "an object with \"enabled\" and \"interval_ms\"");
        checkKeys(*watch, "watch", WATCH_KEYS);
        if (watch->has("enabled"))
            config.watchPlugins = boolValue(watch->get("enabled"), "watch.enabled");
        if (watch->has("interval_ms"))
            config.watchInterval = millis(integerValue(watch->get("interval_ms"), "watch.interval_ms", MILLIS_RANGE));
    }
    if (root.has("log"))
        parseLog(root.get("log"), config);
    if (root.has("plugins"))
        parsePlugins(root.get("plugins"), config);
    if (root.has("tls"))
        config.listeners.front().tls = parseTls(root.get("tls"), "tls");
    if (root.has("client"))
        parseClient(root.get("client"), config.client);
    if (root.has("secrets"))
        parseSecrets(root.get("secrets"), config.secrets);
    if (root.has("services"))
        parseServices(root.get("services"), config);
    if (root.has("metrics")) {
        Object::Ptr metrics = objectValue(root.get("metrics"), "metrics", "an object with \"on_main\"");
        checkKeys(*metrics, "metrics", METRICS_KEYS);
        if (metrics->has("on_main"))
            config.metricsOnMain = boolValue(metrics->get("on_main"), "metrics.on_main");
    }
}

Object::Ptr parseJson(const std::string& name, const std::string& text)
{
    std::string_view body = text;
    if (body.substr(0, 3) == "\xEF\xBB\xBF")
        body.remove_prefix(3);   // UTF-8 byte order mark
    std::size_t first = body.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        throw ConfigError(name, "empty; expected a JSON object, e.g. {\"listen\": \"0.0.0.0:8080\"}");

    JsonChecker::Result checked = JsonChecker::check(body);
    if (body[first] != '{' && !checked.syntaxError)
        throw ConfigError(name, "expected a JSON object at the top level, e.g. {\"listen\": \"0.0.0.0:8080\"}");
    Var root;
    try {
        Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
        root = parser.parse(std::string(body));
    } catch (const Poco::Exception& e) {
        std::string where;
        if (checked.syntaxError)
            where = " at line " + std::to_string(checked.syntaxError->line) + ", column "
                + std::to_string(checked.syntaxError->column);
        throw ConfigError(name, "invalid JSON" + where + ": " + (e.message().empty() ? e.displayText() : e.message()));
    }
    if (checked.syntaxError) {
        // Poco accepted what the strict checker did not: report the checker's finding.
        const JsonChecker::Issue& issue = *checked.syntaxError;
        throw ConfigError(name, "invalid JSON at line " + std::to_string(issue.line) + ", column "
            + std::to_string(issue.column) + ": " + issue.message);
    }
    if (checked.duplicateKey)
        throw ConfigError(checked.duplicateKey->path, "at line " + std::to_string(checked.duplicateKey->line)
            + ", column " + std::to_string(checked.duplicateKey->column) + ": " + checked.duplicateKey->message
            + "; expected each key once per object");
    if (root.type() != typeid(Object::Ptr))
        throw ConfigError(name, "expected a JSON object at the top level, got " + typeName(root));
    return root.extract<Object::Ptr>();
}

// ---- environment and flags --------------------------------------------------------------------

void applySetting(Setting setting, const std::string& key, const std::string& text, Config& config, Sources& sources)
{
    switch (setting) {
    case Setting::Listen:
        ConfigLoader::checkAddress(key, text);
        config.listeners.front().address = text;
        sources.mainListen = key;
        break;
    case Setting::AdminListen:
        ConfigLoader::checkAddress(key, text);
        config.adminAddress = text;
        sources.adminListen = key;
        break;
    case Setting::PluginsDir:
        config.pluginsDir = nonEmpty(text, key, "a directory path");
        break;
    case Setting::StateDir:
        config.stateDir = nonEmpty(text, key, "a directory path");
        break;
    case Setting::AdminTokenFile:
        config.adminTokenFile = text;
        break;
    case Setting::Threads:
        config.threads = static_cast<unsigned>(integerText(text, key, THREADS_RANGE));
        break;
    case Setting::IoThreads:
        config.ioThreads = static_cast<unsigned>(integerText(text, key, IO_THREADS_RANGE));
        break;
    case Setting::MaxConnections:
        config.maxConnections = static_cast<unsigned>(integerText(text, key, CONNECTIONS_RANGE));
        break;
    case Setting::QueueSize:
        config.queueSize = static_cast<unsigned>(integerText(text, key, QUEUE_RANGE));
        break;
    case Setting::LogLevel:
        config.logLevel = logLevel(text, key);
        break;
    case Setting::MaxHeaderBytes:
        config.limits.maxHeaderBytes = static_cast<std::size_t>(integerText(text, key, BYTES_RANGE));
        break;
    case Setting::MaxBodyBytes:
        config.limits.maxBodyBytes = static_cast<std::size_t>(integerText(text, key, BYTES_RANGE));
        break;
    case Setting::HeaderTimeout:
        config.limits.headerTimeout = millis(integerText(text, key, MILLIS_RANGE));
        break;
    case Setting::RequestTimeout:
        config.limits.requestTimeout = millis(integerText(text, key, MILLIS_RANGE));
        break;
    case Setting::KeepAliveTimeout:
        config.limits.keepAliveTimeout = millis(integerText(text, key, MILLIS_RANGE));
        break;
    case Setting::WebSocketCloseTimeout:
        config.limits.webSocketCloseTimeout = millis(integerText(text, key, MILLIS_RANGE));
        break;
    case Setting::ShutdownTimeout:
        config.shutdownTimeout = millis(integerText(text, key, MILLIS_RANGE));
        break;
    case Setting::DrainTimeout:
        config.drainTimeout = millis(integerText(text, key, MILLIS_RANGE));
        break;
    case Setting::Watch:
        config.watchPlugins = boolText(text, key);
        break;
    }
}

/// The Edge-Terrarium names: VAULT_ADDR and VAULT_TOKEN set the Vault provider, FILE_STORAGE_URL and
/// LOGTHON_HOST/LOGTHON_PORT set directory entries, SERVICE_NAME names the host in shipped records,
/// CONTAINER_NAME, POD_NAME or HOSTNAME (first set wins) fill log.container_name when the file does not.
void applyPlatformEnvironment(const ConfigLoader::Overrides& environment, Config& config)
{
    auto get = [&](const char* name) -> const std::string* {
        auto found = environment.find(name);
        return (found == environment.end() || found->second.empty()) ? nullptr : &found->second;
    };
    if (const std::string* address = get("VAULT_ADDR"))
        config.secrets.vault.address = serviceUrl(*address, "VAULT_ADDR");
    if (const std::string* token = get("VAULT_TOKEN"))
        config.secrets.vault.token = *token;
    if (const std::string* url = get("FILE_STORAGE_URL"))
        config.services["file-storage"] = serviceUrl(*url, "FILE_STORAGE_URL");
    if (const std::string* host = get("LOGTHON_HOST")) {
        const std::string* port = get("LOGTHON_PORT");
        std::string text = *host;
        if (text.find("://") == std::string::npos)
            text = "http://" + text + ":" + (port ? *port : std::string("5000"));
        config.services["logthon"] = serviceUrl(text, "LOGTHON_HOST");
    }
    if (const std::string* service = get("SERVICE_NAME"))
        config.log.serviceName = *service;
    if (config.log.containerName.empty()) {
        for (const char* name : {"CONTAINER_NAME", "POD_NAME", "HOSTNAME"}) {
            if (const std::string* value = get(name)) {
                config.log.containerName = *value;
                break;
            }
        }
    }
}

void applyEnvironment(const ConfigLoader::Overrides& environment, Config& config, Sources& sources)
{
    applyPlatformEnvironment(environment, config);
    for (const auto& [name, value] : environment) {
        if (name.compare(0, std::strlen(ENVIRONMENT_PREFIX), ENVIRONMENT_PREFIX) != 0 || name == CONFIG_FILE_VARIABLE)
            continue;
        auto known = std::find_if(std::begin(ENVIRONMENT_SETTINGS), std::end(ENVIRONMENT_SETTINGS),
                                  [&](const auto& entry) { return name == entry.first; });
        if (known == std::end(ENVIRONMENT_SETTINGS)) {
            std::string list = CONFIG_FILE_VARIABLE;
            for (const auto& entry : ENVIRONMENT_SETTINGS)
                list += std::string(", ") + entry.first;
            throw ConfigError(name, "unknown environment variable; known: " + list);
        }
        applySetting(known->second, name, value, config, sources);
    }
}

void applyFlags(const ConfigLoader::Overrides& flags, Config& config, Sources& sources)
{
    for (const auto& [flag, value] : flags) {
        std::string name = flag.substr(std::min(flag.find_first_not_of('-'), flag.size()));
        auto known = std::find_if(std::begin(FLAG_SETTINGS), std::end(FLAG_SETTINGS),
                                  [&](const auto& entry) { return name == entry.first; });
        if (known == std::end(FLAG_SETTINGS)) {
            std::string list;
            for (const auto& entry : FLAG_SETTINGS)
                list += (list.empty() ? "--" : ", --") + std::string(entry.first);
            throw ConfigError("--" + name, "unknown flag; known: " + list);
        }
        applySetting(known->second, "--" + name, value, config, sources);
    }
}

// ---- whole-config checks ----------------------------------------------------------------------

/// Two listeners on the very same host:port (port not 0) cannot both bind.
void checkDistinctAddresses(const Config& config, const Sources& sources)
{
    struct Bound { std::string address; std::string key; std::string owner; };
    std::vector<Bound> bound;
    bound.push_back({config.listeners.front().address, sources.mainListen, "listener 'main'"});
    for (std::size_t i = 1; i < config.listeners.size(); ++i)
        bound.push_back({config.listeners[i].address, sources.extraListen[i - 1],
                         "listener " + quoted(config.listeners[i].name)});
    bound.push_back({config.adminAddress, sources.adminListen, "the admin listener"});
    for (std::size_t i = 1; i < bound.size(); ++i) {
        if (addressPort(bound[i].address) == "0")
            continue;
        for (std::size_t j = 0; j < i; ++j) {
            if (toLower(bound[i].address) == toLower(bound[j].address))
                throw ConfigError(bound[i].key, "address " + quoted(bound[i].address) + " is already used by "
                    + bound[j].owner + " (" + bound[j].key + "); expected a different address or port 0");
        }
    }
}

/// Every listener must be able to hold at least one body of max_body_bytes: the default bound
/// grows to it, a configured one below it is an error.
void checkBufferedBodyBytes(Config& config, const Sources& sources)
{
    LimitsConfig& limits = config.limits;
    if (limits.maxBufferedBodyBytes >= limits.maxBodyBytes)
        return;
    if (!sources.bufferedBodyBytesSet) {
        limits.maxBufferedBodyBytes = limits.maxBodyBytes;
        return;
    }
    throw ConfigError("limits.max_buffered_body_bytes", "smaller than limits.max_body_bytes (" + std::to_string(limits.maxBodyBytes)
        + "); expected room for at least one whole body");
}

Config build(const std::string& name, const std::string* text, const ConfigLoader::Overrides& environment,
             const ConfigLoader::Overrides& flags)
{
    Config config;
    ListenerConfig main;
    main.name = "main";
    main.address = DEFAULT_MAIN_ADDRESS;
    main.pluginDefaultRoutes = true;
    config.listeners.push_back(std::move(main));
    Sources sources;

    if (text)
        applyFile(*parseJson(name, *text), config, sources);
    applyEnvironment(environment, config, sources);
    applyFlags(flags, config, sources);
    checkDistinctAddresses(config, sources);
    checkBufferedBodyBytes(config, sources);
    config.log.level = config.logLevel;
    return config;
}

std::string readFile(const std::string& path)
{
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file)
        throw ConfigError(path, std::string("cannot open config file: ") + std::strerror(errno));
    std::string text;
    char buffer[8192];
    std::size_t count = 0;
    while ((count = std::fread(buffer, 1, sizeof(buffer), file)) > 0)
        text.append(buffer, count);
    int error = std::ferror(file) ? errno : 0;
    std::fclose(file);
    if (error != 0)
        throw ConfigError(path, std::string("cannot read config file: ") + std::strerror(error));
    return text;
}

} // namespace

Config ConfigLoader::load(const std::string& file, const Overrides& environment, const Overrides& flags)
{
    if (file.empty())
        return build("config", nullptr, environment, flags);
    std::string text = readFile(file);
    return build(file, &text, environment, flags);
}

Config ConfigLoader::parse(const std::string& json, const Overrides& environment, const Overrides& flags)
{
    return build("config", &json, environment, flags);
}

ConfigLoader::Overrides ConfigLoader::processEnvironment()
{
    Overrides result;
    const std::size_t prefixLength = std::strlen(ENVIRONMENT_PREFIX);
    for (char** entry = environ; entry && *entry; ++entry) {
        std::string_view variable(*entry);
        std::size_t equals = variable.find('=');
        if (equals == std::string_view::npos)
            continue;
        std::string_view name = variable.substr(0, equals);
        bool platform = std::any_of(std::begin(PLATFORM_VARIABLES), std::end(PLATFORM_VARIABLES),
                                    [&](const char* known) { return name == known; });
        if (!platform && variable.compare(0, prefixLength, ENVIRONMENT_PREFIX) != 0)
            continue;
        result.emplace(std::string(variable.substr(0, equals)), std::string(variable.substr(equals + 1)));
    }
    return result;
}

void ConfigLoader::checkAddress(const std::string& key, const std::string& address)
{
    if (address.empty())
        throw ConfigError(key, std::string("empty address; ") + ADDRESS_EXPECTED);
    std::string host, port;
    bool hasPort = false;
    if (!splitHostPort(address, host, port, hasPort)) {
        if (address.front() == '[')
            throw ConfigError(key, "unexpected text after ']' in " + quoted(address) + "; " + ADDRESS_EXPECTED);
        throw ConfigError(key, "IPv6 address in " + quoted(address) + " must be in brackets, e.g. [::1]:8080; "
            + ADDRESS_EXPECTED);
    }
    std::string problem = hostProblem(host);
    if (!problem.empty())
        throw ConfigError(key, problem + " in " + quoted(address) + "; " + ADDRESS_EXPECTED);
    if (!hasPort)
        throw ConfigError(key, "missing port in " + quoted(address) + "; " + ADDRESS_EXPECTED);
    if (!isPort(port))
        throw ConfigError(key, "invalid port " + quoted(port) + " in " + quoted(address)
            + "; expected a port from 0 to 65535 (0 picks a free port)");
}

} // namespace terrarium
