// terrariumd: composes the host components into the daemon.
#include "admin/AdminHandler.h"
#include "admin/PluginTransferHandler.h"
#include "admin/AdminToken.h"
#include "admin/PrettyJsonHandler.h"
#include "client/ClientMetrics.h"
#include "client/HttpClient.h"
#include "client/ServiceDirectory.h"
#include "config/ConfigChanges.h"
#include "config/ConfigLoader.h"
#include "router/GatewayHandler.h"
#include "http/ConnectionMetrics.h"
#include "http/SpoolStats.h"
#include "http/HttpListener.h"
#include "router/InProcessDispatcher.h"
#include "router/ProbeHandler.h"
#include "router/UpstreamProxy.h"
#include "move/PluginMover.h"
#include "http/JsonText.h"
#include "router/RoutingSnapshot.h"
#include "http/ServerState.h"
#include "http/SpoolDirectory.h"
#include "lifecycle/PluginLifecycle.h"
#include "logging/AccessLog.h"
#include "logging/LogLevels.h"
#include "logging/LogMetrics.h"
#include "logging/LogPipeline.h"
#include "logging/LogPipelineFactory.h"
#include "logging/PocoLogChannel.h"
#include "metrics/ConfigReloadMetrics.h"
#include "plugin/AbiNegotiation.h"
#include "plugin/HostApi.h"
#include "secrets/ClientHttpExchange.h"
#include "secrets/SecretCache.h"
#include "secrets/SecretMetrics.h"
#include "secrets/SecretProviderFactory.h"
#include "watch/PluginDirectoryWatcher.h"

#include <Poco/AutoPtr.h>
#include <Poco/File.h>
#include <Poco/Logger.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Path.h>
#include <Poco/Thread.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionException.h>
#include <Poco/Util/OptionProcessor.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

namespace terrarium {

/// The terrariumd application: options, configuration, listeners, plugins, graceful shutdown.
class TerrariumServer : public Poco::Util::ServerApplication
{
public:
    /// What makes argv unusable (an unknown or repeated option, a missing or unexpected option
    /// argument), or "" when the options are fine. Nothing is handled or started.
    std::string commandLineProblem(int argc, char** argv)
    {
        Poco::Util::OptionSet known;
        defineOptions(known);
        Poco::Util::OptionProcessor processor(known);
        processor.setUnixStyle(true);
        try
        {
            for (int i = 1; i < argc; ++i)
            {
                std::string name;
                std::string value;
                if (processor.process(argv[i], name, value) && name == "help") return std::string();
            }
            processor.checkRequired();
        }
        catch (const Poco::Util::OptionException& e)
        {
            return e.displayText();
        }
        return std::string();
    }

protected:
    void defineOptions(Poco::Util::OptionSet& options) override
    {
        ServerApplication::defineOptions(options);
        auto flag = [&](const char* name, const char* argument, const char* description) {
            options.addOption(Poco::Util::Option(name, "", description).required(false).repeatable(false).argument(argument));
        };
        options.addOption(Poco::Util::Option("help", "h", "print this help and exit").required(false).repeatable(false));
        options.addOption(Poco::Util::Option("version", "", "print the version and plugin ABI and exit").required(false).repeatable(false));
        options.addOption(Poco::Util::Option("check-config", "", "validate the configuration as start-up does and exit (0: valid, 78: not)")
                              .required(false)
                              .repeatable(false));
        flag("config", "FILE", "JSON configuration file (default: none, or $TERRARIUM_CONFIG)");
        flag("listen", "ADDR:PORT", "main listener (default 0.0.0.0:8080; port 0 picks a free port)");
        flag("admin-listen", "ADDR:PORT", "admin API listener (default 127.0.0.1:8081), or unix:/PATH for a Unix socket (mode 0660, no token)");
        flag("plugins-dir", "DIR", "drop-in directory of plugin .so files (default /var/lib/terrarium/plugins)");
        flag("state-dir", "DIR", "state: cached plugin copies, generated admin token, listeners.json (default /var/lib/terrarium)");
        flag("admin-token-file", "FILE", "file holding the admin bearer token (default: generated into the state dir)");
        flag("threads", "N", "requests in plugin handlers at once, per listener (default 16)");
    }

