#include "config/EffectiveConfig.h"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace terrarium {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr object()
{
    return new Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

Poco::Int64 millis(const Poco::Timespan& span)
{
    return static_cast<Poco::Int64>(span.totalMilliseconds());
}

Array::Ptr strings(const std::vector<std::string>& values)
{
    Array::Ptr array = new Array;
    for (const std::string& value : values) array->add(value);
    return array;
}

Object::Ptr tls(const TlsServerConfig& tls)
{
    Object::Ptr out = object();
    out->set("cert_file", tls.certFile);
    out->set("key_file", tls.keyFile);
    out->set("ca_file", tls.caFile);
    out->set("client_certs", tls.clientCerts);
    return out;
}

Object::Ptr cors(const CorsConfig& cors)
{
    Object::Ptr out = object();
    out->set("enabled", cors.enabled);
    out->set("allow_origin", cors.allowOrigin);
    out->set("allow_methods", cors.allowMethods);
    out->set("allow_headers", cors.allowHeaders);
    out->set("expose_headers", cors.exposeHeaders);
    out->set("max_age", cors.maxAge);
    return out;
}

/// The file's value at key (of root), or an empty Var.
Poco::Dynamic::Var fileValue(const Config& config, const char* key)
{
    const Object::Ptr& root = config.provenance.fileRoot;
    return root && root->has(key) ? root->get(key) : Poco::Dynamic::Var();
}

Object::Ptr admin(const Config& config)
{
    Object::Ptr out = object();
    out->set("listen", config.adminAddress);
    out->set("token_file", config.adminTokenFile);
    out->set("read_only_token_file", config.adminReadOnlyTokenFile);
    out->set("tls", tls(config.adminTls));
    out->set("reuse_port", config.adminReusePort);
    out->set("allowed_hosts", strings(config.adminAllowedHosts));
    out->set("max_body_bytes", static_cast<Poco::UInt64>(config.adminMaxBodyBytes));
    Object::Ptr failures = object();
    failures->set("max", config.adminAuthFailuresMax);
    failures->set("window_ms", millis(config.adminAuthFailuresWindow));
    out->set("auth_failures", failures);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", config.adminSocketMode);
    out->set("socket_mode", std::string(mode));
    return out;
}

Object::Ptr limits(const LimitsConfig& limits)
{
    Object::Ptr out = object();
    out->set("max_header_bytes", static_cast<Poco::UInt64>(limits.maxHeaderBytes));
    out->set("max_body_bytes", static_cast<Poco::UInt64>(limits.maxBodyBytes));
    out->set("header_timeout_ms", millis(limits.headerTimeout));
    out->set("request_timeout_ms", millis(limits.requestTimeout));
    out->set("keep_alive_timeout_ms", millis(limits.keepAliveTimeout));
    out->set("max_buffered_body_bytes", static_cast<Poco::UInt64>(limits.maxBufferedBodyBytes));
    out->set("websocket_close_timeout_ms", millis(limits.webSocketCloseTimeout));
    out->set("spool_threshold_bytes", static_cast<Poco::UInt64>(limits.spoolThresholdBytes));
    out->set("max_spooled_body_bytes", static_cast<Poco::UInt64>(limits.maxSpooledBodyBytes));
    return out;
}

Object::Ptr log(const Config& config)
{
    const LogConfig& log = config.log;
    Object::Ptr out = object();
    out->set("level", log.level);
    Object::Ptr plugins = object();
    for (const auto& [name, level] : log.pluginLevels) plugins->set(name, level);
    out->set("plugins", plugins);
    out->set("format", log.format);
    out->set("console", log.console);
    Object::Ptr file = object();
    file->set("path", log.filePath);
    file->set("max_bytes", static_cast<Poco::UInt64>(log.fileMaxBytes));
    file->set("keep", log.fileKeep);
    out->set("file", file);
    Object::Ptr access = object();
    access->set("path", log.accessPath);
    access->set("max_bytes", static_cast<Poco::UInt64>(log.accessMaxBytes));
    access->set("keep", log.accessKeep);
    out->set("access", access);
    Object::Ptr logthon = object();
    logthon->set("enabled", log.logthon);
    logthon->set("path", log.logthonPath);
    logthon->set("batch", log.logthonBatch);
    logthon->set("queue_capacity", static_cast<Poco::UInt64>(log.queueCapacity));
    logthon->set("batch_size", static_cast<Poco::UInt64>(log.batchSize));
    logthon->set("flush_interval_ms", millis(log.flushInterval));
    out->set("logthon", logthon);
    out->set("service_name", log.serviceName);
    out->set("container_name", log.containerName);
    return out;
}

Object::Ptr client(const ClientConfig& client)
{
    Object::Ptr out = object();
    out->set("connect_timeout_ms", millis(client.connectTimeout));
    out->set("timeout_ms", millis(client.timeout));
    out->set("max_attempts", client.maxAttempts);
    out->set("backoff_initial_ms", millis(client.backoffInitial));
    out->set("backoff_max_ms", millis(client.backoffMax));
    out->set("max_per_origin", client.maxPerOrigin);
    out->set("max_total", client.maxTotal);
    out->set("idle_timeout_ms", millis(client.idleTimeout));
    Object::Ptr breaker = object();
    breaker->set("failures", client.breakerFailures);
    breaker->set("open_ms", millis(client.breakerOpen));
    out->set("breaker", breaker);
    out->set("max_response_bytes", static_cast<Poco::UInt64>(client.maxResponseBytes));
    out->set("verify_peer", client.verifyPeer);
    out->set("ca_file", client.caFile);
    return out;
}

Object::Ptr secrets(const SecretsConfig& secrets)
{
    Object::Ptr out = object();
    out->set("provider", secrets.provider);
    out->set("ttl_ms", millis(secrets.ttl));
    out->set("refresh_ahead_ms", millis(secrets.refreshAhead));
    out->set("max_stale_ms", millis(secrets.maxStale));
    out->set("negative_ttl_ms", millis(secrets.negativeTtl));
    out->set("core_dumps", secrets.coreDumps);
    Object::Ptr vault = object();
    vault->set("address", secrets.vault.address);
    vault->set("token", secrets.vault.token);
    vault->set("token_file", secrets.vault.tokenFile);
    vault->set("mount", secrets.vault.mount);
    Object::Ptr kubernetes = object();
    kubernetes->set("role", secrets.vault.kubernetesRole);
    kubernetes->set("auth_path", secrets.vault.kubernetesAuthPath);
    kubernetes->set("jwt_file", secrets.vault.kubernetesJwtFile);
    vault->set("kubernetes", kubernetes);
    out->set("vault", vault);
    Object::Ptr files = object();
    files->set("dir", secrets.filesDir);
    out->set("files", files);
    Object::Ptr env = object();
    env->set("prefix", secrets.envPrefix);
    out->set("env", env);
    return out;
}

Object::Ptr plugins(const Config& config)
{
    Object::Ptr out = object();
    Poco::Dynamic::Var file = fileValue(config, "plugins");
    Object::Ptr filePlugins = file.type() == typeid(Object::Ptr) ? file.extract<Object::Ptr>() : nullptr;
    for (const auto& [name, plugin] : config.plugins) {
        Object::Ptr block = object();
        block->set("config", plugin.settings ? plugin.settings : object());
        Object::Ptr fileBlock = filePlugins && filePlugins->has(name) && filePlugins->get(name).type() == typeid(Object::Ptr)
            ? filePlugins->getObject(name) : nullptr;
        if (fileBlock && fileBlock->has("routes")) block->set("routes", fileBlock->get("routes"));
        if (fileBlock && fileBlock->has("spool")) block->set("spool", fileBlock->get("spool"));
        out->set(name, block);
    }
    return out;
}

/// The key split into steps: names, and "[i]" indexes as numbers (index >= 0).
struct Step
{
    std::string name;
    int index = -1;
};

std::vector<Step> steps(const std::string& key)
{
    std::vector<Step> out;
    std::string name;
    for (std::size_t i = 0; i < key.size(); ++i) {
        char c = key[i];
        if (c == '.' || c == '[') {
            if (!name.empty()) out.push_back({name, -1});
            name.clear();
            if (c == '[') {
                std::size_t close = key.find(']', i);
                if (close == std::string::npos) break;
                out.push_back({std::string(), std::atoi(key.substr(i + 1, close - i - 1).c_str())});
                i = close;
            }
        } else
            name += c;
    }
    if (!name.empty()) out.push_back({name, -1});
    return out;
}

bool inFile(const Object::Ptr& root, const std::string& key)
{
    Poco::Dynamic::Var at = root;
    for (const Step& step : steps(key)) {
        if (step.index < 0) {
            if (at.type() != typeid(Object::Ptr)) return true;
            Object::Ptr object = at.extract<Object::Ptr>();
            if (!object->has(step.name)) return false;
            at = object->get(step.name);
        } else {
            if (at.type() != typeid(Array::Ptr)) return true;
            Array::Ptr array = at.extract<Array::Ptr>();
            if (static_cast<std::size_t>(step.index) >= array->size()) return false;
            at = array->get(static_cast<unsigned>(step.index));
        }
    }
    return true;
}

/// The words of a setting name: split at '_', '-', '.', digits and lower-to-upper case changes, lower case.
std::vector<std::string> words(const std::string& name)
{
    std::vector<std::string> out;
    std::string word;
    for (std::size_t i = 0; i < name.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(name[i]);
        bool boundary = !std::isalpha(c) || (std::isupper(c) && i > 0 && std::islower(static_cast<unsigned char>(name[i - 1])));
        if (boundary && !word.empty()) {
            out.push_back(word);
            word.clear();
        }
        if (std::isalpha(c)) word += static_cast<char>(std::tolower(c));
    }
    if (!word.empty()) out.push_back(word);
    return out;
}

} // namespace

