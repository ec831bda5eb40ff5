#ifndef Terrarium_PluginLifecycle_INCLUDED
#define Terrarium_PluginLifecycle_INCLUDED

#include "config/Config.h"
#include "lifecycle/LifecycleHistory.h"
#include "router/RoutingSnapshot.h"
#include "metrics/PrometheusWriter.h"
#include "plugin/Generation.h"
#include "plugin/PluginCache.h"
#include "plugin/PluginError.h"
#include "plugin/PluginSignatureVerifier.h"
#include "plugin/PluginSlot.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timestamp.h>
#include <Poco/Util/Timer.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace terrarium {

/// Loads, reloads and unloads plugins as one state machine per plugin and publishes the routing
/// that results. A reload creates the new generation, switches routes to it atomically, drains the
/// old one, hands state over (snapshot/restore), destroys the old instance and closes its library.
/// While state is handed over, the new generation's requests are held (see RestoreGate) unless the
/// plugin serves during restore; past restore_hold_ms, or beyond restore_hold_max_requests
/// waiting, they are served by the new generation before its state arrived.
/// Any failed step leaves the previous generation serving and reports why.
class PluginLifecycle
{
public:
    PluginLifecycle(const Config& config, RoutingState& routing);
    ~PluginLifecycle();

    /// Loads file (a name inside the plugins directory). overrides (admin settings, may be null)
    /// are merged over the configured plugin settings (see effectiveSettings()) and kept for later
    /// reloads until the plugin is unloaded. Returns the plugin's description; throws PluginError.
    Poco::JSON::Object::Ptr load(const std::string& file, Poco::JSON::Object::Ptr overrides = nullptr);

    /// Reloads a plugin from its file, with the configured settings of now and its overrides:
    /// overrides replaces the kept ones when not null, dropOverrides forgets them. With
    /// onlyIfChanged (and no change of overrides), does nothing when the file's content is the one
    /// already serving.
    Poco::JSON::Object::Ptr reload(const std::string& name, Poco::JSON::Object::Ptr overrides = nullptr, bool onlyIfChanged = false,
                                   bool dropOverrides = false);

    /// Unloads a plugin; returns whether its library left the process.
    bool unload(const std::string& name);

    /// Loads staged (a complete, synced library in the plugins directory under a hidden name) as
    /// file, or reloads the plugin loaded from file with it, then renames staged to file. When it
    /// cannot be loaded, declares another name than expectedName, or the load or reload fails,
    /// staged is removed and nothing changes (PluginError). With holdForRestore, a newly
    /// loaded plugin that can restore holds its requests until restore() (at most
    /// restore_hold_ms), and a plugin loaded already is refused (409 already_loaded). created
    /// tells a load from a reload. Returns the plugin's description.
    Poco::JSON::Object::Ptr install(const std::string& staged, const std::string& file, const std::string& expectedName, bool holdForRestore,
                                    bool& created);

    /// Drains the plugin (its drain capability) and returns its snapshot bytes; it keeps serving.
    /// Throws PluginError (not_found, no_snapshot 409, snapshot_failed).
    std::string snapshot(const std::string& name);

    /// Restores state into the plugin's current generation, then lets its held requests through.
    /// Throws PluginError (not_found, no_snapshot 409, restore_failed).
    void restore(const std::string& name, const std::string& state);

    /// First steps of a move away: the plugin's routes are forwarded to url, those of a listener
    /// named in listenerUrls to its URL there (the request's path unchanged, through the upstream
    /// proxy), its generation takes no new request, drains and
    /// becomes idle. Returns its snapshot bytes, or nothing without the capability. Throws
    /// PluginError, and then the plugin serves here as before.
    std::optional<std::string> handOver(const std::string& name, const std::string& url, const std::map<std::string, std::string>& listenerUrls = {});

    /// Last step of a move: unloads the plugin handOver() stopped; its routes stay forwarded until
    /// the host restarts, the plugin is loaded here again, or admin.move_forward_ms passed.
    /// Returns whether its library left the process.
    bool completeMove(const std::string& name);

    /// A move failed after handOver(): the plugin's generation serves here again, its routes are
    /// no longer forwarded.
    void abortMove(const std::string& name);

    /// Unloads everything, giving in-flight requests up to timeout.
    void unloadAll(Poco::Timespan timeout);

    /// Finishes generations whose drain outlasted the drain timeout once they are idle.
    void reap();

    /// The plugin loaded from file, if any.
    std::optional<std::string> pluginForFile(const std::string& file) const;

    /// Records (or clears, with an empty code) the last error seen for a file; the errors of at
    /// most 64 files are kept (the oldest is forgotten first).
    void recordFileError(const std::string& file, const std::string& code, const std::string& message);

    /// Every loaded plugin, per-file errors, retiring generations, libraries that did not unload
    /// and the routes forwarded to other hosts after moves.
    Poco::JSON::Object::Ptr list() const;

    /// One plugin's description; throws PluginError("not_found").
    Poco::JSON::Object::Ptr describe(const std::string& name) const;

    /// Replaces the configured plugin settings and routes (the "plugins" block, e.g. after the
    /// config file was read again); they apply to later loads and reloads. Returns the loaded
    /// plugins whose configured settings or routes changed, to be reloaded by the caller.
    std::vector<std::string> applyPluginConfig(const std::map<std::string, PluginConfig>& plugins);

    /// Writes plugin figures: loaded plugins, reloads, load failures, retiring generations,
    /// lingering libraries, and every plugin's own metrics.
    void collectMetrics(PrometheusWriter& writer) const;

    /// True when every loaded plugin reports healthy.
    bool healthy() const;

