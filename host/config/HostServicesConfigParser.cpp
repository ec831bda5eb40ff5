#include "config/HostServicesConfigParser.h"

#include "config/ConfigError.h"
#include "config/ConfigKey.h"
#include "config/ConfigValue.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/URI.h>

namespace terrarium {

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Object;

const ConfigKey::Names TLS_KEYS = {"cert_file", "key_file", "ca_file", "client_certs"};
const ConfigKey::Names CLIENT_KEYS = {"connect_timeout_ms", "timeout_ms", "max_attempts", "backoff_initial_ms", "backoff_max_ms",
                                      "max_per_origin", "max_total", "idle_timeout_ms", "breaker", "max_response_bytes",
                                      "verify_peer", "ca_file"};
const ConfigKey::Names BREAKER_KEYS = {"failures", "open_ms"};
const ConfigKey::Names PROXY_KEYS = {"threads", "queue_size"};
const ConfigKey::Names SECRETS_KEYS = {"provider", "ttl_ms", "refresh_ahead_ms", "max_stale_ms", "negative_ttl_ms", "vault", "core_dumps",
                                       "files", "env"};
const ConfigKey::Names VAULT_KEYS = {"address", "token", "token_file", "mount", "kubernetes"};
const ConfigKey::Names KUBERNETES_KEYS = {"role", "auth_path", "jwt_file"};
const ConfigKey::Names FILES_KEYS = {"dir"};
const ConfigKey::Names ENV_KEYS = {"prefix"};
const ConfigKey::Names LOG_KEYS = {"level", "plugins", "format", "console", "file", "access", "logthon", "service_name",
                                   "container_name"};
const ConfigKey::Names LOG_FILE_KEYS = {"path", "max_bytes", "keep"};
const ConfigKey::Names LOGTHON_KEYS = {"enabled", "path", "queue_capacity", "batch_size", "flush_interval_ms", "batch"};

std::string quoted(const std::string& text)
{
    return ConfigValue::quoted(text);
}

} // namespace

TlsServerConfig HostServicesConfigParser::parseTls(const Var& value, const std::string& key)
{
    Object::Ptr object = ConfigValue::object(value, key, "an object with \"cert_file\" and \"key_file\"");
    ConfigKey::checkKnown(*object, key, TLS_KEYS);
    TlsServerConfig tls;
    if (object->has("cert_file")) tls.certFile = ConfigValue::filePath(*object, key, "cert_file");
    if (object->has("key_file")) tls.keyFile = ConfigValue::filePath(*object, key, "key_file");
    if (object->has("ca_file")) tls.caFile = ConfigValue::filePath(*object, key, "ca_file");
    if (object->has("client_certs")) {
        tls.clientCerts = ConfigValue::string(object->get("client_certs"), ConfigKey::member(key, "client_certs"),
                                              "\"none\", \"optional\" or \"required\"");
        if (tls.clientCerts != "none" && tls.clientCerts != "optional" && tls.clientCerts != "required")
            throw ConfigError(ConfigKey::member(key, "client_certs"), "invalid value " + quoted(tls.clientCerts)
                + "; expected \"none\", \"optional\" or \"required\"");
    }
    if (tls.certFile.empty() != tls.keyFile.empty())
        throw ConfigError(key, std::string("missing ") + (tls.certFile.empty() ? "cert_file" : "key_file")
            + "; expected both a PEM certificate (cert_file) and its private key (key_file)");
    if (tls.certFile.empty())
        throw ConfigError(key, "missing cert_file and key_file; expected the PEM certificate and private key of the listener");
    if (tls.clientCerts != "none" && tls.caFile.empty())
        throw ConfigError(ConfigKey::member(key, "ca_file"), "missing; client_certs " + quoted(tls.clientCerts)
            + " needs the PEM CA bundle that signs the client certificates");
    tls.enabled = true;
    return tls;
}

std::string HostServicesConfigParser::serviceUrl(const std::string& text, const std::string& key)
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

void HostServicesConfigParser::parseServices(const Var& value, Config& config)
{
    Object::Ptr services = ConfigValue::object(value, "services", "an object of service name -> base URL");
    for (const std::string& name : services->getNames()) {
        std::string key = ConfigKey::member("services", name);
        if (!ConfigValue::isPluginName(name))
            throw ConfigError(key, "invalid service name " + quoted(name) + "; " + ConfigValue::PLUGIN_NAME_EXPECTED);
        config.services[name] = serviceUrl(ConfigValue::string(services->get(name), key, "a base URL (string)"), key);
    }
}