    void handleOption(const std::string& name, const std::string& value) override
    {
        ServerApplication::handleOption(name, value);
        if (name == "help")
        {
            _help = true;
            stopOptionsProcessing();
        }
        else if (name == "version")
            _version = true;
        else if (name == "check-config")
            _checkConfig = true;
        else if (name == "config")
            _configFile = value;
        else if (name == "listen" || name == "admin-listen" || name == "plugins-dir" || name == "state-dir" || name == "admin-token-file" || name == "threads")
            _flags[name] = value;
    }

    int main(const std::vector<std::string>& args) override
    {
        if (_help)
        {
            Poco::Util::HelpFormatter help(options());
            help.setCommand(commandName());
            help.setUsage("[OPTIONS]");
            help.setHeader("Terrarium host for hot-reloadable service plugins. Precedence: built-in defaults < config file "
                           "< TERRARIUM_* environment variables < flags. See the README for the configuration reference.");
            help.format(std::cout);
            return EXIT_OK;
        }
        if (_version)
        {
            std::cout << "terrariumd " TERRARIUM_VERSION " (plugin ABI " << AbiNegotiation::format(AbiNegotiation::hostMajor(), AbiNegotiation::hostMinor()) << ")\n";
            return EXIT_OK;
        }
        if (!args.empty())
        {
            std::cerr << "terrariumd: unexpected argument '" << args.front() << "' (see --help)\n";
            return EXIT_USAGE;
        }

        Config config;
        std::string file = _configFile;
        try
        {
            ConfigLoader::Overrides environment = ConfigLoader::processEnvironment();
            auto fromEnv = environment.find("TERRARIUM_CONFIG");
            if (file.empty() && fromEnv != environment.end()) file = fromEnv->second;
            config = ConfigLoader::load(file, environment, _flags);
        }
        catch (const ConfigError& e)
        {
            std::cerr << "terrariumd: configuration error: " << e.what() << "\n";
            return EXIT_CONFIG;
        }
        if (_checkConfig) return checkConfiguration(config, file);
        // The host services of ABI 1.1: HTTP client and service directory, log pipeline, secret cache.
        std::unique_ptr<HttpClient> client;
        std::unique_ptr<ServiceDirectory> directory;
        std::unique_ptr<LogPipeline> pipeline;
        try
        {
            client = std::make_unique<HttpClient>(config.client);
            directory = std::make_unique<ServiceDirectory>(*client, directoryEntries(config));
            ServiceDirectory* shipTo = directory.get();
            pipeline = LogPipelineFactory::create(config.log, logthonShipper(*directory, config.log.logthonPath), LogDiagnostics::Writer(),
                                                  [shipTo] { return shipTo->knows("logthon"); });
        }
        catch (const Poco::Exception& e)
        {
            std::cerr << "terrariumd: configuration error: " << e.message() << "\n";
            return EXIT_CONFIG;
        }
        pipeline->start();
        Poco::AutoPtr<PocoLogChannel> channel = PocoLogChannel::install(*pipeline);
        int rc = serve(config, *client, *directory, *pipeline);
        channel->detach();
        pipeline->stop();
        return rc;
    }

private:
    /// --check-config: what start-up checks before it binds, without creating, writing or binding
    /// anything: the configuration (already loaded), the HTTP client's CA file, the secrets
    /// provider's settings, a configured admin token file, the listeners' certificates and keys.
    static int checkConfiguration(const Config& config, const std::string& file)
    {
        try
        {
            HttpClient client(config.client);
            SecretProviderFactory::create(config.secrets, config.stateDir, ClientHttpExchange(client));
            if (!config.adminTokenFile.empty()) AdminToken(config.adminTokenFile, config.stateDir);
            if (!config.adminReadOnlyTokenFile.empty()) AdminToken(config.adminReadOnlyTokenFile, "");
            for (const auto& l : config.listeners)
                if (l.tls.enabled) HttpListener::tlsContext(l.name, l.tls);
            if (config.adminTls.enabled) HttpListener::tlsContext("admin", config.adminTls);
        }
        catch (const Poco::Exception& e)
        {
            std::cerr << "terrariumd: configuration error: " << e.message() << "\n";
            return EXIT_CONFIG;
        }
        catch (const std::exception& e)
        {
            std::cerr << "terrariumd: configuration error: admin token: " << e.what() << "\n";
            return EXIT_CONFIG;
        }
        std::cout << "terrariumd: configuration OK";
        if (!file.empty()) std::cout << " (" << file << ")";
        std::cout << "\n";
        for (const auto& l : config.listeners) std::cout << "  listener '" << l.name << "' on " << l.address << "\n";
        std::cout << "  admin API on " << config.adminAddress << "\n  plugins dir " << config.pluginsDir << ", state dir " << config.stateDir << "\n";
        return EXIT_OK;
    }

