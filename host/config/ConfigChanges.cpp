#include "config/ConfigChanges.h"

#include <tuple>

namespace terrarium {

namespace {

auto fields(const TlsServerConfig& t) { return std::tie(t.enabled, t.certFile, t.keyFile, t.caFile, t.clientCerts); }

auto fields(const RouteConfig& r)
{
    return std::tie(r.prefix, r.host, r.plugin, r.stripPrefix, r.kind, r.upstream, r.upstreamTimeout, r.maxSpooledBodyBytes, r.answer.status, r.answer.contentType,
                    r.answer.body);
}

auto fields(const CorsConfig& c) { return std::tie(c.enabled, c.allowOrigin, c.allowMethods, c.allowHeaders, c.exposeHeaders, c.maxAge); }

bool sameRoutes(const std::vector<RouteConfig>& a, const std::vector<RouteConfig>& b)
{
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (fields(a[i]) != fields(b[i])) return false;
    return true;
}

auto fields(const LimitsConfig& l)
{
    return std::tie(l.maxHeaderBytes, l.maxBodyBytes, l.headerTimeout, l.requestTimeout, l.keepAliveTimeout, l.maxBufferedBodyBytes,
                    l.webSocketCloseTimeout, l.spoolThresholdBytes, l.maxSpooledBodyBytes);
}

auto fields(const ClientConfig& c)
{
    return std::tie(c.connectTimeout, c.timeout, c.maxAttempts, c.backoffInitial, c.backoffMax, c.maxPerOrigin, c.maxTotal,
                    c.idleTimeout, c.breakerFailures, c.breakerOpen, c.maxResponseBytes, c.verifyPeer, c.caFile);
}

auto fields(const VaultConfig& v)
{
    return std::tie(v.address, v.token, v.tokenFile, v.mount, v.kubernetesRole, v.kubernetesAuthPath, v.kubernetesJwtFile);
}

bool sameSecrets(const SecretsConfig& a, const SecretsConfig& b)
{
    return std::tie(a.provider, a.ttl, a.refreshAhead, a.maxStale, a.negativeTtl, a.filesDir, a.envPrefix)
               == std::tie(b.provider, b.ttl, b.refreshAhead, b.maxStale, b.negativeTtl, b.filesDir, b.envPrefix)
           && fields(a.vault) == fields(b.vault);
}

/// The log settings other than the levels (which are applied while serving).
auto sinkFields(const LogConfig& l)
{
    return std::tie(l.format, l.console, l.filePath, l.fileMaxBytes, l.fileKeep, l.accessPath, l.accessMaxBytes, l.accessKeep, l.logthon,
                    l.logthonPath, l.logthonBatch, l.queueCapacity, l.batchSize, l.flushInterval, l.serviceName, l.containerName);
}

} // namespace

std::vector<std::string> ConfigChanges::needingRestart(const Config& running, const Config& fresh)
{
    std::vector<std::string> changed;
    auto note = [&](bool same, const std::string& what) {
        if (!same) changed.push_back(what);
    };
    note(fresh.listeners.size() == running.listeners.size(), "listeners");
    for (std::size_t i = 0; i < fresh.listeners.size() && i < running.listeners.size(); ++i)
    {
        const ListenerConfig& a = fresh.listeners[i];
        const ListenerConfig& b = running.listeners[i];
        note(a.name == b.name && a.address == b.address && a.reusePort == b.reusePort && fields(a.tls) == fields(b.tls) && sameRoutes(a.routes, b.routes)
                 && a.probes == b.probes && a.pluginDefaultRoutes == b.pluginDefaultRoutes && fields(a.cors) == fields(b.cors),
             "listener '" + b.name + "'");
    }
    note(fresh.pluginSignatures == running.pluginSignatures && fresh.trustedKeysDir == running.trustedKeysDir, "plugins.signatures");
    note(fresh.adminAddress == running.adminAddress && fresh.adminReusePort == running.adminReusePort, "admin.listen");
    note(fresh.adminAllowedHosts == running.adminAllowedHosts, "admin.allowed_hosts");
    note(fields(fresh.adminTls) == fields(running.adminTls), "admin.tls");
    note(fresh.adminTokenFile == running.adminTokenFile, "admin.token_file");
    note(fresh.adminMaxBodyBytes == running.adminMaxBodyBytes, "admin.max_body_bytes");
    note(fresh.adminAuthFailuresMax == running.adminAuthFailuresMax && fresh.adminAuthFailuresWindow == running.adminAuthFailuresWindow,
         "admin.auth_failures");
    note(fresh.adminReadOnlyTokenFile == running.adminReadOnlyTokenFile, "admin.read_only_token_file");
    note(fresh.adminSocketMode == running.adminSocketMode, "admin.socket_mode");
    note(fresh.threads == running.threads, "threads");
    note(fresh.queueSize == running.queueSize, "queue_size");
    note(fresh.ioThreads == running.ioThreads, "io_threads");
    note(fresh.maxConnections == running.maxConnections, "max_connections");
    note(fresh.stateDir == running.stateDir, "state_dir");
    note(fresh.secrets.coreDumps == running.secrets.coreDumps, "secrets.core_dumps");
    note(fresh.spoolDirectory() == running.spoolDirectory(), "spool_dir");
    note(fresh.pluginsDir == running.pluginsDir, "plugins_dir");
    note(fresh.pluginsLinkDirs == running.pluginsLinkDirs, "plugins_link_dirs");
    note(fields(fresh.limits) == fields(running.limits), "limits");
    note(fresh.shutdownTimeout == running.shutdownTimeout, "shutdown_timeout_ms");
    note(fresh.drainTimeout == running.drainTimeout, "drain_timeout_ms");
    note(fresh.restoreHold == running.restoreHold && fresh.restoreHoldMaxRequests == running.restoreHoldMaxRequests, "restore_hold");
    note(fresh.watchPlugins == running.watchPlugins && fresh.watchInterval == running.watchInterval, "watch");
    note(sinkFields(fresh.log) == sinkFields(running.log), "log (sinks; levels are applied)");
    note(fresh.metricsOnMain == running.metricsOnMain, "metrics");
    note(fields(fresh.client) == fields(running.client), "client");
    note(fresh.proxy.threads == running.proxy.threads && fresh.proxy.queueSize == running.proxy.queueSize, "proxy");
    note(sameSecrets(fresh.secrets, running.secrets), "secrets");
    return changed;
}

} // namespace terrarium
