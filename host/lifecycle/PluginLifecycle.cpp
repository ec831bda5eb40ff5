#include "lifecycle/PluginLifecycle.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/File.h>
#include <Poco/Logger.h>
#include <Poco/Path.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

namespace terrarium {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("lifecycle"); }

std::string isoTime(const Poco::Timestamp& t) { return Poco::DateTimeFormatter::format(t, Poco::DateTimeFormat::ISO8601_FRAC_FORMAT); }

std::string routeList(const std::vector<RouteConfig>& routes)
{
    std::string out;
    for (const auto& r : routes)
    {
        if (!out.empty()) out += ", ";
        if (!r.host.empty()) out += r.host;
        out += r.prefix;
    }
    return out.empty() ? "(none)" : out;
}

/// At most this many files keep their last error in list() (the oldest is forgotten first).
const std::size_t maxFileErrors = 64;

/// The canonical path of path (symbolic links resolved), or "" when it cannot be resolved.
std::string realPath(const std::string& path)
{
    char* resolved = ::realpath(path.c_str(), nullptr);
    if (!resolved) return std::string();
    std::string out(resolved);
    std::free(resolved);
    return out;
}

/// A history event of action on plugin, started at started; error is the refusal (null: it worked).
LifecycleHistory::Event historyEvent(const std::string& action, const std::string& plugin, const std::string& file, std::uint64_t generation,
                                     std::uint64_t previousGeneration, const Poco::Timestamp& started, const PluginError* error = nullptr)
{
    LifecycleHistory::Event event;
    event.action = action;
    event.plugin = plugin;
    event.file = file;
    event.generation = generation;
    event.previousGeneration = previousGeneration;
    event.duration = Poco::Timespan(started.elapsed());
    if (error)
    {
        event.result = error->code();
        event.message = error->what();
    }
    return event;
}

} // namespace

PluginLifecycle::PluginLifecycle(const Config& config, RoutingState& routing)
    : _config(config), _routing(routing), _cache(Poco::Path(config.stateDir, "cache").toString()),
      _signatures(config.pluginSignatures, config.trustedKeysDir), _pluginConfigs(config.plugins)
{
    std::lock_guard lock(_stateMutex);
    _routing.publish(buildSnapshot({}, nullptr));
}

PluginLifecycle::~PluginLifecycle()
{
    unloadAll(_config.drainTimeout);
}