    /// Path of file inside the plugins directory; throws PluginError for names that leave it or
    /// hold a NUL or control character (invalid_file), and for a symbolic link to a file outside
    /// the directory (link_outside_plugins_dir).
    std::string resolveFile(const std::string& file) const;

    /// The settings a plugin runs with: configured (the file's "plugins.<name>.config"), then
    /// overrides merged over them by key (objects merged key by key, any other value replaced).
    static Poco::JSON::Object::Ptr effectiveSettings(const Poco::JSON::Object::Ptr& configured, const Poco::JSON::Object::Ptr& overrides);

    /// The latest loads, reloads and unloads (also the refused ones), for GET /admin/events.
    LifecycleHistory& history() { return _history; }
    const LifecycleHistory& history() const { return _history; }

private:
    struct Loaded
    {
        std::shared_ptr<PluginSlot> slot;
        std::shared_ptr<Generation> generation;
        std::string file;
        Poco::JSON::Object::Ptr settings;          /// what the current generation was created with
        Poco::JSON::Object::Ptr overrides;         /// set through the admin API (merged over the configured settings); may be null
        std::vector<RouteConfig> routes;           /// effective default routes on the main listener
        Poco::Timestamp loadedAt;
        PluginSignatureStatus signature;           /// what the signature check found for the current generation
    };

    struct Forward
    {
        std::string url;                   /// the base URL requests are forwarded to
        std::map<std::string, std::string> listenerUrls;   /// where those of a listener go instead, by listener name
        std::vector<RouteConfig> routes;   /// the plugin's default routes when it was moved
    };

    struct FileError
    {
        std::string code;
        std::string message;
        Poco::Timestamp at;
    };

    /// Copies file into the cache, checks its signature (before dlopen), opens it and checks the
    /// descriptor against the signed name and version (before create); signature gets the outcome.
    std::shared_ptr<Generation> open(const std::string& file, PluginSignatureStatus& signature);
    /// open() of a copy already in the cache, with the signature file beside where file is (or will be).
    std::shared_ptr<Generation> openCopy(const PluginCache::Entry& entry, const std::string& file, const std::string& signatureFile,
                                         PluginSignatureStatus& signature);
    /// load(), reload() and unload() under the operation mutex; a generation given was opened (and
    /// its signature checked, with the outcome in signature) by the caller.
    Poco::JSON::Object::Ptr loadLocked(const std::string& file, Poco::JSON::Object::Ptr overrides, std::shared_ptr<Generation> generation,
                                       PluginSignatureStatus signature, bool holdForRestore);
    bool unloadLocked(const std::string& name);
    Poco::JSON::Object::Ptr reloadLocked(const std::string& name, Poco::JSON::Object::Ptr overrides, bool onlyIfChanged, bool dropOverrides,
                                         std::shared_ptr<Generation> generation, PluginSignatureStatus signature);
    /// The generation serving name; throws PluginError("not_found", 404) when none is loaded.
    std::shared_ptr<Generation> servingGeneration(const std::string& name) const;
    /// Throws PluginError("moving", 409) while name is being moved away.
    void refuseMoving(const std::string& name) const;
    /// Ends the forwarding of name to url after admin.move_forward_ms, when configured.
    void scheduleForwardEnd(const std::string& name, const std::string& url);
    std::vector<RouteConfig> routesFor(const Generation& generation) const;
    /// Where the bodies of generation's requests go: its plugin's spool settings over the host's limits.
    BodyPolicy bodyPolicyFor(const Generation& generation) const;
    std::shared_ptr<const RoutingSnapshot> buildSnapshot(const std::string& name, const std::vector<RouteConfig>* routes) const;
    std::shared_ptr<PluginSlot> slotFor(const std::string& name);
    /// Drains, hands state to successor (whose requests are let through then), destroys; true
    /// when the library left the process.
    bool retire(std::shared_ptr<Generation> old, Generation* successor, Poco::Timespan timeout);
    /// Makes generation hold its requests until its state arrived, for at most the configured bound.
    void holdRequests(const std::shared_ptr<Generation>& generation);
    /// Destroys and closes; true when the library left the process.
    bool finish(const std::shared_ptr<Generation>& generation);
    bool libraryInUse(const std::string& path) const;
    void discard(const std::shared_ptr<Generation>& generation);
    Poco::JSON::Object::Ptr describeLocked(const Loaded& loaded) const;
    Poco::JSON::Object::Ptr configuredSettings(const std::string& name) const;

    const Config& _config;
    RoutingState& _routing;
    PluginCache _cache;
    PluginSignatureVerifier _signatures;
    std::mutex _operationMutex;                  /// one load/reload/unload at a time
    mutable std::mutex _stateMutex;              /// guards the maps below; held briefly
    std::map<std::string, Loaded> _plugins;
    std::map<std::string, std::shared_ptr<PluginSlot>> _slots;
    std::map<std::string, FileError> _fileErrors;
    std::map<std::string, Forward> _forwards;    /// routes of moved plugins, forwarded to their new host
    std::set<std::string> _moving;               /// plugins between handOver() and completeMove()/abortMove()
    std::vector<std::shared_ptr<Generation>> _retiring;
    std::vector<std::string> _lingering;
    std::map<std::string, PluginConfig> _pluginConfigs;   /// the "plugins" block; guarded by _operationMutex
    std::atomic<std::uint64_t> _loadFailures{0};
    std::atomic<std::uint64_t> _reloadFailures{0};
    Poco::Util::Timer _holdTimer;                /// ends restore holds that outlast the bound
    LifecycleHistory _history;
};

} // namespace terrarium

#endif