    /// Runs the host on config until a termination signal, with the host services given.
    int serve(Config& config, HttpClient& client, ServiceDirectory& directory, LogPipeline& pipeline)
    {
        Poco::Logger& log = Poco::Logger::get("terrariumd");
        raiseFileLimit();

        try
        {
            Poco::File(config.stateDir).createDirectories();
            Poco::File(config.pluginsDir).createDirectories();
            SpoolDirectory::prepare(config.spoolDirectory());
        }
        catch (const Poco::Exception& e)
        {
            log.fatal("cannot create state, plugins or spool directory: %s", e.displayText());
            return EXIT_CANTCREAT;
        }
        try
        {
            if (std::size_t stale = SpoolDirectory::removeStale(config.spoolDirectory()))
                log.information("removed %z request bodies left in the spool directory %s by an earlier run", stale, config.spoolDirectory());
        }
        catch (const Poco::Exception& e)
        {
            log.warning("cannot clean the spool directory %s: %s", config.spoolDirectory(), e.displayText());
        }

        std::unique_ptr<AdminToken> token;
        try
        {
            token = std::make_unique<AdminToken>(config.adminTokenFile, config.stateDir);
        }
        catch (const std::exception& e)
        {
            log.fatal("admin token: %s", std::string(e.what()));
            return EXIT_CONFIG;
        }
        if (token->generated())
            log.information("generated a new admin token in %s (mode 0600)", token->path());
        else
            log.information("admin token read from %s", token->path());
        std::unique_ptr<AdminToken> readOnlyToken;
        try
        {
            if (!config.adminReadOnlyTokenFile.empty()) readOnlyToken = std::make_unique<AdminToken>(config.adminReadOnlyTokenFile, "");
        }
        catch (const std::exception& e)
        {
            log.fatal("admin read-only token (admin.read_only_token_file): %s", std::string(e.what()));
            return EXIT_CONFIG;
        }
        if (readOnlyToken && readOnlyToken->sameAs(*token))
        {
            log.fatal("admin.read_only_token_file %s holds the full admin token; expected a different token", readOnlyToken->path());
            return EXIT_CONFIG;
        }
        if (readOnlyToken) log.information("admin read-only token (GET and HEAD only) read from %s", readOnlyToken->path());

        if (!config.secrets.coreDumps)
        {
            if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0)
                log.information("secrets.core_dumps is false: the process is not dumpable (no core dump, no ptrace by other users)");
            else
                log.warning("secrets.core_dumps is false but the process could not be made non-dumpable: %s", std::string(std::strerror(errno)));
        }
        std::unique_ptr<SecretCache> secrets;
        try
        {
            secrets = std::make_unique<SecretCache>(
                SecretProviderFactory::create(config.secrets, config.stateDir, ClientHttpExchange(client)),
                SecretCache::Settings::fromConfig(config.secrets));
        }
        catch (const Poco::Exception& e)
        {
            log.fatal("secrets: %s", e.message());
            return EXIT_CONFIG;
        }
        secrets->start();
        log.information("secrets from provider '%s'", secrets->provider().name());