std::string PluginLifecycle::resolveFile(const std::string& file) const
{
    auto control = std::find_if(file.begin(), file.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
    if (control != file.end())
        throw PluginError("invalid_file", 400, "the file name contains a NUL or control character (byte " +
                                                   std::to_string(static_cast<unsigned>(static_cast<unsigned char>(*control))) + " at offset " +
                                                   std::to_string(control - file.begin()) + "); expected a plain file name");
    if (file.empty() || file.find('/') != std::string::npos || file.find('\\') != std::string::npos || file == "." || file == ".." || file[0] == '.')
        throw PluginError("invalid_file", 400, "'" + file + "' is not a plain file name inside the plugins directory");
    Poco::Path path(_config.pluginsDir, file);
    Poco::File f(path);
    if (!f.exists()) throw PluginError("file_not_found", 404, "no file '" + file + "' in the plugins directory " + _config.pluginsDir);
    struct stat link;
    if (::lstat(path.toString().c_str(), &link) == 0 && S_ISLNK(link.st_mode))
    {
        std::string target = realPath(path.toString());
        auto inside = [&target](const std::string& dir) {
            std::string directory = realPath(dir);
            std::string prefix = directory == "/" ? directory : directory + "/";
            return !directory.empty() && target.compare(0, prefix.size(), prefix) == 0;
        };
        if (target.empty() || (!inside(_config.pluginsDir) && std::none_of(_config.pluginsLinkDirs.begin(), _config.pluginsLinkDirs.end(), inside)))
            throw PluginError("link_outside_plugins_dir", 400, "'" + file + "' is a symbolic link to " + target +
                                                               ", outside the plugins directory and plugins_link_dirs; copy the file "
                                                               "into the directory, or add its directory to plugins_link_dirs");
    }
    if (!f.isFile()) throw PluginError("invalid_file", 400, "'" + file + "' in the plugins directory is not a regular file");
    return path.toString();
}

std::shared_ptr<Generation> PluginLifecycle::open(const std::string& file, PluginSignatureStatus& signature)
{
    const std::string source = resolveFile(file);
    return openCopy(_cache.store(source), file, source + ".sig", signature);
}

std::shared_ptr<Generation> PluginLifecycle::openCopy(const PluginCache::Entry& entry, const std::string& file, const std::string& signatureFile,
                                                      PluginSignatureStatus& signature)
{
    try
    {
        signature = _signatures.checkFile(file, signatureFile, entry.path);
        auto generation = std::make_shared<Generation>(entry.path, file, entry.sha256);
        _signatures.checkDescriptor(file, signature, generation->name(), generation->descriptor().version);
        return generation;
    }
    catch (...)
    {
        std::lock_guard lock(_stateMutex);
        if (!libraryInUse(entry.path)) _cache.remove(entry.path);
        throw;
    }
}

std::vector<RouteConfig> PluginLifecycle::routesFor(const Generation& generation) const
{
    auto it = _pluginConfigs.find(generation.name());
    if (it != _pluginConfigs.end() && it->second.routes)
    {
        std::vector<RouteConfig> routes = *it->second.routes;
        for (auto& r : routes) r.plugin = generation.name();
        return routes;
    }
    return generation.descriptor().routes;
}

BodyPolicy PluginLifecycle::bodyPolicyFor(const Generation& generation) const
{
    auto it = _pluginConfigs.find(generation.name());
    const PluginConfig* configured = it == _pluginConfigs.end() ? nullptr : &it->second;
    if (configured && configured->spool && !generation.descriptor().spoolBodies)
        logger().warning("plugin '%s' does not declare TRM_PLUGIN_SPOOL_BODIES: its \"spool\" settings are ignored, its bodies stay in memory",
                         generation.name());
    auto [threshold, limit] = Config::spoolLimits(_config.limits, configured);
    BodyPolicy policy;
    policy.spoolAbove = threshold;
    policy.spoolLimit = limit;
    return policy;
}

std::shared_ptr<PluginSlot> PluginLifecycle::slotFor(const std::string& name)
{
    auto& slot = _slots[name];
    if (!slot) slot = std::make_shared<PluginSlot>(name);
    return slot;
}

std::shared_ptr<const RoutingSnapshot> PluginLifecycle::buildSnapshot(const std::string& name, const std::vector<RouteConfig>* routes) const
{
    auto snapshot = std::make_shared<RoutingSnapshot>();
    for (const auto& [slotName, slot] : _slots) snapshot->slots.emplace(slotName, slot);
    // The routes of a plugin moved away (or being moved) go to its new host, with the path unchanged.
    for (const auto& listener : _config.listeners)
    {
        auto forwarded = [this, &name, &listener](RouteTable::Entry entry) {
            auto forward = entry.kind == RouteConfig::Kind::Plugin && entry.plugin != name ? _forwards.find(entry.plugin) : _forwards.end();
            if (forward == _forwards.end()) return entry;
            auto own = forward->second.listenerUrls.find(listener.name);
            entry.kind = RouteConfig::Kind::Upstream;
            entry.upstream = own == forward->second.listenerUrls.end() ? forward->second.url : own->second;
            entry.stripPrefix = false;
            return entry;
        };
        RouteTable& table = snapshot->tables[listener.name];
        for (const auto& r : listener.routes) table.add(forwarded(RouteTable::configured(r)));
        if (!listener.pluginDefaultRoutes) continue;

        auto addRoutes = [&](const std::string& plugin, const std::vector<RouteConfig>& list) {
            for (const auto& r : list)
            {
                RouteTable::Entry entry;
                entry.host = r.host;
                entry.prefix = r.prefix;
                entry.plugin = plugin;
                entry.stripPrefix = r.stripPrefix;
                entry.maxSpooledBodyBytes = r.maxSpooledBodyBytes;
                const RouteTable::Entry* existing = table.add(forwarded(std::move(entry)));
                if (!existing || existing->plugin == plugin) continue;
                if (existing->fromConfig)
                {
                    logger().debug("route %s%s of plugin '%s' is overridden by the configuration (-> '%s')", r.host, r.prefix, plugin, existing->plugin);
                    continue;
                }
                throw PluginError("route_conflict", 409, "route " + r.host + r.prefix + " of plugin '" + plugin + "' conflicts with the same route of loaded plugin '" + existing->plugin + "'");
            }
        };
        for (const auto& [pluginName, loaded] : _plugins)
        {
            if (pluginName == name) continue;
            addRoutes(pluginName, loaded.routes);
        }
        for (const auto& [pluginName, forward] : _forwards)
        {
            if (pluginName != name && !_plugins.count(pluginName)) addRoutes(pluginName, forward.routes);
        }
        if (routes) addRoutes(name, *routes);
    }
    // Names that routes point to get a slot, so that their requests are answered 503, not 404.
    for (const auto& [listenerName, table] : snapshot->tables)
    {
        for (const auto& e : table.entries())
        {
            if (e.kind == RouteConfig::Kind::Plugin && !snapshot->slots.count(e.plugin))
                snapshot->slots.emplace(e.plugin, std::make_shared<PluginSlot>(e.plugin));
        }
    }
    return snapshot;
}

Poco::JSON::Object::Ptr PluginLifecycle::load(const std::string& file, Poco::JSON::Object::Ptr overrides)
{
    reap();
    std::lock_guard operation(_operationMutex);
    return loadLocked(file, overrides, nullptr, PluginSignatureStatus(), false);
}

Poco::JSON::Object::Ptr PluginLifecycle::loadLocked(const std::string& file, Poco::JSON::Object::Ptr overrides, std::shared_ptr<Generation> generation,
                                                    PluginSignatureStatus signature, bool holdForRestore)
{
    Poco::Timestamp started;
    try
    {
        if (!generation) generation = open(file, signature);
        const std::string name = generation->name();
        std::vector<RouteConfig> routes = routesFor(*generation);
        std::shared_ptr<PluginSlot> slot;
        std::shared_ptr<const RoutingSnapshot> snapshot;
        {
            std::lock_guard lock(_stateMutex);
            auto existing = _plugins.find(name);
            if (existing != _plugins.end())
            {
                if (existing->second.file == file)
                    throw PluginError("already_loaded", 409, "plugin '" + name + "' is already loaded from " + file + "; reload it instead");
                throw PluginError("duplicate_name", 409, "plugin name '" + name + "' declared by " + file + " is already used by the plugin loaded from " + existing->second.file);
            }
            slot = slotFor(name);
            snapshot = buildSnapshot(name, &routes);
        }
        Poco::JSON::Object::Ptr effective = effectiveSettings(configuredSettings(name), overrides);
        generation->create(slot->nextGeneration(), effective, slot->metrics());
        generation->setBodyPolicy(bodyPolicyFor(*generation));
        const Generation::Descriptor& d = generation->descriptor();
        if (holdForRestore && d.hasSnapshot && d.hasRestore && !d.serveDuringRestore) holdRequests(generation);
        {
            std::lock_guard lock(_stateMutex);
            Loaded loaded;
            loaded.slot = slot;
            loaded.generation = generation;
            loaded.file = file;
            loaded.settings = effective;
            loaded.overrides = overrides;
            loaded.routes = routes;
            loaded.signature = signature;
            _plugins[name] = loaded;
            _forwards.erase(name);
            slot->publish(generation);
            _routing.publish(buildSnapshot({}, nullptr));
            _fileErrors.erase(file);
        }
        logger().information("loaded plugin '%s' %s (ABI %d.%d) from %s, sha256 %s, generation %Lu, routes %s", name,
                             generation->descriptor().version, static_cast<int>(generation->descriptor().abiMajor),
                             static_cast<int>(generation->descriptor().abiMinor), file, generation->sha256(),
                             static_cast<Poco::UInt64>(generation->number()), routeList(routes));
        _history.record(historyEvent("load", name, file, generation->number(), 0, started));
        std::lock_guard lock(_stateMutex);
        return describeLocked(_plugins[name]);
    }
    catch (const PluginError& e)
    {
        _history.record(historyEvent("load", generation ? generation->name() : std::string(), file, 0, 0, started, &e));
        if (generation) discard(generation);
        logger().error("cannot load %s: %s (%s)", file, std::string(e.what()), e.code());
        _loadFailures.fetch_add(1, std::memory_order_relaxed);
        recordFileError(file, e.code(), e.what());
        throw;
    }
}

Poco::JSON::Object::Ptr PluginLifecycle::reload(const std::string& name, Poco::JSON::Object::Ptr overrides, bool onlyIfChanged,
                                                bool dropOverrides)
{
    reap();
    std::lock_guard operation(_operationMutex);
    return reloadLocked(name, overrides, onlyIfChanged, dropOverrides, nullptr, PluginSignatureStatus());
}

Poco::JSON::Object::Ptr PluginLifecycle::reloadLocked(const std::string& name, Poco::JSON::Object::Ptr overrides, bool onlyIfChanged,
                                                      bool dropOverrides, std::shared_ptr<Generation> generation, PluginSignatureStatus signature)
{
    Poco::Timestamp started;
    refuseMoving(name);
    Loaded current;
    {
        std::lock_guard lock(_stateMutex);
        auto it = _plugins.find(name);
        if (it == _plugins.end()) throw PluginError("not_found", 404, "no plugin named '" + name + "' is loaded");
        current = it->second;
    }
    if (onlyIfChanged && !overrides && !dropOverrides && PluginCache::sha256(resolveFile(current.file)) == current.generation->sha256())
    {
        std::lock_guard lock(_stateMutex);
        return describeLocked(current);
    }
    try
    {
        if (!generation) generation = open(current.file, signature);
        if (generation->name() != name)
            throw PluginError("name_changed", 409, current.file + " now declares plugin '" + generation->name() + "' instead of '" + name + "'; unload '" + name + "' and load the file instead");
        std::vector<RouteConfig> routes = routesFor(*generation);
        {
            std::lock_guard lock(_stateMutex);
            buildSnapshot(name, &routes);   // throws on a route conflict
        }
        Poco::JSON::Object::Ptr kept = dropOverrides ? nullptr : overrides ? overrides : current.overrides;
        Poco::JSON::Object::Ptr effective = effectiveSettings(configuredSettings(name), kept);
        generation->create(current.slot->nextGeneration(), effective, current.slot->metrics());
        generation->setBodyPolicy(bodyPolicyFor(*generation));
        if (generation->holdsRequestsAfter(*current.generation)) holdRequests(generation);
        {
            std::lock_guard lock(_stateMutex);
            Loaded& loaded = _plugins[name];
            loaded.generation = generation;
            loaded.settings = effective;
            loaded.overrides = kept;
            loaded.routes = routes;
            loaded.signature = signature;
            loaded.loadedAt.update();
            current.slot->publish(generation);
            _routing.publish(buildSnapshot({}, nullptr));
            _fileErrors.erase(current.file);
        }
        current.slot->reloads++;
    }
    catch (const PluginError& e)
    {
        _history.record(historyEvent("reload", name, current.file, current.generation->number(), current.generation->number(), started, &e));
        if (generation) discard(generation);
        logger().error("cannot reload plugin '%s' from %s: %s (%s); generation %Lu keeps serving", name, current.file, std::string(e.what()), e.code(),
                       static_cast<Poco::UInt64>(current.generation->number()));
        _reloadFailures.fetch_add(1, std::memory_order_relaxed);
        recordFileError(current.file, e.code(), e.what());
        throw;
    }
    logger().information("reloaded plugin '%s': generation %Lu (%s, sha256 %s) replaces generation %Lu", name,
                         static_cast<Poco::UInt64>(generation->number()), generation->descriptor().version, generation->sha256(),
                         static_cast<Poco::UInt64>(current.generation->number()));
    retire(current.generation, generation.get(), _config.drainTimeout);
    current.slot->heldRequests += current.generation->restoreGate().heldTotal();
    current.slot->heldPastBound += current.generation->restoreGate().pastBound();
    _history.record(historyEvent("reload", name, current.file, generation->number(), current.generation->number(), started));
    std::lock_guard lock(_stateMutex);
    return describeLocked(_plugins[name]);
}

bool PluginLifecycle::unload(const std::string& name)
{
    reap();
    std::lock_guard operation(_operationMutex);
    return unloadLocked(name);
}

bool PluginLifecycle::unloadLocked(const std::string& name)
{
    Poco::Timestamp started;
    refuseMoving(name);
    std::shared_ptr<Generation> old;
    std::string file;
    {
        std::lock_guard lock(_stateMutex);
        auto it = _plugins.find(name);
        if (it == _plugins.end()) throw PluginError("not_found", 404, "no plugin named '" + name + "' is loaded");
        old = it->second.generation;
        file = it->second.file;
        it->second.slot->publish(nullptr);
        it->second.slot->resetMetrics();
        _plugins.erase(it);
        _routing.publish(buildSnapshot({}, nullptr));
    }
    logger().information("unloading plugin '%s' generation %Lu", name, static_cast<Poco::UInt64>(old->number()));
    bool closed = retire(old, nullptr, _config.drainTimeout);
    _history.record(historyEvent("unload", name, file, 0, old->number(), started));
    return closed;
}

void PluginLifecycle::unloadAll(Poco::Timespan timeout)
{
    std::vector<std::string> names;
    {
        std::lock_guard lock(_stateMutex);
        for (const auto& [name, loaded] : _plugins) names.push_back(name);
    }
    for (const auto& name : names)
    {
        try
        {
            unload(name);
        }
        catch (const PluginError&)
        {
        }
    }
    Poco::Timestamp start;
    while (true)
    {
        reap();
        {
            std::lock_guard lock(_stateMutex);
            if (_retiring.empty()) break;
        }
        if (start.isElapsed(timeout.totalMicroseconds()))
        {
            logger().warning("generations still busy after %d ms; leaving them loaded", static_cast<int>(timeout.totalMilliseconds()));
            break;
        }
        std::unique_lock lock(_stateMutex);
        auto busy = _retiring.front();
        lock.unlock();
        busy->waitIdle(Poco::Timespan(0, 50 * 1000));
    }
}

bool PluginLifecycle::retire(std::shared_ptr<Generation> old, Generation* successor, Poco::Timespan timeout)
{
    old->retire();
    old->drain();
    if (!old->waitIdle(timeout))
    {
        logger().warning("plugin '%s' generation %Lu still serves %Lu requests after %d ms; it will be destroyed once idle", old->name(),
                         static_cast<Poco::UInt64>(old->number()), static_cast<Poco::UInt64>(old->inflight()),
                         static_cast<int>(timeout.totalMilliseconds()));
        if (successor) successor->restoreGate().open();
        std::lock_guard lock(_stateMutex);
        _retiring.push_back(std::move(old));
        return false;
    }
    if (successor)
    {
        try
        {
            if (successor->restoreFrom(*old))
                logger().information("plugin '%s': state handed from generation %Lu to %Lu", old->name(), static_cast<Poco::UInt64>(old->number()),
                                     static_cast<Poco::UInt64>(successor->number()));
        }
        catch (const PluginError& e)
        {
            logger().error("plugin '%s': state hand-over failed: %s; the new generation starts without it", old->name(), std::string(e.what()));
        }
        successor->restoreGate().open();
    }
    return finish(old);
}

void PluginLifecycle::holdRequests(const std::shared_ptr<Generation>& generation)
{
    if (_config.restoreHoldMaxRequests == 0) return;
    generation->restoreGate().close(_config.restoreHoldMaxRequests, _config.restoreHold);
    std::weak_ptr<Generation> held = generation;
    const Poco::Timespan bound = _config.restoreHold;
    _holdTimer.schedule(Poco::Util::Timer::func([held, bound] {
                            std::shared_ptr<Generation> generation = held.lock();
                            if (!generation || !generation->restoreGate().holding()) return;
                            std::size_t waiting = generation->restoreGate().expire();
                            logger().warning("plugin '%s' generation %Lu: its state has not arrived after restore_hold_ms (%d ms); %z held requests "
                                             "and every later one until then are served before restore() returned",
                                             generation->name(), static_cast<Poco::UInt64>(generation->number()),
                                             static_cast<int>(bound.totalMilliseconds()), waiting);
                        }),
                        Poco::Clock() + bound.totalMicroseconds());
}

bool PluginLifecycle::finish(const std::shared_ptr<Generation>& generation)
{
    std::string library = generation->libraryPath();
    bool gone = generation->destroyAndClose();
    std::lock_guard lock(_stateMutex);
    if (libraryInUse(library)) return false;
    if (!gone)
    {
        logger().error("library %s of plugin '%s' generation %Lu is still mapped after dlclose (a static object or thread keeps it alive)", library,
                       generation->name(), static_cast<Poco::UInt64>(generation->number()));
        if (std::find(_lingering.begin(), _lingering.end(), library) == _lingering.end()) _lingering.push_back(library);
        return false;
    }
    _lingering.erase(std::remove(_lingering.begin(), _lingering.end(), library), _lingering.end());
    _cache.remove(library);
    return true;
}

void PluginLifecycle::discard(const std::shared_ptr<Generation>& generation)
{
    std::string library = generation->libraryPath();
    generation->destroyAndClose();
    std::lock_guard lock(_stateMutex);
    if (!libraryInUse(library)) _cache.remove(library);
}

bool PluginLifecycle::libraryInUse(const std::string& path) const
{
    for (const auto& [name, loaded] : _plugins)
    {
        if (loaded.generation->libraryPath() == path) return true;
    }
    for (const auto& g : _retiring)
    {
        if (g->libraryPath() == path && g->created()) return true;
    }
    return false;
}

void PluginLifecycle::reap()
{
    std::vector<std::shared_ptr<Generation>> idle;
    {
        std::lock_guard lock(_stateMutex);
        for (auto it = _retiring.begin(); it != _retiring.end();)
        {
            if ((*it)->inflight() == 0)
            {
                idle.push_back(*it);
                it = _retiring.erase(it);
            }
            else
                ++it;
        }
    }
    for (auto& g : idle)
    {
        logger().information("plugin '%s' generation %Lu is idle at last; destroying it", g->name(), static_cast<Poco::UInt64>(g->number()));
        finish(g);
    }
}

std::optional<std::string> PluginLifecycle::pluginForFile(const std::string& file) const
{
    std::lock_guard lock(_stateMutex);
    for (const auto& [name, loaded] : _plugins)
    {
        if (loaded.file == file) return name;
    }
    return std::nullopt;
}

void PluginLifecycle::recordFileError(const std::string& file, const std::string& code, const std::string& message)
{
    std::lock_guard lock(_stateMutex);
    if (code.empty())
    {
        _fileErrors.erase(file);
        return;
    }
    _fileErrors[file] = FileError{code, message, Poco::Timestamp()};
    if (_fileErrors.size() <= maxFileErrors) return;
    auto oldest = std::min_element(_fileErrors.begin(), _fileErrors.end(), [&file](const auto& a, const auto& b) {
        return b.first == file || (a.first != file && a.second.at < b.second.at);
    });
    _fileErrors.erase(oldest);
}

Poco::JSON::Object::Ptr PluginLifecycle::describeLocked(const Loaded& loaded) const
{
    const Generation& g = *loaded.generation;
    const auto& d = g.descriptor();
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    out->set("name", d.name);
    out->set("version", d.version);
    if (!d.description.empty()) out->set("description", d.description);
    out->set("abi", std::to_string(d.abiMajor) + "." + std::to_string(d.abiMinor));
    out->set("generation", g.number());
    out->set("state", g.retired() ? "draining" : "serving");
    out->set("file", loaded.file);
    out->set("sha256", g.sha256());
    out->set("library", g.libraryPath());
    out->set("signature", loaded.signature.toJson());
    out->set("loaded_at", isoTime(loaded.loadedAt));
    out->set("config", loaded.settings);
    out->set("config_overrides", loaded.overrides ? Poco::Dynamic::Var(loaded.overrides) : Poco::Dynamic::Var());

    Poco::JSON::Array::Ptr routes = new Poco::JSON::Array;
    for (const auto& r : _config.mainListener().pluginDefaultRoutes ? loaded.routes : std::vector<RouteConfig>())
    {
        Poco::JSON::Object::Ptr route = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        route->set("listener", _config.mainListener().name);
        route->set("prefix", r.prefix);
        if (!r.host.empty()) route->set("host", r.host);
        route->set("strip_prefix", r.stripPrefix);
        if (r.maxSpooledBodyBytes) route->set("max_spooled_body_bytes", *r.maxSpooledBodyBytes);
        routes->add(route);
    }
    for (const auto& listener : _config.listeners)
    {
        for (const auto& r : listener.routes)
        {
            if (r.plugin != d.name) continue;
            Poco::JSON::Object::Ptr route = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            route->set("listener", listener.name);
            route->set("prefix", r.prefix);
            if (!r.host.empty()) route->set("host", r.host);
            route->set("strip_prefix", r.stripPrefix);
            if (r.maxSpooledBodyBytes) route->set("max_spooled_body_bytes", *r.maxSpooledBodyBytes);
            route->set("from_config", true);
            routes->add(route);
        }
    }
    out->set("routes", routes);

    Poco::JSON::Object::Ptr caps = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    caps->set("drain", d.hasDrain);
    caps->set("snapshot", d.hasSnapshot && d.hasRestore);
    caps->set("health", d.hasHealth);
    caps->set("serve_during_restore", d.serveDuringRestore);
    out->set("capabilities", caps);

    const PluginSlot& slot = *loaded.slot;
    Poco::JSON::Object::Ptr requests = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::UInt64 total = 0;
    Poco::JSON::Object::Ptr byClass = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (std::size_t c = 1; c <= 5; ++c)
    {
        byClass->set(std::to_string(c) + "xx", slot.answered(c));
        total += slot.answered(c);
    }
    requests->set("total", total);
    requests->set("generation", g.requests());
    requests->set("in_flight", g.inflight());
    requests->set("held", static_cast<Poco::UInt64>(g.restoreGate().waiting()));
    requests->set("held_total", slot.heldRequests.load() + g.restoreGate().heldTotal());
    requests->set("held_past_bound", slot.heldPastBound.load() + g.restoreGate().pastBound());
    requests->set("by_class", byClass);
    out->set("requests", requests);
    out->set("reloads", slot.reloads.load());

    Poco::JSON::Object::Ptr counters = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [name, value] : slot.metrics()->values()) counters->set(name, value);
    out->set("counters", counters);
    return out;
}