void HostServicesConfigParser::parseClient(const Var& value, ClientConfig& client)
{
    const std::string path = "client";
    Object::Ptr object = ConfigValue::object(value, path, "an object");
    ConfigKey::checkKnown(*object, path, CLIENT_KEYS);
    if (object->has("connect_timeout_ms")) client.connectTimeout = ConfigValue::millis(*object, path, "connect_timeout_ms");
    if (object->has("timeout_ms")) client.timeout = ConfigValue::millis(*object, path, "timeout_ms");
    if (object->has("max_attempts"))
        client.maxAttempts = static_cast<unsigned>(
            ConfigValue::integer(object->get("max_attempts"), "client.max_attempts", ValueRange::ATTEMPTS));
    if (object->has("backoff_initial_ms")) client.backoffInitial = ConfigValue::millis(*object, path, "backoff_initial_ms");
    if (object->has("backoff_max_ms")) client.backoffMax = ConfigValue::millis(*object, path, "backoff_max_ms");
    if (object->has("max_per_origin"))
        client.maxPerOrigin = static_cast<unsigned>(
            ConfigValue::integer(object->get("max_per_origin"), "client.max_per_origin", ValueRange::COUNT));
    if (object->has("max_total"))
        client.maxTotal = static_cast<unsigned>(ConfigValue::integer(object->get("max_total"), "client.max_total", ValueRange::COUNT));
    if (object->has("idle_timeout_ms")) client.idleTimeout = ConfigValue::millis(*object, path, "idle_timeout_ms");
    if (object->has("breaker")) {
        Object::Ptr breaker = ConfigValue::object(object->get("breaker"), "client.breaker",
                                                  "an object with \"failures\" and \"open_ms\"");
        ConfigKey::checkKnown(*breaker, "client.breaker", BREAKER_KEYS);
        if (breaker->has("failures"))
            client.breakerFailures = static_cast<unsigned>(
                ConfigValue::integer(breaker->get("failures"), "client.breaker.failures", ValueRange::COUNT));
        if (breaker->has("open_ms")) client.breakerOpen = ConfigValue::millis(*breaker, "client.breaker", "open_ms");
    }
    if (object->has("max_response_bytes"))
        client.maxResponseBytes = static_cast<std::size_t>(
            ConfigValue::integer(object->get("max_response_bytes"), "client.max_response_bytes", ValueRange::BYTES));
    if (object->has("verify_peer")) client.verifyPeer = ConfigValue::boolean(object->get("verify_peer"), "client.verify_peer");
    if (object->has("ca_file")) client.caFile = ConfigValue::filePath(*object, path, "ca_file");
    if (client.backoffMax < client.backoffInitial)
        throw ConfigError("client.backoff_max_ms", "smaller than client.backoff_initial_ms; expected a cap >= the first delay");
    if (client.maxTotal < client.maxPerOrigin)
        throw ConfigError("client.max_total", "smaller than client.max_per_origin; expected a total bound >= the per-origin bound");
}

void HostServicesConfigParser::parseProxy(const Var& value, ProxyConfig& proxy)
{
    const std::string path = "proxy";
    Object::Ptr object = ConfigValue::object(value, path, "an object with \"threads\" and \"queue_size\"");
    ConfigKey::checkKnown(*object, path, PROXY_KEYS);
    if (object->has("threads"))
        proxy.threads = static_cast<unsigned>(ConfigValue::integer(object->get("threads"), "proxy.threads", ValueRange::THREADS));
    if (object->has("queue_size"))
        proxy.queueSize = static_cast<unsigned>(ConfigValue::integer(object->get("queue_size"), "proxy.queue_size", ValueRange::QUEUE));
}