        ServerState state;
        RoutingState routing;
        InProcessDispatcher dispatcher(routing, config.client.maxResponseBytes);
        directory.setLocalDispatcher(&dispatcher);
        HostApi::attach(HostServices{&directory, &client, secrets.get(), &pipeline, Poco::Path(config.stateDir).absolute().toString()});
        // Every way out of here (a listener that cannot start too) detaches what dies with this
        // frame: the log pipeline's thread asks the directory for logthon until main() ends.
        struct Detach
        {
            ServiceDirectory& directory;
            ~Detach()
            {
                directory.setLocalDispatcher(nullptr);
                HostApi::attach(HostServices());
            }
        } detach{directory};
        PluginLifecycle lifecycle(config, routing);
        RequestMetrics requestMetrics;
        MetricsRegistry metrics;
        metrics.add("host", [&](PrometheusWriter& w) {
            w.family("terrarium_build_info", "gauge", "Version of terrariumd and of its plugin ABI.");
            w.sample("terrarium_build_info", {{"version", TERRARIUM_VERSION},
                                              {"abi", AbiNegotiation::format(AbiNegotiation::hostMajor(), AbiNegotiation::hostMinor())}},
                     std::uint64_t(1));
            w.family("terrarium_ready", "gauge", "1 when the host is serving (plugins' health aside).");
            w.sample("terrarium_ready", {}, std::uint64_t(state.ready() ? 1 : 0));
            w.family("terrarium_host_requests_in_flight", "gauge", "Requests being served by all listeners.");
            w.sample("terrarium_host_requests_in_flight", {}, static_cast<std::uint64_t>(state.inflight()));
        });
        metrics.add("requests", [&](PrometheusWriter& w) { requestMetrics.collect(w); });
        metrics.add("plugins", [&](PrometheusWriter& w) { lifecycle.collectMetrics(w); });
        metrics.add("client", [&](PrometheusWriter& w) { ClientMetrics::collect(client.stats(), w); });
        metrics.add("secrets", [&](PrometheusWriter& w) { SecretMetrics::collect(secrets->stats(), w); });
        metrics.add("log", [&](PrometheusWriter& w) { LogMetrics::collect(pipeline.stats(), w); });
        metrics.add("config", [&](PrometheusWriter& w) { _configReloads.collect(w); });
        for (const auto& l : config.listeners) requestMetrics.declareListener(l.name);
        if (!config.log.accessPath.empty())
        {
            _accessLog = std::make_unique<AccessLog>(config.log.accessPath, config.log.accessMaxBytes, config.log.accessKeep, config.log.queueCapacity);
            _accessLog->start();
            metrics.add("access_log", [&](PrometheusWriter& w) { _accessLog->collect(w); });
            log.information("access log: %s", config.log.accessPath);
        }
        std::unique_ptr<UpstreamProxy> proxy;
        // Always there: upstream routes, and the routes of plugins moved to a peer, are forwarded through it.
        proxy = std::make_unique<UpstreamProxy>(directory, config.proxy);
        if (proxy) metrics.add("proxy", [&](PrometheusWriter& w) { proxy->collect(w); });
        metrics.add("spool", [](PrometheusWriter& w) { SpoolStats::process().collect(w); });
        std::vector<std::unique_ptr<GatewayHandler>> gateways;
        for (const auto& l : config.listeners)
            gateways.push_back(std::make_unique<GatewayHandler>(routing, state, l, requestMetrics, proxy.get(),
                                                                l.name == config.mainListener().name && config.metricsOnMain ? &metrics : nullptr));
        AdminHandler admin(lifecycle, *token, state, metrics, &pipeline, &directory);
        admin.setReadOnlyToken(readOnlyToken.get());
        admin.showConfig(config);
        PluginMover mover(lifecycle, config, client, directory);
        PluginTransferHandler transfer(lifecycle, config, &mover);
        admin.setTransfer(&transfer);
        admin.limitAuthFailures(config.adminAuthFailuresMax, config.adminAuthFailuresWindow);
        metrics.add("admin", [&](PrometheusWriter& w) { admin.collect(w); });
        ProbeHandler adminProbes(routing, state, admin);
        PrettyJsonHandler adminFront(adminProbes);