Poco::JSON::Object::Ptr PluginLifecycle::describe(const std::string& name) const
{
    std::lock_guard lock(_stateMutex);
    auto it = _plugins.find(name);
    if (it == _plugins.end()) throw PluginError("not_found", 404, "no plugin named '" + name + "' is loaded");
    return describeLocked(it->second);
}

Poco::JSON::Object::Ptr PluginLifecycle::list() const
{
    std::lock_guard lock(_stateMutex);
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Array::Ptr plugins = new Poco::JSON::Array;
    for (const auto& [name, loaded] : _plugins) plugins->add(describeLocked(loaded));
    out->set("plugins", plugins);

    Poco::JSON::Array::Ptr files = new Poco::JSON::Array;
    for (const auto& [file, error] : _fileErrors)
    {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        entry->set("file", file);
        entry->set("error", error.code);
        entry->set("message", error.message);
        entry->set("at", isoTime(error.at));
        for (const auto& [name, loaded] : _plugins)
        {
            if (loaded.file == file) entry->set("serving", name);
        }
        files->add(entry);
    }
    out->set("errors", files);

    Poco::JSON::Array::Ptr retiring = new Poco::JSON::Array;
    for (const auto& g : _retiring)
    {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        entry->set("name", g->name());
        entry->set("generation", g->number());
        entry->set("in_flight", g->inflight());
        retiring->add(entry);
    }
    out->set("retiring", retiring);

    Poco::JSON::Array::Ptr lingering = new Poco::JSON::Array;
    for (const auto& path : _lingering) lingering->add(path);
    out->set("lingering_libraries", lingering);

    Poco::JSON::Array::Ptr forwarded = new Poco::JSON::Array;
    for (const auto& [name, forward] : _forwards)
    {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        entry->set("name", name);
        entry->set("url", forward.url);
        entry->set("moving", _moving.count(name) > 0);
        forwarded->add(entry);
    }
    out->set("forwarded", forwarded);
    return out;
}

