// logthon: the one thread that writes entries to the database, in batches, off the request threads.
#ifndef Logthon_PersistenceWriter_INCLUDED
#define Logthon_PersistenceWriter_INCLUDED

#include "LogDatabase.h"
#include "LogEntry.h"

#include <terrarium/plugin.hpp>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace logthon {

/// Queues additions and clears (from LogStore's listeners: never blocks) and writes everything
/// queued in one transaction per round on its own thread, so that a request never waits for the
/// disk. A round starts 10 ms after the first entry waiting (at once with 10,000 waiting, in
/// flush() and at stop), so one transaction takes many entries and the thread rarely wakes. A
/// failed round (logged with the file and the cause, counted, reported by stats()) goes back to
/// the head of the queue and is tried again a second later with what came meanwhile; at stop it is
/// given up (counted as dropped). At most queueLimit entries wait; more are not persisted (counted).
class PersistenceWriter
{
public:
    /// Figures for /health and the metrics.
    struct Stats
    {
        std::uint64_t persisted = 0;   /// entries written
        std::uint64_t dropped = 0;     /// entries not persisted (queue full)
        std::uint64_t failures = 0;    /// rounds that failed
        std::size_t queued = 0;        /// entries waiting
        bool healthy = true;           /// the last round succeeded
        std::string lastError;         /// why the last failed round failed
    };

    /// Writes to database; keepFrom(service) is the oldest id the service keeps (retention);
    /// lastId() the store's last id. Starts the thread.
    PersistenceWriter(std::unique_ptr<LogDatabase> database, std::function<std::uint64_t(const std::string&)> keepFrom,
                      std::function<std::uint64_t()> lastId, std::size_t queueLimit, const terrarium::Host& host);

    /// Writes what is queued, then joins the thread.
    ~PersistenceWriter();

    PersistenceWriter(const PersistenceWriter&) = delete;
    PersistenceWriter& operator=(const PersistenceWriter&) = delete;

    /// Queues entries (LogStore's "added" listener).
    void added(const std::vector<EntryPtr>& entries);

    /// Queues a clear (LogStore's "cleared" listener).
    void cleared(const std::string& service, std::uint64_t upToId);

    /// Queues a retention pass over services (after a load or a restore).
    void prune(const std::vector<std::string>& services);

    /// Returns once everything queued before the call is written (or its round failed).
    void flush();

    /// The figures.
    Stats stats() const;

    /// The database file.
    const std::string& path() const noexcept { return _database->path(); }

private:
    void run();
    /// Puts a failed round back at the head of the queue (within queueLimit); under _mutex.
    void requeue(std::vector<EntryPtr> added, std::vector<LogDatabase::Clear> clears, std::vector<std::string> prunes);

    std::unique_ptr<LogDatabase> _database;
    std::function<std::uint64_t(const std::string&)> _keepFrom;
    std::function<std::uint64_t()> _lastId;
    std::size_t _queueLimit;
    const terrarium::Host& _host;

    mutable std::mutex _mutex;
    std::condition_variable _work;
    std::condition_variable _done;
    std::vector<EntryPtr> _added;
    std::vector<LogDatabase::Clear> _clears;
    std::vector<std::string> _prunes;
    std::uint64_t _queuedRounds = 0;    /// increases with every change queued
    std::uint64_t _writtenRounds = 0;   /// the _queuedRounds value the last finished round covered
    int _flushWaiters = 0;              /// threads in flush(): the round starts at once
    bool _stopping = false;
    Stats _stats;
    std::thread _thread;
};

} // namespace logthon

#endif