Object::Ptr EffectiveConfig::settings(const Config& config)
{
    const ListenerConfig& main = config.mainListener();
    Object::Ptr out = object();
    out->set("listen", main.address);
    Poco::Dynamic::Var routes = fileValue(config, "routes");
    out->set("routes", routes.isEmpty() ? Poco::Dynamic::Var(Array::Ptr(new Array)) : routes);
    out->set("tls", tls(main.tls));
    out->set("cors", cors(main.cors));
    out->set("probes", main.probes);
    out->set("plugin_routes", main.pluginDefaultRoutes);
    out->set("reuse_port", main.reusePort);
    Poco::Dynamic::Var listeners = fileValue(config, "listeners");
    out->set("listeners", listeners.isEmpty() ? Poco::Dynamic::Var(Array::Ptr(new Array)) : listeners);
    out->set("admin", admin(config));
    out->set("plugins_dir", config.pluginsDir);
    out->set("plugins_link_dirs", strings(config.pluginsLinkDirs));
    out->set("state_dir", config.stateDir);
    out->set("spool_dir", config.spoolDir);
    out->set("threads", config.threads);
    out->set("io_threads", config.ioThreads);
    out->set("max_connections", config.maxConnections);
    out->set("queue_size", config.queueSize);
    out->set("limits", limits(config.limits));
    out->set("shutdown_timeout_ms", millis(config.shutdownTimeout));
    out->set("drain_timeout_ms", millis(config.drainTimeout));
    out->set("restore_hold_ms", millis(config.restoreHold));
    out->set("restore_hold_max_requests", config.restoreHoldMaxRequests);
    Object::Ptr watch = object();
    watch->set("enabled", config.watchPlugins);
    watch->set("interval_ms", millis(config.watchInterval));
    out->set("watch", watch);
    out->set("log", log(config));
    Object::Ptr metrics = object();
    metrics->set("on_main", config.metricsOnMain);
    out->set("metrics", metrics);
    out->set("client", client(config.client));
    Object::Ptr proxy = object();
    proxy->set("threads", config.proxy.threads);
    proxy->set("queue_size", config.proxy.queueSize);
    out->set("proxy", proxy);
    out->set("secrets", secrets(config.secrets));
    Object::Ptr services = object();
    for (const auto& [name, url] : config.services) services->set(name, url);
    out->set("services", services);
    out->set("plugins", plugins(config));
    return out;
}

std::string EffectiveConfig::source(const Config& config, const std::string& key)
{
    const ConfigProvenance& provenance = config.provenance;
    auto overridden = provenance.overrides.find(key);
    if (overridden != provenance.overrides.end()) return overridden->second;
    if (provenance.fileRoot && inFile(provenance.fileRoot, key)) return "file:" + provenance.file;
    return "default";
}

bool EffectiveConfig::secretName(const std::string& name)
{
    static const char* const secretWords[] = {"token", "tokens", "secret", "secrets", "password", "passwords", "passwd", "passphrase",
                                              "key", "keys", "apikey", "credential", "credentials", "jwt", "private"};
    static const char* const placeWords[] = {"file", "files", "dir", "dirs", "path", "paths"};
    std::vector<std::string> parts = words(name);
    if (parts.empty()) return false;
    auto among = [](const std::string& word, const auto& list) {
        return std::any_of(std::begin(list), std::end(list), [&](const char* known) { return word == known; });
    };
    if (among(parts.back(), placeWords)) return false;
    return std::any_of(parts.begin(), parts.end(), [&](const std::string& word) { return among(word, secretWords); });
}

} // namespace terrarium