        std::vector<std::unique_ptr<HttpListener>> listeners;
        try
        {
            for (std::size_t i = 0; i < config.listeners.size(); ++i)
            {
                const ListenerConfig& l = config.listeners[i];
                ConnectionEngine::Settings settings = engineSettings(config, l.name, *gateways[i], state);
                settings.responseHeaders = CorsPolicy(l.cors).responseHeaders();
                settings.spoolDirectory = config.spoolDirectory();
                listeners.push_back(std::make_unique<HttpListener>(l.address, settings, l.tls, l.reusePort));
            }
            ConnectionEngine::Settings adminSettings = engineSettings(config, "admin", adminFront, state);
            adminSettings.handlerThreads = 4;
            adminSettings.ioThreads = 1;
            adminSettings.queueSize = 64;
            adminSettings.maxConnections = 256;
            adminSettings.limits.maxBodyBytes = config.adminMaxBodyBytes;
            adminSettings.spoolDirectory = config.spoolDirectory();
            listeners.push_back(std::make_unique<HttpListener>(config.adminAddress, adminSettings, config.adminTls, config.adminReusePort,
                                                               config.adminSocketMode));
        }
        catch (const Poco::Net::SSLContextException& e)
        {
            log.fatal("configuration error: %s", e.message());
            return EXIT_CONFIG;
        }
        catch (const Poco::Exception& e)
        {
            log.fatal("%s", e.message());
            std::cerr << "terrariumd: " << e.message() << "\n";
            return EXIT_OSERR;
        }
        admin.allowHosts(listeners.back()->boundAddress(), config.adminAllowedHosts);
        for (auto& l : listeners)
        {
            l->start();
            log.information("listener '%s' on %s://%s", l->name(), std::string(l->secure() ? "https" : "http"), l->boundAddress());
        }
        metrics.add("connections", [&](PrometheusWriter& w) {
            for (const auto& l : listeners) ConnectionMetrics::collect(l->name(), l->stats(), w);
        });
        std::string listenersFile = Poco::Path(config.stateDir, "listeners.json").toString();
        writeListeners(listenersFile, listeners);

        PluginDirectoryWatcher watcher(lifecycle, config.pluginsDir, config.watchInterval);
        watcher.loadAll();
        if (config.watchPlugins) watcher.start();
        state.setPhase(ServerState::Phase::Serving);
        log.information("terrariumd %s ready (plugin ABI %s, plugins dir %s)", std::string(TERRARIUM_VERSION),
                        AbiNegotiation::format(AbiNegotiation::hostMajor(), AbiNegotiation::hostMinor()), config.pluginsDir);

        while (waitForSignal() == SIGHUP)
        {
            reloadConfiguration(config, lifecycle, watcher, directory, pipeline, mover);
            admin.showConfig(config);
        }

        log.information("shutting down: draining %Lu in-flight requests (deadline %d ms)", static_cast<Poco::UInt64>(state.inflight()),
                        static_cast<int>(config.shutdownTimeout.totalMilliseconds()));
        state.setPhase(ServerState::Phase::Draining);
        watcher.stop();
        for (auto& l : listeners) l->stop();
        state.stop();
        Poco::Timestamp started;
        while (state.inflight() > 0 && !started.isElapsed(config.shutdownTimeout.totalMicroseconds())) Poco::Thread::sleep(5);
        if (state.inflight() > 0)
        {
            log.error("%Lu requests still running after the shutdown deadline; exiting without waiting for them",
                      static_cast<Poco::UInt64>(state.inflight()));
            ::unlink(listenersFile.c_str());
            for (auto& l : listeners) l->removeSocketFile();
            if (_accessLog) _accessLog->stop(Poco::Timespan(1, 0));
            pipeline.stop(Poco::Timespan(1, 0));   // the records above are still queued
            std::cout.flush();
            ::_exit(EXIT_OK);
        }
        for (auto& l : listeners) l->join();
        if (proxy) proxy->stop();   // after the listeners: requests waiting for an upstream resume until then
        metrics.remove("connections");
        metrics.remove("proxy");
        if (_accessLog) _accessLog->stop();
        lifecycle.unloadAll(config.drainTimeout);
        directory.setLocalDispatcher(nullptr);
        HostApi::attach(HostServices());
        secrets->stop();
        ::unlink(listenersFile.c_str());
        log.information("stopped");
        return EXIT_OK;
    }