bool PluginLifecycle::healthy() const
{
    std::vector<std::shared_ptr<Generation>> generations;
    {
        std::lock_guard lock(_stateMutex);
        for (const auto& [name, loaded] : _plugins) generations.push_back(loaded.generation);
    }
    for (const auto& g : generations)
    {
        if (!g->tryEnter()) continue;   // being replaced: its successor answers for it
        bool ok = g->healthy();
        g->leave();
        if (!ok) return false;
    }
    return true;
}

} // namespace terrarium

namespace terrarium {

void PluginLifecycle::collectMetrics(PrometheusWriter& writer) const
{
    std::lock_guard lock(_stateMutex);
    writer.family("terrarium_plugin_loaded", "gauge", "1 for every loaded plugin, labelled with its version.");
    for (const auto& [name, loaded] : _plugins)
        writer.sample("terrarium_plugin_loaded", {{"plugin", name}, {"version", loaded.generation->descriptor().version}}, std::uint64_t(1));
    writer.family("terrarium_plugin_generation", "gauge", "Generation of every loaded plugin now serving (1 at the first load, +1 at every reload).");
    for (const auto& [name, loaded] : _plugins)
        writer.sample("terrarium_plugin_generation", {{"plugin", name}}, loaded.generation->number());
    writer.family("terrarium_plugin_reloads_total", "counter", "Successful hot reloads per loaded plugin.");
    for (const auto& [name, loaded] : _plugins)
        writer.sample("terrarium_plugin_reloads_total", {{"plugin", name}}, loaded.slot->reloads.load());
    writer.family("terrarium_plugin_requests_held_total", "counter", "Requests held during a hot reload until restore() returned.");
    for (const auto& [name, loaded] : _plugins)
        writer.sample("terrarium_plugin_requests_held_total", {{"plugin", name}},
                      loaded.slot->heldRequests.load() + loaded.generation->restoreGate().heldTotal());
    writer.family("terrarium_plugin_requests_unrestored_total", "counter",
                  "Requests served before restore() returned because a hold bound (restore_hold_ms, restore_hold_max_requests) passed.");
    for (const auto& [name, loaded] : _plugins)
        writer.sample("terrarium_plugin_requests_unrestored_total", {{"plugin", name}},
                      loaded.slot->heldPastBound.load() + loaded.generation->restoreGate().pastBound());
    writer.family("terrarium_plugin_load_failures_total", "counter", "Loads and reloads refused (bad file, ABI, create failed, conflicts).");
    writer.sample("terrarium_plugin_load_failures_total", {{"operation", "load"}}, _loadFailures.load());
    writer.sample("terrarium_plugin_load_failures_total", {{"operation", "reload"}}, _reloadFailures.load());
    writer.family("terrarium_plugin_generations_retiring", "gauge", "Replaced generations still finishing requests.");
    writer.sample("terrarium_plugin_generations_retiring", {}, static_cast<std::uint64_t>(_retiring.size()));
    writer.family("terrarium_plugin_libraries_lingering", "gauge", "Libraries that stayed mapped after their plugin was unloaded.");
    writer.sample("terrarium_plugin_libraries_lingering", {}, static_cast<std::uint64_t>(_lingering.size()));
    for (const auto& [name, loaded] : _plugins) loaded.slot->metrics()->collect(writer, name);
}

} // namespace terrarium