void HostServicesConfigParser::parseSecrets(const Var& value, SecretsConfig& secrets)
{
    const std::string path = "secrets";
    Object::Ptr object = ConfigValue::object(value, path, "an object");
    ConfigKey::checkKnown(*object, path, SECRETS_KEYS);
    if (object->has("provider")) {
        secrets.provider = ConfigValue::string(object->get("provider"), "secrets.provider",
                                               "\"auto\", \"vault\", \"files\" or \"env\"");
        if (secrets.provider != "auto" && secrets.provider != "vault" && secrets.provider != "files" && secrets.provider != "env")
            throw ConfigError("secrets.provider", "invalid provider " + quoted(secrets.provider)
                + "; expected \"auto\", \"vault\", \"files\" or \"env\"");
    }
    if (object->has("ttl_ms")) secrets.ttl = ConfigValue::millis(*object, path, "ttl_ms");
    if (object->has("refresh_ahead_ms"))
        secrets.refreshAhead = ConfigValue::millis(*object, path, "refresh_ahead_ms", ValueRange::MILLIS_OR_ZERO);
    if (object->has("max_stale_ms"))
        secrets.maxStale = ConfigValue::millis(*object, path, "max_stale_ms", ValueRange::MILLIS_OR_ZERO);
    if (object->has("negative_ttl_ms"))
        secrets.negativeTtl = ConfigValue::millis(*object, path, "negative_ttl_ms", ValueRange::MILLIS_OR_ZERO);
    if (object->has("core_dumps"))
        secrets.coreDumps = ConfigValue::boolean(object->get("core_dumps"), path + ".core_dumps");
    if (object->has("vault"))
        parseVault(object->get("vault"), secrets.vault);
    if (object->has("files")) {
        Object::Ptr files = ConfigValue::object(object->get("files"), "secrets.files", "an object with \"dir\"");
        ConfigKey::checkKnown(*files, "secrets.files", FILES_KEYS);
        if (files->has("dir"))
            secrets.filesDir = ConfigValue::string(files->get("dir"), "secrets.files.dir", "a directory path (string)");
    }
    if (object->has("env")) {
        Object::Ptr env = ConfigValue::object(object->get("env"), "secrets.env", "an object with \"prefix\"");
        ConfigKey::checkKnown(*env, "secrets.env", ENV_KEYS);
        if (env->has("prefix"))
            secrets.envPrefix = ConfigValue::nonEmpty(ConfigValue::string(env->get("prefix"), "secrets.env.prefix", "a prefix (string)"),
                                                      "secrets.env.prefix", "a variable name prefix such as \"SECRET_\"");
    }
}

