// logthon: every service's ring, the id sequence and the hand-off to the writer and the live stream.
#ifndef Logthon_LogStore_INCLUDED
#define Logthon_LogStore_INCLUDED

#include "IncomingRecord.h"
#include "LogEntry.h"
#include "ServiceRing.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace logthon {

/// The entries in memory: one ServiceRing per service, ids increasing by one from lastId() + 1.
/// Thread-safe; every operation holds one short lock. The listeners are called under that lock,
/// so they see additions and clears in id order; they must only queue (never block).
class LogStore
{
public:
    /// What a store reports: entries added (in id order), and clears (service "" = every service)
    /// of every entry with an id up to upToId.
    struct Listeners
    {
        std::function<void(const std::vector<EntryPtr>&)> added;
        std::function<void(const std::string& service, std::uint64_t upToId)> cleared;
    };

    /// Figures of one service for /storage/info.
    struct ServiceInfo
    {
        std::string service;
        std::size_t count = 0;
        std::size_t maxSize = 0;
        bool full = false;
    };

    /// A store whose ring for a service holds capacityOf(service) entries.
    explicit LogStore(std::function<std::size_t(const std::string&)> capacityOf);

    /// Sets the listeners (before the store is shared between threads).
    void setListeners(Listeners listeners);

    /// Stores records with the next ids and timestamp (the server's time); returns the entries.
    std::vector<EntryPtr> append(const std::vector<IncomingRecord>& records, const std::string& timestamp);

    /// The latest limit entries of service (every service when empty), oldest first.
    std::vector<EntryPtr> latest(const std::string& service, std::size_t limit) const;

    /// Like latest() for every service, and calls whileLocked(entries, lastId()) before the lock is
    /// released (the live stream registers a subscriber there: it misses nothing, gets nothing twice).
    void latestThen(std::size_t limit, const std::function<void(const std::vector<EntryPtr>&, std::uint64_t)>& whileLocked) const;

    /// Removes the entries of service (every service when empty); returns how many.
    std::size_t clear(const std::string& service);

    /// Entries per service.
    std::map<std::string, std::size_t> counts() const;

    /// The figures of every service, by name.
    std::vector<ServiceInfo> info() const;

    /// The oldest id service still holds (0 when it holds nothing).
    std::uint64_t oldestId(const std::string& service) const;

    /// The last id given (0 before the first).
    std::uint64_t lastId() const;

    /// Entries evicted by the rings so far.
    std::uint64_t evicted() const;

    /// Every entry, in id order.
    std::vector<EntryPtr> all() const;

    /// Replaces the content with entries (in id order; each ring keeps its latest) and continues the
    /// ids after max(lastId, the largest id of entries). Listeners are not called.
    void replace(const std::vector<EntryPtr>& entries, std::uint64_t lastId);

private:
    ServiceRing& ringOf(const std::string& service);
    void collectLatest(const std::string& service, std::size_t limit, std::vector<EntryPtr>& out) const;

    std::function<std::size_t(const std::string&)> _capacityOf;
    Listeners _listeners;
    mutable std::mutex _mutex;
    std::map<std::string, ServiceRing, std::less<>> _rings;
    std::uint64_t _lastId = 0;
    std::uint64_t _evicted = 0;
};

} // namespace logthon

#endif