namespace terrarium {

Poco::JSON::Object::Ptr PluginLifecycle::effectiveSettings(const Poco::JSON::Object::Ptr& configured, const Poco::JSON::Object::Ptr& overrides)
{
    Poco::JSON::Object::Ptr merged = configured ? new Poco::JSON::Object(*configured) : new Poco::JSON::Object;
    if (!overrides) return merged;
    for (const auto& [key, value] : *overrides)
    {
        Poco::JSON::Object::Ptr inner = value.type() == typeid(Poco::JSON::Object::Ptr) ? value.extract<Poco::JSON::Object::Ptr>() : nullptr;
        Poco::JSON::Object::Ptr base = merged->getObject(key);
        if (inner && base)
            merged->set(key, effectiveSettings(base, inner));
        else
            merged->set(key, value);
    }
    return merged;
}

Poco::JSON::Object::Ptr PluginLifecycle::configuredSettings(const std::string& name) const
{
    auto it = _pluginConfigs.find(name);
    if (it != _pluginConfigs.end() && it->second.settings) return it->second.settings;
    return new Poco::JSON::Object;
}

std::vector<std::string> PluginLifecycle::applyPluginConfig(const std::map<std::string, PluginConfig>& plugins)
{
    auto same = [](const PluginConfig* a, const PluginConfig* b) {
        auto text = [](const PluginConfig* c) {
            if (!c) return std::string("{}");
            std::ostringstream out;
            if (c->settings) c->settings->stringify(out);
            out << '|';
            if (c->routes)
                for (const auto& r : *c->routes)
                    out << r.host << r.prefix << (r.stripPrefix ? "+" : "-") << r.maxSpooledBodyBytes.value_or(0) << ';';
            else
                out << "default";
            if (c->spool)
                out << "|spool" << c->spool->enabled << ':' << c->spool->thresholdBytes.value_or(0) << (c->spool->thresholdBytes ? "" : "d") << ':'
                    << c->spool->maxBytes.value_or(0) << (c->spool->maxBytes ? "" : "d");
            return out.str();
        };
        return text(a) == text(b);
    };
    std::vector<std::string> changed;
    std::lock_guard operation(_operationMutex);
    std::lock_guard lock(_stateMutex);
    for (const auto& [name, loaded] : _plugins)
    {
        auto before = _pluginConfigs.find(name);
        auto after = plugins.find(name);
        if (!same(before == _pluginConfigs.end() ? nullptr : &before->second, after == plugins.end() ? nullptr : &after->second))
            changed.push_back(name);
    }
    _pluginConfigs = plugins;
    return changed;
}

} // namespace terrarium

