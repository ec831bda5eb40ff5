#include "config/ConfigFileParser.h"

#include "config/AddressParser.h"
#include "config/ConfigError.h"
#include "config/ConfigKey.h"
#include "config/ConfigValue.h"
#include "config/HostServicesConfigParser.h"
#include "config/PeerConfigParser.h"
#include "config/JsonChecker.h"
#include "config/RouteConfigParser.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <string_view>
#include <vector>

namespace terrarium {

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

const ConfigKey::Names ROOT_KEYS = {"listen", "routes", "listeners", "admin", "plugins_dir", "state_dir", "threads",
                                   "io_threads", "max_connections", "queue_size", "limits", "shutdown_timeout_ms", "drain_timeout_ms",
                                   "restore_hold_ms", "restore_hold_max_requests", "watch", "log",
                                   "plugins", "tls", "client", "secrets", "services", "metrics", "reuse_port",
                                   "plugins_link_dirs", "probes", "cors", "plugin_routes", "proxy", "spool_dir",
                                   "peers"};
const ConfigKey::Names ADMIN_KEYS = {"listen", "token_file", "tls", "reuse_port", "allowed_hosts",
                                     "max_body_bytes", "auth_failures", "read_only_token_file", "socket_mode",
                                     "max_upload_bytes", "move_forward_ms"};
const ConfigKey::Names ADMIN_AUTH_FAILURE_KEYS = {"max", "window_ms"};
const ConfigKey::Names METRICS_KEYS = {"on_main"};
const ConfigKey::Names LIMITS_KEYS = {"max_header_bytes", "max_body_bytes", "header_timeout_ms", "request_timeout_ms",
                                     "keep_alive_timeout_ms", "max_buffered_body_bytes", "websocket_close_timeout_ms",
                                     "spool_threshold_bytes", "max_spooled_body_bytes"};
const ConfigKey::Names WATCH_KEYS = {"enabled", "interval_ms"};

std::string quoted(const std::string& text)
{
    return ConfigValue::quoted(text);
}

} // namespace

Object::Ptr ConfigFileParser::parseJson(const std::string& name, const std::string& text)
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
        throw ConfigError(name, "expected a JSON object at the top level, got " + ConfigValue::typeName(root));
    return root.extract<Object::Ptr>();
}

