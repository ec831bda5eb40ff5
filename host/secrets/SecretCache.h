#ifndef Terrarium_SecretCache_INCLUDED
#define Terrarium_SecretCache_INCLUDED

#include "config/Config.h"
#include "secrets/SecretCacheStats.h"
#include "secrets/SecretClock.h"
#include "secrets/SecretLookup.h"
#include "secrets/SecretMemory.h"
#include "secrets/SecretProvider.h"

#include <Poco/Logger.h>
#include <Poco/Timespan.h>
#include <Poco/Types.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace terrarium {

/// The cache in front of one SecretProvider, answering secret_get for every plugin.
///
/// - One provider read per secret *path*: all keys of a path are cached together, and a key is
///   looked up in them under provider().canonicalKey(key).
/// - A value is fresh for ttl after its read. A path that get() asked for since its last read is
///   read again by the background thread refreshAhead before it expires (refreshAhead is capped at
///   half the ttl), so a path in steady use never waits for the provider.
/// - Single flight: while a read of a path is in progress (in get() or in the background), every
///   get() that misses that path waits for it and gets the same answer (unless it is answered
///   stale at once, as below).
/// - Stale if error: when a read ends Unavailable, the last value is served for up to maxStale
///   past its expiry, with lookup.stale = true, counted in staleServes, and a warning through
///   Poco::Logger "secrets" naming the path and the cause (at most once a minute per path). The
///   provider is then asked again for that path at most once per negativeTtl: by the background
///   thread while it runs (get() never waits for it then), else by the next get() that is due.
///   Past maxStale the answer is Unavailable. A path without any value reads on every miss
///   (coalesced); the HTTP client's circuit breaker keeps that cheap while Vault is down.
/// - Negative caching: NotFound, Forbidden and Invalid answers of the provider are kept for
///   negativeTtl. Such an answer on a path that had a value drops the value (deleted, or access
///   revoked).
/// - A malformed path or key is Invalid without a provider read.
/// - Values never reach a message, a log or a file; they are overwritten in memory when dropped.
///
/// Every time comes from the injected clock, so tests drive expiry without sleeping, and drive
/// the background work with refreshDue(). Paths that can answer nothing any more (value past
/// maxStale, expired negative answer) are dropped by each refresh round. Thread-safe.
class SecretCache
{
public:
    /// How long answers are kept (the "secrets" section of the configuration).
    struct Settings
    {
        Poco::Timespan ttl = Poco::Timespan(300, 0);          /// a value is fresh this long after its read
        Poco::Timespan refreshAhead = Poco::Timespan(30, 0);  /// used paths are read again this long before expiry (at most ttl / 2)
        Poco::Timespan maxStale = Poco::Timespan(3600, 0);    /// the last value is served this long past expiry while the provider is unavailable
        Poco::Timespan negativeTtl = Poco::Timespan(5, 0);    /// NotFound/Forbidden kept this long; also the pause between reads of an unavailable provider for a path with a value

        /// The durations of config (ttl, refreshAhead, maxStale, negativeTtl).
        static Settings fromConfig(const SecretsConfig& config);
    };

    /// Caches answers of provider (not null, else Poco::InvalidArgumentException); clock defaults
    /// to Poco::Clock. The background thread is not started.
    SecretCache(std::unique_ptr<SecretProvider> provider, Settings settings, SecretClock clock = SecretClock());

    /// stop(), then overwrites every cached value.
    ~SecretCache();

    SecretCache(const SecretCache&) = delete;
    SecretCache& operator=(const SecretCache&) = delete;

    /// Starts the background refresh thread (nothing when it runs already).
    void start();

    /// Stops and joins the background thread (nothing when it is not running); get() keeps
    /// working and then reads synchronously whatever is due.
    void stop();

    /// True while the background thread runs.
    bool running() const;

    /// The value of key in path: from a fresh entry, else after a provider read (or by waiting for
    /// the one in progress), or stale while the provider is unavailable. Thread-safe, never throws.
    SecretLookup get(const std::string& path, const std::string& key);

    /// One background round, now, on the calling thread: reads every path used since its last read
    /// that is due (within refreshAhead of expiry, or whose retry after an unavailable read is due),
    /// one after the other, counted in refreshes; then returns. Drops entries that can answer
    /// nothing any more. The background thread calls it about every second, and at once when a
    /// get() sees a due path; tests call it to drive refreshes deterministically.
    void refreshDue();

