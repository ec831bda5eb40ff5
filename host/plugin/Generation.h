#ifndef Terrarium_Generation_INCLUDED
#define Terrarium_Generation_INCLUDED

#include "config/Config.h"
#include "http/BodyPolicy.h"
#include "plugin/PluginCall.h"
#include "plugin/PluginMetrics.h"
#include "plugin/RestoreGate.h"

#include <Poco/JSON/Object.h>
#include <Poco/Timespan.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct trm_plugin_descriptor;

namespace terrarium {

class HttpReply;
class PluginContext;
class PluginLibrary;

/// One loaded copy of a plugin: its library, descriptor and (once created) instance. Requests
/// enter and leave it; after retire() no request enters, and the instance is destroyed and the
/// library closed only once none is left inside.
class Generation
{
public:
    /// What the descriptor says, copied out of the library.
    struct Descriptor
    {
        std::string name;
        std::string version;
        std::string description;
        std::uint16_t abiMajor = 0;
        std::uint16_t abiMinor = 0;
        std::vector<RouteConfig> routes;   /// default routes (plugin field = name)
        bool hasDrain = false;
        bool hasSnapshot = false;
        bool hasRestore = false;
        bool hasHealth = false;
        bool serveDuringRestore = false;   /// TRM_PLUGIN_SERVE_DURING_RESTORE (ABI 1.3 flags)
        bool spoolBodies = false;          /// TRM_PLUGIN_SPOOL_BODIES (ABI 1.3 flags)
    };

    /// Opens the cached copy at libraryPath, calls the entry function and validates the
    /// descriptor (ABI version included). Throws PluginError; nothing stays loaded on failure.
    Generation(const std::string& libraryPath, std::string sourceFile, std::string sha256);
    ~Generation();

    Generation(const Generation&) = delete;
    Generation& operator=(const Generation&) = delete;

    /// Creates the instance with these settings. Throws PluginError("create_failed").
    void create(std::uint64_t number, Poco::JSON::Object::Ptr settings, std::shared_ptr<PluginMetrics> metrics);

    /// Where request bodies for this generation go: spooled per policy when the plugin declares
    /// TRM_PLUGIN_SPOOL_BODIES, else in memory. Set before the generation is published.
    void setBodyPolicy(BodyPolicy policy) { _bodyPolicy = _descriptor.spoolBodies ? policy : BodyPolicy(); }
    const BodyPolicy& bodyPolicy() const { return _bodyPolicy; }

    /// Serves one request into reply; never throws; maps plugin errors to JSON error replies.
    void invoke(const PluginCall& call, HttpReply& reply);

    /// Registers a request; false when the generation is retired (the caller looks again).
    bool tryEnter()
    {
        _inflight.fetch_add(1, std::memory_order_seq_cst);
        if (_retired.load(std::memory_order_seq_cst))
        {
            leave();
            return false;
        }
        return true;
    }

    /// Unregisters a request.
    void leave()
    {
        if (_inflight.fetch_sub(1, std::memory_order_seq_cst) == 1 && _retired.load(std::memory_order_seq_cst))
        {
            std::lock_guard lock(_idleMutex);
            _idle.notify_all();
        }
    }

    /// True when this generation, replacing older, must hold its requests until restoreFrom(older)
    /// is done: older can snapshot, this one can restore, and it did not ask to serve meanwhile.
    bool holdsRequestsAfter(const Generation& older) const;

    /// The gate that holds this generation's requests while its state is restored.
    RestoreGate& restoreGate() { return *_restoreGate; }
    const RestoreGate& restoreGate() const { return *_restoreGate; }

    /// When the restore gate holds requests and has room: sets reply aside until it lets them
    /// through (the request then runs again) and returns true. False: serve now.
    bool holdUntilRestored(HttpReply& reply);

    /// When the restore gate holds requests and has room: blocks until it lets them through or
    /// its bound passed. For callers that cannot be set aside (in-process calls).
    void waitUntilRestored();

    /// No new request may enter from now on; held requests go on (to the current generation);
    /// the plugin's open WebSockets are closed (going away).
    void retire();
    bool retired() const { return _retired.load(); }

    /// Waits until no request is inside (true) or the timeout passes (false).
    bool waitIdle(Poco::Timespan timeout);

    /// Calls the plugin's drain capability, if any.
    void drain();

    /// Moves state from older (snapshot) into this generation (restore) when both support it.
    /// Returns false when skipped; throws PluginError when either side fails.
    bool restoreFrom(Generation& older);

    /// The plugin's snapshot bytes (its snapshot capability), for a move to another host.
    /// Throws PluginError("no_snapshot", 409) without the capability, ("snapshot_failed") when it fails.
    std::string snapshotState();

    /// Restores state (bytes of snapshotState() on another host) into this generation's instance.
    /// Throws PluginError("no_snapshot", 409) without the capability, ("restore_failed") when it fails.
    void restoreState(const std::string& state);

    /// Takes requests again after retire(): a move that failed before this host unloaded the
    /// plugin leaves this generation serving (its WebSockets were closed; drain() was called).
    void reopen() { _retired.store(false); }

    /// The plugin's health capability; true when absent.
    bool healthy();

    /// Destroys the instance and closes the library; returns true when the library really left
    /// the process (or is still used by another generation of the same file: then false too).
    bool destroyAndClose();

    const Descriptor& descriptor() const { return _descriptor; }
    const std::string& name() const { return _descriptor.name; }
    const std::string& sourceFile() const { return _sourceFile; }
    const std::string& libraryPath() const { return _libraryPath; }
    const std::string& sha256() const { return _sha256; }
    std::uint64_t number() const { return _number; }
    std::uint64_t inflight() const { return _inflight.load(); }
    std::uint64_t requests() const { return _requests.load(std::memory_order_relaxed); }
    bool created() const { return _instanceCreated; }

private:
    void readDescriptor();

    std::string _libraryPath;
    std::string _sourceFile;
    std::string _sha256;
    std::unique_ptr<PluginLibrary> _library;
    const trm_plugin_descriptor* _raw = nullptr;
    Descriptor _descriptor;
    BodyPolicy _bodyPolicy;
    std::unique_ptr<PluginContext> _context;
    void* _instance = nullptr;
    bool _instanceCreated = false;
    std::uint64_t _number = 0;
    std::atomic<std::uint64_t> _inflight{0};
    std::atomic<bool> _retired{false};
    std::atomic<std::uint64_t> _requests{0};
    std::shared_ptr<RestoreGate> _restoreGate = std::make_shared<RestoreGate>();
    std::mutex _idleMutex;
    std::condition_variable _idle;
};

} // namespace terrarium

#endif