void ConfigFileParser::apply(const Object& root, Config& config, ConfigSources& sources)
{
    ConfigKey::checkKnown(root, std::string(), ROOT_KEYS);
    ListenerConfig& main = config.listeners.front();
    if (root.has("listen"))
        main.address = AddressParser::address(root.get("listen"), "listen");
    if (root.has("routes")) {
        std::vector<std::string> routeKeys;
        main.routes = RouteConfigParser::parseRoutes(root.get("routes"), "routes", nullptr, routeKeys);
    }
    if (root.has("listeners"))
        RouteConfigParser::parseListeners(root.get("listeners"), config, sources);
    if (root.has("admin"))
        parseAdmin(root.get("admin"), config);
    if (root.has("reuse_port"))
        config.listeners.front().reusePort = ConfigValue::boolean(root.get("reuse_port"), "reuse_port");
    if (root.has("probes"))
        config.listeners.front().probes = ConfigValue::boolean(root.get("probes"), "probes");
    if (root.has("cors"))
        config.listeners.front().cors = RouteConfigParser::parseCors(root.get("cors"), "cors");
    if (root.has("plugin_routes"))
        config.listeners.front().pluginDefaultRoutes = ConfigValue::boolean(root.get("plugin_routes"), "plugin_routes");
    if (root.has("plugins_dir"))
        config.pluginsDir = ConfigValue::nonEmpty(
            ConfigValue::string(root.get("plugins_dir"), "plugins_dir", "a directory path (string)"), "plugins_dir", "a directory path");
    if (root.has("plugins_link_dirs")) {
        Array::Ptr dirs = ConfigValue::array(root.get("plugins_link_dirs"), "plugins_link_dirs", "an array of directory paths");
        config.pluginsLinkDirs.clear();
        for (unsigned i = 0; i < dirs->size(); ++i) {
            std::string key = ConfigKey::element("plugins_link_dirs", i);
            std::string dir = ConfigValue::nonEmpty(ConfigValue::string(dirs->get(i), key, "a directory path (string)"), key,
                                                    "an absolute directory path");
            if (dir[0] != '/')
                throw ConfigError(key, "relative path " + quoted(dir) + "; expected an absolute directory path");
            config.pluginsLinkDirs.push_back(dir);
        }
    }
    if (root.has("state_dir"))
        config.stateDir = ConfigValue::nonEmpty(
            ConfigValue::string(root.get("state_dir"), "state_dir", "a directory path (string)"), "state_dir", "a directory path");
    if (root.has("spool_dir")) {
        config.spoolDir = ConfigValue::nonEmpty(
            ConfigValue::string(root.get("spool_dir"), "spool_dir", "a directory path (string)"), "spool_dir", "a directory path");
        if (config.spoolDir[0] != '/')
            throw ConfigError("spool_dir", "relative path " + quoted(config.spoolDir) + "; expected an absolute directory path");
    }
    if (root.has("threads"))
        config.threads = static_cast<unsigned>(ConfigValue::integer(root.get("threads"), "threads", ValueRange::THREADS));
    if (root.has("io_threads"))
        config.ioThreads = static_cast<unsigned>(ConfigValue::integer(root.get("io_threads"), "io_threads", ValueRange::IO_THREADS));
    if (root.has("max_connections"))
        config.maxConnections = static_cast<unsigned>(
            ConfigValue::integer(root.get("max_connections"), "max_connections", ValueRange::CONNECTIONS));
    if (root.has("queue_size"))
        config.queueSize = static_cast<unsigned>(ConfigValue::integer(root.get("queue_size"), "queue_size", ValueRange::QUEUE));
    if (root.has("limits"))
        parseLimits(root.get("limits"), config.limits, sources);
    if (root.has("shutdown_timeout_ms"))
        config.shutdownTimeout = ConfigValue::millis(root, std::string(), "shutdown_timeout_ms");
    if (root.has("drain_timeout_ms"))
        config.drainTimeout = ConfigValue::millis(root, std::string(), "drain_timeout_ms");
    if (root.has("restore_hold_ms"))
        config.restoreHold = ConfigValue::millis(root, std::string(), "restore_hold_ms");
    if (root.has("restore_hold_max_requests"))
        config.restoreHoldMaxRequests = static_cast<unsigned>(
            ConfigValue::integer(root.get("restore_hold_max_requests"), "restore_hold_max_requests", ValueRange::HOLD));
    if (root.has("watch")) {
        Object::Ptr watch = ConfigValue::object(root.get("watch"), "watch", "an object with \"enabled\" and \"interval_ms\"");
        ConfigKey::checkKnown(*watch, "watch", WATCH_KEYS);
        if (watch->has("enabled"))
            config.watchPlugins = ConfigValue::boolean(watch->get("enabled"), "watch.enabled");
        if (watch->has("interval_ms"))
            config.watchInterval = ConfigValue::millis(*watch, "watch", "interval_ms");
    }
    if (root.has("log"))
        HostServicesConfigParser::parseLog(root.get("log"), config);
    if (root.has("plugins"))
        RouteConfigParser::parsePlugins(root.get("plugins"), config);
    if (root.has("tls"))
        config.listeners.front().tls = HostServicesConfigParser::parseTls(root.get("tls"), "tls");
    if (root.has("client"))
        HostServicesConfigParser::parseClient(root.get("client"), config.client);
    if (root.has("proxy"))
        HostServicesConfigParser::parseProxy(root.get("proxy"), config.proxy);
    if (root.has("secrets"))
        HostServicesConfigParser::parseSecrets(root.get("secrets"), config.secrets);
    if (root.has("services"))
        HostServicesConfigParser::parseServices(root.get("services"), config);
    if (root.has("peers"))
        PeerConfigParser::parsePeers(root.get("peers"), config);
    if (root.has("metrics")) {
        Object::Ptr metrics = ConfigValue::object(root.get("metrics"), "metrics", "an object with \"on_main\"");
        ConfigKey::checkKnown(*metrics, "metrics", METRICS_KEYS);
        if (metrics->has("on_main"))
            config.metricsOnMain = ConfigValue::boolean(metrics->get("on_main"), "metrics.on_main");
    }
}

void ConfigFileParser::parseAdmin(const Var& value, Config& config)
{
    Object::Ptr admin = ConfigValue::object(value, "admin", "an object with \"listen\" and \"token_file\"");
    ConfigKey::checkKnown(*admin, "admin", ADMIN_KEYS);
    if (admin->has("listen")) {
        config.adminAddress = ConfigValue::string(admin->get("listen"), "admin.listen", "an address string host:port or unix:/path");
        AddressParser::checkAdmin("admin.listen", config.adminAddress);
    }
    if (admin->has("token_file"))
        config.adminTokenFile = ConfigValue::string(admin->get("token_file"), "admin.token_file", "a file path (string)");
    if (admin->has("tls"))
        config.adminTls = HostServicesConfigParser::parseTls(admin->get("tls"), "admin.tls");
    if (admin->has("reuse_port"))
        config.adminReusePort = ConfigValue::boolean(admin->get("reuse_port"), "admin.reuse_port");
    if (admin->has("allowed_hosts")) {
        Array::Ptr hosts = ConfigValue::array(admin->get("allowed_hosts"), "admin.allowed_hosts", "an array of host names");
        for (unsigned i = 0; i < hosts->size(); ++i) {
            std::string key = ConfigKey::element("admin.allowed_hosts", i);
            std::string host = ConfigValue::string(hosts->get(i), key, "a host name (string)");
            if (host.empty())
                throw ConfigError(key, "empty; expected a host name, IPv4 address or [IPv6 address]");
            config.adminAllowedHosts.push_back(AddressParser::host(host, key));
        }
    }
    parseAdminHardening(*admin, config);
}