    /// The counters and the number of paths held.
    SecretCacheStats stats() const;

    /// The provider behind the cache.
    const SecretProvider& provider() const;

    /// The settings the cache was built with (refreshAhead as configured, before the ttl / 2 cap).
    const Settings& settings() const;

private:
    using Values = SecretStringMap;   /// values on pages excluded from core dumps
    using ValuesPtr = std::shared_ptr<const Values>;
    using Notes = std::vector<std::pair<Poco::Message::Priority, std::string>>;

    /// What a path answers before a key is picked.
    struct PathAnswer
    {
        SecretOutcome outcome = SecretOutcome::Unavailable;
        ValuesPtr values;       /// when Found
        bool stale = false;     /// Found from a value past its ttl
        std::string message;    /// the cause when not Found, or why the value is stale
    };

    /// One provider read in progress; every get() that misses the path meanwhile waits for it.
    struct Flight
    {
        std::mutex mutex;
        std::condition_variable done;
        bool finished = false;
        PathAnswer answer;
    };

    /// What the cache holds for one path.
    struct Entry
    {
        ValuesPtr values;                                  /// the last Found read; null when none
        Poco::Int64 readAt = 0;                            /// clock time of that read
        Poco::Int64 expiresAt = 0;                         /// values are fresh until then
        SecretOutcome refusal = SecretOutcome::Found;      /// NotFound, Forbidden or Invalid kept; Found when none
        Poco::Int64 refusalUntil = 0;                      /// the refusal is kept until then
        std::string message;                               /// the refusal's message, or the cause of the last unavailable read
        bool failing = false;                              /// the last read ended Unavailable
        Poco::Int64 retryAt = 0;                           /// when failing: the next read is due then
        bool warned = false;                               /// a stale warning was logged since the last good read
        Poco::Int64 warnedAt = 0;                          /// clock time of that warning
        std::shared_ptr<Flight> flight;                    /// the read in progress, if any
        std::atomic<bool> used{false};                     /// get() asked for the path since its last read
        std::atomic<bool> wakeSent{false};                 /// get() woke the refresher for this entry since its last read
    };

    /// A shared copy of values in SecretMemory (pages excluded from core dumps); wipes values.
    static ValuesPtr share(std::map<std::string, std::string>& values);
    SecretLookup lookup(const std::string& path, const std::string& key);
    SecretLookup pick(const std::string& path, const std::string& key, const std::string& canonical, const PathAnswer& answer);
    bool freshAnswer(const Entry& entry, Poco::Int64 now, PathAnswer& answer) const;
    bool due(const Entry& entry, Poco::Int64 now) const;
    bool evictable(const Entry& entry, Poco::Int64 now) const;
    PathAnswer staleOrUnavailable(const std::string& path, Entry& entry, Poco::Int64 now, Notes& notes) const;
    PathAnswer apply(const std::string& path, Entry& entry, SecretRead read, Poco::Int64 now, Notes& notes) const;
    PathAnswer runFlight(const std::string& path, const std::shared_ptr<Flight>& flight, bool background);
    SecretRead readProvider(const std::string& path);
    void wake();
    void refreshLoop();
    static void log(const Notes& notes);

    std::unique_ptr<SecretProvider> _provider;
    Settings _settings;
    SecretClock _clock;
    std::string _providerName;
    Poco::Int64 _ttl;            /// microseconds, as the fields below
    Poco::Int64 _refreshAhead;   /// capped at _ttl / 2
    Poco::Int64 _maxStale;
    Poco::Int64 _negativeTtl;

    mutable std::shared_mutex _mutex;                /// guards _entries and the non-atomic fields of each Entry
    std::unordered_map<std::string, Entry> _entries;

    std::atomic<Poco::UInt64> _hits{0};
    std::atomic<Poco::UInt64> _misses{0};
    std::atomic<Poco::UInt64> _staleServes{0};
    std::atomic<Poco::UInt64> _providerErrors{0};
    std::atomic<Poco::UInt64> _refreshes{0};

    std::mutex _threadMutex;                         /// serialises start() and stop()
    std::thread _thread;
    std::atomic<bool> _running{false};
    std::mutex _wakeMutex;                           /// guards the two flags below
    std::condition_variable _wakeCondition;
    bool _wakeRequested = false;
    bool _stopRequested = false;
};

} // namespace terrarium

#endif