namespace terrarium {

void PluginLifecycle::refuseMoving(const std::string& name) const
{
    std::lock_guard lock(_stateMutex);
    if (_moving.count(name)) throw PluginError("moving", 409, "plugin '" + name + "' is being moved to another host; try again once the move ended");
}

Poco::JSON::Object::Ptr PluginLifecycle::install(const std::string& staged, const std::string& file, const std::string& expectedName,
                                                 bool holdForRestore, bool& created)
{
    reap();
    std::lock_guard operation(_operationMutex);
    const std::string target = Poco::Path(_config.pluginsDir, file).toString();
    std::shared_ptr<Generation> generation;
    PluginSignatureStatus signature;
    std::optional<std::string> loadedFrom;
    try
    {
        generation = openCopy(_cache.store(staged), file, target + ".sig", signature);
        if (generation->name() != expectedName)
            throw PluginError("name_mismatch", 400, "the library declares plugin '" + generation->name() + "', not '" + expectedName + "'");
        {
            std::lock_guard lock(_stateMutex);
            auto it = _plugins.find(expectedName);
            if (it != _plugins.end()) loadedFrom = it->second.file;
        }
        if (loadedFrom && *loadedFrom != file)
            throw PluginError("duplicate_name", 409, "plugin '" + expectedName + "' is loaded from " + *loadedFrom + ", not " + file + "; unload it first");
        if (loadedFrom && holdForRestore)
            throw PluginError("already_loaded", 409, "plugin '" + expectedName + "' is already loaded here; unload it before moving it here");
        if (loadedFrom) refuseMoving(expectedName);
    }
    catch (const PluginError& e)
    {
        if (generation) discard(generation);
        Poco::File(staged).remove();
        logger().error("uploaded library for %s refused: %s (%s)", file, std::string(e.what()), e.code());
        throw;
    }
    // Loaded (from the cache copy) before the file takes its place: the directory watcher, seeing
    // the new file, finds its plugin loaded with the same content and leaves it.
    Poco::JSON::Object::Ptr description;
    try
    {
        created = !loadedFrom;
        description = loadedFrom ? reloadLocked(expectedName, nullptr, false, false, generation, signature)
                                 : loadLocked(file, nullptr, generation, signature, holdForRestore);
    }
    catch (const PluginError&)
    {
        Poco::File(staged).remove();
        throw;
    }
    if (::rename(staged.c_str(), target.c_str()) != 0)
    {
        int error = errno;
        Poco::File(staged).remove();
        if (created) unloadLocked(expectedName);
        throw PluginError("write_failed", 500, "cannot rename the uploaded library to " + target + ": " + std::strerror(error) +
                                                   (created ? "; the plugin was unloaded again" : "; the new generation serves, the file is the old one"));
    }
    return description;
}

std::shared_ptr<Generation> PluginLifecycle::servingGeneration(const std::string& name) const
{
    std::lock_guard lock(_stateMutex);
    auto it = _plugins.find(name);
    if (it == _plugins.end()) throw PluginError("not_found", 404, "no plugin named '" + name + "' is loaded");
    return it->second.generation;
}

std::string PluginLifecycle::snapshot(const std::string& name)
{
    reap();
    std::lock_guard operation(_operationMutex);
    refuseMoving(name);
    std::shared_ptr<Generation> generation = servingGeneration(name);
    const Generation::Descriptor& d = generation->descriptor();
    if (!d.hasSnapshot || !d.hasRestore) throw PluginError("no_snapshot", 409, "plugin '" + name + "' has no snapshot/restore capability");
    generation->drain();
    std::string state = generation->snapshotState();
    logger().information("plugin '%s' generation %Lu: snapshot of %z bytes taken", name, static_cast<Poco::UInt64>(generation->number()), state.size());
    return state;
}

void PluginLifecycle::restore(const std::string& name, const std::string& state)
{
    reap();
    std::lock_guard operation(_operationMutex);
    refuseMoving(name);
    std::shared_ptr<Generation> generation = servingGeneration(name);
    generation->restoreState(state);
    generation->restoreGate().open();
    logger().information("plugin '%s' generation %Lu: state of %z bytes restored", name, static_cast<Poco::UInt64>(generation->number()), state.size());
}

std::optional<std::string> PluginLifecycle::handOver(const std::string& name, const std::string& url,
                                                     const std::map<std::string, std::string>& listenerUrls)
{
    reap();
    std::lock_guard operation(_operationMutex);
    std::shared_ptr<Generation> generation;
    {
        std::lock_guard lock(_stateMutex);
        auto it = _plugins.find(name);
        if (it == _plugins.end()) throw PluginError("not_found", 404, "no plugin named '" + name + "' is loaded");
        if (_moving.count(name)) throw PluginError("moving", 409, "plugin '" + name + "' is being moved already");
        generation = it->second.generation;
        _forwards[name] = Forward{url, listenerUrls, it->second.routes};
        _moving.insert(name);
        _routing.publish(buildSnapshot({}, nullptr));
        it->second.slot->publish(nullptr);   // after the routes: a request that finds no generation finds them forwarded
    }
    logger().information("plugin '%s': its routes are forwarded to %s; generation %Lu drains", name, url, static_cast<Poco::UInt64>(generation->number()));
    generation->retire();
    generation->drain();
    try
    {
        if (!generation->waitIdle(_config.drainTimeout))
            throw PluginError("drain_timeout", 504, "plugin '" + name + "' still serves " + std::to_string(generation->inflight()) + " requests after " +
                                                        std::to_string(_config.drainTimeout.totalMilliseconds()) + " ms (drain_timeout_ms)");
        const Generation::Descriptor& d = generation->descriptor();
        if (!d.hasSnapshot || !d.hasRestore) return std::nullopt;
        return generation->snapshotState();
    }
    catch (const PluginError&)
    {
        std::lock_guard lock(_stateMutex);
        generation->reopen();
        _plugins[name].slot->publish(generation);
        _forwards.erase(name);
        _moving.erase(name);
        _routing.publish(buildSnapshot({}, nullptr));
        throw;
    }
}

bool PluginLifecycle::completeMove(const std::string& name)
{
    std::lock_guard operation(_operationMutex);
    std::shared_ptr<Generation> old;
    std::string url;
    {
        std::lock_guard lock(_stateMutex);
        auto it = _plugins.find(name);
        if (it == _plugins.end() || !_moving.count(name)) throw PluginError("not_moving", 409, "plugin '" + name + "' is not being moved");
        old = it->second.generation;
        it->second.slot->resetMetrics();
        _plugins.erase(it);
        _moving.erase(name);
        url = _forwards[name].url;
        _routing.publish(buildSnapshot({}, nullptr));
    }
    logger().information("plugin '%s' moved to %s: generation %Lu unloaded here, its routes forwarded", name, url,
                         static_cast<Poco::UInt64>(old->number()));
    scheduleForwardEnd(name, url);
    return finish(old);
}

void PluginLifecycle::abortMove(const std::string& name)
{
    std::lock_guard operation(_operationMutex);
    std::lock_guard lock(_stateMutex);
    auto it = _plugins.find(name);
    if (it == _plugins.end() || !_moving.erase(name)) return;
    it->second.generation->reopen();
    it->second.slot->publish(it->second.generation);
    _forwards.erase(name);
    _routing.publish(buildSnapshot({}, nullptr));
    logger().warning("move of plugin '%s' abandoned: generation %Lu serves here again", name, static_cast<Poco::UInt64>(it->second.generation->number()));
}

void PluginLifecycle::scheduleForwardEnd(const std::string& name, const std::string& url)
{
    if (_config.moveForward.totalMicroseconds() <= 0) return;
    _holdTimer.schedule(Poco::Util::Timer::func([this, name, url] {
                            std::lock_guard lock(_stateMutex);
                            auto it = _forwards.find(name);
                            if (it == _forwards.end() || it->second.url != url || _moving.count(name)) return;
                            _forwards.erase(it);
                            _routing.publish(buildSnapshot({}, nullptr));
                            logger().information("plugin '%s': forwarding of its routes to %s ended (admin.move_forward_ms)", name, url);
                        }),
                        Poco::Clock() + _config.moveForward.totalMicroseconds());
}

} // namespace terrarium