void HostServicesConfigParser::parseLog(const Var& value, Config& config)
{
    const std::string path = "log";
    Object::Ptr log = ConfigValue::object(value, path, "an object with \"level\"");
    ConfigKey::checkKnown(*log, path, LOG_KEYS);
    LogConfig& out = config.log;
    if (log->has("level"))
        config.logLevel = ConfigValue::logLevel(ConfigValue::string(log->get("level"), "log.level", "a log level name (string)"),
                                                "log.level");
    if (log->has("plugins")) {
        Object::Ptr levels = ConfigValue::object(log->get("plugins"), "log.plugins", "an object of plugin name -> log level");
        for (const std::string& name : levels->getNames()) {
            std::string key = ConfigKey::member("log.plugins", name);
            if (!ConfigValue::isPluginName(name))
                throw ConfigError(key, "invalid plugin name " + quoted(name) + "; " + ConfigValue::PLUGIN_NAME_EXPECTED);
            out.pluginLevels[name] = ConfigValue::logLevel(ConfigValue::string(levels->get(name), key, "a log level name (string)"), key);
        }
    }
    if (log->has("format")) {
        out.format = ConfigValue::string(log->get("format"), "log.format", "\"auto\", \"text\" or \"json\"");
        if (out.format != "auto" && out.format != "text" && out.format != "json")
            throw ConfigError("log.format", "invalid format " + quoted(out.format) + "; expected \"auto\", \"text\" or \"json\"");
    }
    if (log->has("console")) out.console = ConfigValue::boolean(log->get("console"), "log.console");
    if (log->has("file")) {
        Object::Ptr file = ConfigValue::object(log->get("file"), "log.file", "an object with \"path\"");
        ConfigKey::checkKnown(*file, "log.file", LOG_FILE_KEYS);
        if (file->has("path")) out.filePath = ConfigValue::filePath(*file, "log.file", "path");
        if (file->has("max_bytes"))
            out.fileMaxBytes = static_cast<std::size_t>(
                ConfigValue::integer(file->get("max_bytes"), "log.file.max_bytes", ValueRange::BYTES));
        if (file->has("keep"))
            out.fileKeep = static_cast<unsigned>(ConfigValue::integer(file->get("keep"), "log.file.keep", ValueRange::COUNT));
    }
    if (log->has("access")) {
        Object::Ptr access = ConfigValue::object(log->get("access"), "log.access", "an object with \"path\"");
        ConfigKey::checkKnown(*access, "log.access", LOG_FILE_KEYS);
        if (access->has("path")) out.accessPath = ConfigValue::filePath(*access, "log.access", "path");
        if (access->has("max_bytes"))
            out.accessMaxBytes = static_cast<std::size_t>(
                ConfigValue::integer(access->get("max_bytes"), "log.access.max_bytes", ValueRange::BYTES));
        if (access->has("keep"))
            out.accessKeep = static_cast<unsigned>(ConfigValue::integer(access->get("keep"), "log.access.keep", ValueRange::COUNT));
    }
    if (log->has("logthon")) {
        Object::Ptr logthon = ConfigValue::object(log->get("logthon"), "log.logthon", "an object");
        ConfigKey::checkKnown(*logthon, "log.logthon", LOGTHON_KEYS);
        if (logthon->has("enabled")) out.logthon = ConfigValue::boolean(logthon->get("enabled"), "log.logthon.enabled");
        if (logthon->has("path")) {
            out.logthonPath = ConfigValue::string(logthon->get("path"), "log.logthon.path", "a path (string)");
            if (out.logthonPath.empty() || out.logthonPath[0] != '/')
                throw ConfigError("log.logthon.path", "invalid path " + quoted(out.logthonPath)
                    + "; expected a path starting with '/'");
        }
        if (logthon->has("queue_capacity"))
            out.queueCapacity = static_cast<std::size_t>(
                ConfigValue::integer(logthon->get("queue_capacity"), "log.logthon.queue_capacity", ValueRange::COUNT));
        if (logthon->has("batch_size"))
            out.batchSize = static_cast<std::size_t>(
                ConfigValue::integer(logthon->get("batch_size"), "log.logthon.batch_size", ValueRange::COUNT));
        if (logthon->has("batch")) out.logthonBatch = ConfigValue::boolean(logthon->get("batch"), "log.logthon.batch");
        if (logthon->has("flush_interval_ms")) out.flushInterval = ConfigValue::millis(*logthon, "log.logthon", "flush_interval_ms");
    }
    if (log->has("service_name"))
        out.serviceName = ConfigValue::string(log->get("service_name"), "log.service_name", "a name (string)");
    if (log->has("container_name"))
        out.containerName = ConfigValue::string(log->get("container_name"), "log.container_name", "a name (string)");
}

void HostServicesConfigParser::parseVault(const Var& value, VaultConfig& vault)
{
    const std::string path = "secrets.vault";
    Object::Ptr object = ConfigValue::object(value, path, "an object");
    ConfigKey::checkKnown(*object, path, VAULT_KEYS);
    if (object->has("address"))
        vault.address = serviceUrl(ConfigValue::string(object->get("address"), "secrets.vault.address", "a URL (string)"),
                                   "secrets.vault.address");
    if (object->has("token")) vault.token = ConfigValue::string(object->get("token"), "secrets.vault.token", "a token (string)");
    if (object->has("token_file")) vault.tokenFile = ConfigValue::filePath(*object, path, "token_file");
    if (object->has("mount"))
        vault.mount = ConfigValue::nonEmpty(
            ConfigValue::string(object->get("mount"), "secrets.vault.mount", "a KV v2 mount name (string)"),
            "secrets.vault.mount", "a KV v2 mount name such as \"secret\"");
    if (object->has("kubernetes")) {
        const std::string k8sPath = "secrets.vault.kubernetes";
        Object::Ptr k8s = ConfigValue::object(object->get("kubernetes"), k8sPath, "an object with \"role\"");
        ConfigKey::checkKnown(*k8s, k8sPath, KUBERNETES_KEYS);
        if (k8s->has("role"))
            vault.kubernetesRole = ConfigValue::string(k8s->get("role"), "secrets.vault.kubernetes.role", "a role name (string)");
        if (k8s->has("auth_path"))
            vault.kubernetesAuthPath = ConfigValue::nonEmpty(
                ConfigValue::string(k8s->get("auth_path"), "secrets.vault.kubernetes.auth_path", "an auth mount (string)"),
                "secrets.vault.kubernetes.auth_path", "an auth mount");
        if (k8s->has("jwt_file")) vault.kubernetesJwtFile = ConfigValue::filePath(*k8s, k8sPath, "jwt_file");
    }
}

} // namespace terrarium