void ConfigFileParser::parseAdminHardening(const Object& admin, Config& config)
{
    if (admin.has("max_body_bytes"))
        config.adminMaxBodyBytes = static_cast<std::size_t>(ConfigValue::integer(admin.get("max_body_bytes"), "admin.max_body_bytes", ValueRange::BYTES));
    if (admin.has("auth_failures")) {
        Object::Ptr limit = ConfigValue::object(admin.get("auth_failures"), "admin.auth_failures", "an object with \"max\" and \"window_ms\"");
        ConfigKey::checkKnown(*limit, "admin.auth_failures", ADMIN_AUTH_FAILURE_KEYS);
        if (limit->has("max"))
            config.adminAuthFailuresMax = static_cast<unsigned>(ConfigValue::integer(limit->get("max"), "admin.auth_failures.max", ValueRange::COUNT));
        if (limit->has("window_ms"))
            config.adminAuthFailuresWindow = ConfigValue::millis(*limit, "admin.auth_failures", "window_ms");
    }
    if (admin.has("read_only_token_file"))
        config.adminReadOnlyTokenFile = ConfigValue::nonEmpty(
            ConfigValue::string(admin.get("read_only_token_file"), "admin.read_only_token_file", "a file path (string)"),
            "admin.read_only_token_file", "a file path");
    if (admin.has("max_upload_bytes"))
        config.adminMaxUploadBytes = ConfigValue::integer(admin.get("max_upload_bytes"), "admin.max_upload_bytes", ValueRange::BYTES);
    if (admin.has("move_forward_ms"))
        config.moveForward = ConfigValue::millis(admin, "admin", "move_forward_ms", ValueRange::MILLIS_OR_ZERO);
    if (admin.has("socket_mode")) {
        std::string mode = ConfigValue::string(admin.get("socket_mode"), "admin.socket_mode", "an octal file mode string, e.g. \"0660\"");
        if (mode.empty() || mode.size() > 4 || mode.find_first_not_of("01234567") != std::string::npos)
            throw ConfigError("admin.socket_mode", ConfigValue::quoted(mode) + " is not an octal file mode; expected e.g. \"0660\" or \"0600\"");
        config.adminSocketMode = static_cast<unsigned>(std::stoul(mode, nullptr, 8));
    }
}

void ConfigFileParser::parseLimits(const Var& value, LimitsConfig& limits, ConfigSources& sources)
{
    const std::string path = "limits";
    Object::Ptr object = ConfigValue::object(value, path, "an object");
    ConfigKey::checkKnown(*object, path, LIMITS_KEYS);
    if (object->has("max_header_bytes"))
        limits.maxHeaderBytes = static_cast<std::size_t>(
            ConfigValue::integer(object->get("max_header_bytes"), "limits.max_header_bytes", ValueRange::BYTES));
    if (object->has("max_body_bytes"))
        limits.maxBodyBytes = static_cast<std::size_t>(
            ConfigValue::integer(object->get("max_body_bytes"), "limits.max_body_bytes", ValueRange::BYTES));
    if (object->has("header_timeout_ms")) limits.headerTimeout = ConfigValue::millis(*object, path, "header_timeout_ms");
    if (object->has("request_timeout_ms")) limits.requestTimeout = ConfigValue::millis(*object, path, "request_timeout_ms");
    if (object->has("keep_alive_timeout_ms")) limits.keepAliveTimeout = ConfigValue::millis(*object, path, "keep_alive_timeout_ms");
    if (object->has("max_buffered_body_bytes")) {
        limits.maxBufferedBodyBytes = static_cast<std::size_t>(
            ConfigValue::integer(object->get("max_buffered_body_bytes"), "limits.max_buffered_body_bytes", ValueRange::BYTES));
        sources.bufferedBodyBytesSet = true;
    }
    if (object->has("websocket_close_timeout_ms"))
        limits.webSocketCloseTimeout = ConfigValue::millis(*object, path, "websocket_close_timeout_ms");
    if (object->has("spool_threshold_bytes"))
        limits.spoolThresholdBytes = ConfigValue::integer(object->get("spool_threshold_bytes"), "limits.spool_threshold_bytes", ValueRange::BYTES_OR_ZERO);
    if (object->has("max_spooled_body_bytes"))
        limits.maxSpooledBodyBytes = ConfigValue::integer(object->get("max_spooled_body_bytes"), "limits.max_spooled_body_bytes", ValueRange::BYTES);
}

} // namespace terrarium
