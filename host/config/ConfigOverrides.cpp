#include "config/ConfigOverrides.h"

#include "config/AddressParser.h"
#include "config/ConfigError.h"
#include "config/ConfigValue.h"
#include "config/HostServicesConfigParser.h"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <utility>

extern char** environ;

namespace terrarium {

namespace {

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

/// The configuration file's key of each setting (where GET /admin/config shows it).
const char* settingKey(Setting setting)
{
    switch (setting) {
    case Setting::Listen: return "listen";
    case Setting::AdminListen: return "admin.listen";
    case Setting::PluginsDir: return "plugins_dir";
    case Setting::StateDir: return "state_dir";
    case Setting::AdminTokenFile: return "admin.token_file";
    case Setting::Threads: return "threads";
    case Setting::IoThreads: return "io_threads";
    case Setting::MaxConnections: return "max_connections";
    case Setting::QueueSize: return "queue_size";
    case Setting::LogLevel: return "log.level";
    case Setting::MaxHeaderBytes: return "limits.max_header_bytes";
    case Setting::MaxBodyBytes: return "limits.max_body_bytes";
    case Setting::HeaderTimeout: return "limits.header_timeout_ms";
    case Setting::RequestTimeout: return "limits.request_timeout_ms";
    case Setting::KeepAliveTimeout: return "limits.keep_alive_timeout_ms";
    case Setting::WebSocketCloseTimeout: return "limits.websocket_close_timeout_ms";
    case Setting::ShutdownTimeout: return "shutdown_timeout_ms";
    case Setting::DrainTimeout: return "drain_timeout_ms";
    case Setting::Watch: return "watch.enabled";
    }
    return "";
}

/// Variables of the operator tools (terrariumctl) that share the TERRARIUM_ prefix: the daemon
/// ignores them, so that both can run from the same shell.
const char* const TOOL_VARIABLES[] = {"TERRARIUM_ADMIN_URL"};

const std::pair<const char*, Setting> FLAG_SETTINGS[] = {
    {"listen", Setting::Listen},
    {"admin-listen", Setting::AdminListen},
    {"plugins-dir", Setting::PluginsDir},
    {"state-dir", Setting::StateDir},
    {"admin-token-file", Setting::AdminTokenFile},
    {"threads", Setting::Threads},
};

void applySetting(Setting setting, const std::string& key, const std::string& text, Config& config, ConfigSources& sources)
{
    sources.overrides[settingKey(setting)] = (key.compare(0, 2, "--") == 0 ? "flag:" : "env:") + key;
    switch (setting) {
    case Setting::Listen:
        AddressParser::check(key, text);
        config.listeners.front().address = text;
        sources.mainListen = key;
        break;
    case Setting::AdminListen:
        AddressParser::checkAdmin(key, text);
        config.adminAddress = text;
        sources.adminListen = key;
        break;
    case Setting::PluginsDir:
        config.pluginsDir = ConfigValue::nonEmpty(text, key, "a directory path");
        break;
    case Setting::StateDir:
        config.stateDir = ConfigValue::nonEmpty(text, key, "a directory path");
        break;
    case Setting::AdminTokenFile:
        config.adminTokenFile = text;
        break;
    case Setting::Threads:
        config.threads = static_cast<unsigned>(ConfigValue::integerText(text, key, ValueRange::THREADS));
        break;
    case Setting::IoThreads:
        config.ioThreads = static_cast<unsigned>(ConfigValue::integerText(text, key, ValueRange::IO_THREADS));
        break;
    case Setting::MaxConnections:
        config.maxConnections = static_cast<unsigned>(ConfigValue::integerText(text, key, ValueRange::CONNECTIONS));
        break;
    case Setting::QueueSize:
        config.queueSize = static_cast<unsigned>(ConfigValue::integerText(text, key, ValueRange::QUEUE));
        break;
    case Setting::LogLevel:
        config.logLevel = ConfigValue::logLevel(text, key);
        break;
    case Setting::MaxHeaderBytes:
        config.limits.maxHeaderBytes = static_cast<std::size_t>(ConfigValue::integerText(text, key, ValueRange::BYTES));
        break;
    case Setting::MaxBodyBytes:
        config.limits.maxBodyBytes = static_cast<std::size_t>(ConfigValue::integerText(text, key, ValueRange::BYTES));
        break;
    case Setting::HeaderTimeout:
        config.limits.headerTimeout = ConfigValue::timespan(ConfigValue::integerText(text, key, ValueRange::MILLIS));
        break;
    case Setting::RequestTimeout:
        config.limits.requestTimeout = ConfigValue::timespan(ConfigValue::integerText(text, key, ValueRange::MILLIS));
        break;
    case Setting::KeepAliveTimeout:
        config.limits.keepAliveTimeout = ConfigValue::timespan(ConfigValue::integerText(text, key, ValueRange::MILLIS));
        break;
    case Setting::WebSocketCloseTimeout:
        config.limits.webSocketCloseTimeout = ConfigValue::timespan(ConfigValue::integerText(text, key, ValueRange::MILLIS));
        break;
    case Setting::ShutdownTimeout:
        config.shutdownTimeout = ConfigValue::timespan(ConfigValue::integerText(text, key, ValueRange::MILLIS));
        break;
    case Setting::DrainTimeout:
        config.drainTimeout = ConfigValue::timespan(ConfigValue::integerText(text, key, ValueRange::MILLIS));
        break;
    case Setting::Watch:
        config.watchPlugins = ConfigValue::boolText(text, key);
        break;
    }
}

/// The Edge-Terrarium names: VAULT_ADDR and VAULT_TOKEN set the Vault provider, FILE_STORAGE_URL and
/// LOGTHON_HOST/LOGTHON_PORT set directory entries, SERVICE_NAME names the host in shipped records,
/// CONTAINER_NAME, POD_NAME or HOSTNAME (first set wins) fill log.container_name when the file does not.
void applyPlatformEnvironment(const ConfigLoader::Overrides& environment, Config& config, ConfigSources& sources)
{
    auto get = [&](const char* name) -> const std::string* {
        auto found = environment.find(name);
        return (found == environment.end() || found->second.empty()) ? nullptr : &found->second;
    };
    if (const std::string* address = get("VAULT_ADDR")) {
        config.secrets.vault.address = HostServicesConfigParser::serviceUrl(*address, "VAULT_ADDR");
        sources.overrides["secrets.vault.address"] = "env:VAULT_ADDR";
    }
    if (const std::string* token = get("VAULT_TOKEN")) {
        config.secrets.vault.token = *token;
        sources.overrides["secrets.vault.token"] = "env:VAULT_TOKEN";
    }
    if (const std::string* url = get("FILE_STORAGE_URL")) {
        config.services["file-storage"] = HostServicesConfigParser::serviceUrl(*url, "FILE_STORAGE_URL");
        sources.overrides["services.file-storage"] = "env:FILE_STORAGE_URL";
    }
    if (const std::string* host = get("LOGTHON_HOST")) {
        const std::string* port = get("LOGTHON_PORT");
        std::string text = *host;
        if (text.find("://") == std::string::npos)
            text = "http://" + text + ":" + (port ? *port : std::string("5000"));
        config.services["logthon"] = HostServicesConfigParser::serviceUrl(text, "LOGTHON_HOST");
        sources.overrides["services.logthon"] = "env:LOGTHON_HOST";
    }
    if (const std::string* service = get("SERVICE_NAME")) {
        config.log.serviceName = *service;
        sources.overrides["log.service_name"] = "env:SERVICE_NAME";
    }
    if (config.log.containerName.empty()) {
        for (const char* name : {"CONTAINER_NAME", "POD_NAME", "HOSTNAME"}) {
            if (const std::string* value = get(name)) {
                config.log.containerName = *value;
                sources.overrides["log.container_name"] = std::string("env:") + name;
                break;
            }
        }
    }
}

} // namespace

void ConfigOverrides::applyEnvironment(const ConfigLoader::Overrides& environment, Config& config, ConfigSources& sources)
{
    applyPlatformEnvironment(environment, config, sources);
    for (const auto& [name, value] : environment) {
        if (name.compare(0, std::strlen(ENVIRONMENT_PREFIX), ENVIRONMENT_PREFIX) != 0 || name == CONFIG_FILE_VARIABLE)
            continue;
        const std::string& variable = name;   // a structured binding cannot be captured in C++17
        if (std::any_of(std::begin(TOOL_VARIABLES), std::end(TOOL_VARIABLES), [&](const char* tool) { return variable == tool; }))
            continue;
        auto known = std::find_if(std::begin(ENVIRONMENT_SETTINGS), std::end(ENVIRONMENT_SETTINGS),
                                  [&](const auto& entry) { return variable == entry.first; });
        if (known == std::end(ENVIRONMENT_SETTINGS)) {
            std::string list = CONFIG_FILE_VARIABLE;
            for (const auto& entry : ENVIRONMENT_SETTINGS)
                list += std::string(", ") + entry.first;
            throw ConfigError(name, "unknown environment variable; known: " + list);
        }
        applySetting(known->second, name, value, config, sources);
    }
}

void ConfigOverrides::applyFlags(const ConfigLoader::Overrides& flags, Config& config, ConfigSources& sources)
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

ConfigLoader::Overrides ConfigOverrides::processEnvironment()
{
    ConfigLoader::Overrides result;
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

} // namespace terrarium