    /// Waits for SIGTERM, SIGINT, SIGQUIT (stop) or SIGHUP (reload); main() blocked them in every thread.
    static int waitForSignal()
    {
        sigset_t signals;
        sigemptyset(&signals);
        for (int s : {SIGTERM, SIGINT, SIGQUIT, SIGHUP}) sigaddset(&signals, s);
        int signal = 0;
        while (sigwait(&signals, &signal) != 0)
        {
        }
        return signal;
    }

    /// SIGHUP: reads the configuration again and applies what can change while serving (plugin
    /// settings and routes, by hot-reloading the plugins concerned; log levels; the service
    /// directory's base URLs), then rescans the plugins directory. Settings that need a restart
    /// are named in the log; a bad file changes nothing.
    void reloadConfiguration(Config& running, PluginLifecycle& lifecycle, PluginDirectoryWatcher& watcher, ServiceDirectory& directory,
                             LogPipeline& pipeline, PluginMover& mover)
    {
        Poco::Logger& log = Poco::Logger::get("terrariumd");
        log.information("SIGHUP: reading the configuration again");
        Config fresh;
        try
        {
            ConfigLoader::Overrides environment = ConfigLoader::processEnvironment();
            std::string file = _configFile;
            auto fromEnv = environment.find("TERRARIUM_CONFIG");
            if (file.empty() && fromEnv != environment.end()) file = fromEnv->second;
            fresh = ConfigLoader::load(file, environment, _flags);
        }
        catch (const ConfigError& e)
        {
            log.error("configuration not reloaded, the running one stays: %s", std::string(e.what()));
            _configReloads.failed();
            return;
        }
        std::vector<std::string> restart = ConfigChanges::needingRestart(running, fresh);
        for (const std::string& what : restart)
            log.warning("SIGHUP: %s changed in the configuration; it takes effect at the next restart", what);

        for (const std::string& name : lifecycle.applyPluginConfig(fresh.plugins))
        {
            log.information("SIGHUP: settings of plugin '%s' changed: reloading it", name);
            try
            {
                lifecycle.reload(name);
            }
            catch (const std::exception& e)
            {
                log.error("SIGHUP: plugin '%s' keeps its previous generation: %s", name, std::string(e.what()));
            }
        }
        applyLogLevels(fresh.log, pipeline);
        applyServices(running, fresh, directory);
        mover.setPeers(fresh.peers);
        running.log.level = fresh.log.level;
        running.log.pluginLevels = fresh.log.pluginLevels;
        running.provenance = fresh.provenance;
        watcher.rescan();
        _configReloads.succeeded();
        log.information("SIGHUP: configuration reloaded");
    }

    /// How a listener's connections are served: limits, handler threads, polling threads, queue and
    /// connection bounds of config; the access log when there is one.
    ConnectionEngine::Settings engineSettings(const Config& config, const std::string& name, HttpHandler& handler, ServerState& state)
    {
        ConnectionEngine::Settings settings;
        settings.accessLog = _accessLog.get();
        settings.listener = name;
        settings.limits = config.limits;
        settings.handler = &handler;
        settings.state = &state;
        settings.handlerThreads = config.threads;
        settings.ioThreads = config.ioThreads ? config.ioThreads : std::min(4u, std::max(1u, std::thread::hardware_concurrency()));
        settings.queueSize = config.queueSize;
        settings.maxConnections = config.maxConnections;
        return settings;
    }

    /// Raises the soft limit on open files to the hard limit: every connection is a descriptor.
    static void raiseFileLimit()
    {
        rlimit limit{};
        if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
        {
            limit.rlim_cur = limit.rlim_max;
            ::setrlimit(RLIMIT_NOFILE, &limit);
        }
    }

    /// The service directory's base URLs of config: its "services", and "vault" at the Vault address.
    static std::map<std::string, std::string> directoryEntries(const Config& config)
    {
        std::map<std::string, std::string> services = config.services;
        if (!config.secrets.vault.address.empty()) services.emplace("vault", config.secrets.vault.address);
        return services;
    }

    /// The configured default and per-plugin levels (levels set for other services through the
    /// admin API stay).
    static void applyLogLevels(const LogConfig& config, LogPipeline& pipeline)
    {
        pipeline.setDefaultLevel(LogLevels::parse(config.level));
        for (const auto& [service, level] : config.pluginLevels) pipeline.setLevel(service, LogLevels::parse(level));
    }

    /// Base URLs of the fresh configuration replace those of the running one; names it dropped are
    /// forgotten (entries set through the admin API for other names stay).
    static void applyServices(Config& running, const Config& fresh, ServiceDirectory& directory)
    {
        std::map<std::string, std::string> before = directoryEntries(running);
        std::map<std::string, std::string> after = directoryEntries(fresh);
        Poco::Logger& log = Poco::Logger::get("terrariumd");
        for (const auto& [name, url] : before)
        {
            if (after.count(name)) continue;
            directory.removeBaseUrl(name);
            log.information("SIGHUP: service '%s' left the directory", name);
        }
        for (const auto& [name, url] : after)
        {
            auto old = before.find(name);
            if (old != before.end() && old->second == url) continue;
            try
            {
                directory.setBaseUrl(name, url);
                log.information("SIGHUP: service '%s' now at %s", name, url);
            }
            catch (const Poco::Exception& e)
            {
                log.error("SIGHUP: service '%s' keeps its previous address: %s", name, e.message());
            }
        }
        running.services = fresh.services;
    }

    /// Ships one logthon body (services.md section 6: a round's JSON array of records, or one record)
    /// through the service directory: to a logthon plugin of this host in-process, else to the
    /// directory's base URL for "logthon". One try per call: the sink retries with its own backoff,
    /// keeping the records in order.
    static LogShipper logthonShipper(ServiceDirectory& directory, const std::string& path)
    {
        return [&directory, path](const std::string& body) {
            ClientRequest request;
            request.method = "POST";
            request.path = path;
            request.headers = {{"Content-Type", "application/json"}};
            request.body = body;
            request.timeout = Poco::Timespan(5, 0);
            request.maxAttempts = 1;
            ClientResult result = directory.call("logthon", request);
            if (!result.ok()) return ShipResult::retryable(result.message);
            return ShipResult::fromStatus(result.response.status, result.response.body);
        };
    }

    static void writeListeners(const std::string& path, const std::vector<std::unique_ptr<HttpListener>>& listeners)
    {
        std::string json = "{";
        for (std::size_t i = 0; i < listeners.size(); ++i)
        {
            if (i) json += ",";
            JsonText::appendString(json, listeners[i]->name());
            json += ":";
            JsonText::appendString(json, listeners[i]->boundAddress());
        }
        json += "}\n";
        std::string temp = path + ".tmp";
        {
            std::ofstream out(temp, std::ios::trunc);
            out << json;
        }
        ::rename(temp.c_str(), path.c_str());
    }

    bool _help = false;
    bool _version = false;
    bool _checkConfig = false;
    std::string _configFile;
    ConfigLoader::Overrides _flags;
    ConfigReloadMetrics _configReloads;
    std::unique_ptr<AccessLog> _accessLog;
};

} // namespace terrarium

int main(int argc, char** argv)
{
    // Block the termination signals before any thread starts, so that a signal arriving during
    // start-up waits for waitForTerminationRequest() and shuts down gracefully instead of killing
    // the process (every thread inherits this mask).
    sigset_t termination;
    sigemptyset(&termination);
    sigaddset(&termination, SIGTERM);
    sigaddset(&termination, SIGINT);
    sigaddset(&termination, SIGQUIT);
    sigaddset(&termination, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &termination, nullptr);

    // A peer that closes early must not kill the process with SIGPIPE; writes report EPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    Poco::Net::initializeSSL();
    int rc;
    {
        terrarium::TerrariumServer server;
        std::string problem = server.commandLineProblem(argc, argv);
        if (problem.empty())
            rc = server.run(argc, argv);
        else
        {
            std::cerr << "terrariumd: " << problem << " (see --help)\n";
            rc = Poco::Util::Application::EXIT_USAGE;
        }
    }
    Poco::Net::uninitializeSSL();
    return rc;
}
