#ifndef Terrarium_OriginPool_INCLUDED
#define Terrarium_OriginPool_INCLUDED

#include "client/CircuitBreaker.h"
#include "client/ClientStats.h"
#include "client/Origin.h"
#include "client/PooledConnection.h"

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

namespace terrarium {

/// The connections, counters and circuit breaker of one origin. The connection bookkeeping
/// (idle list, open and in-use counts) is guarded by the owning ConnectionPool's mutex; the
/// counters and the breaker are thread-safe on their own.
class OriginPool
{
public:
    OriginPool(Origin origin, unsigned breakerFailures, Poco::Timespan breakerOpen);

    const Origin& origin() const { return _origin; }

    CircuitBreaker& breaker() { return _breaker; }

    /// Counters, updated by the client as calls progress.
    void countCall() { ++_calls; }
    void countConnect() { ++_connects; }
    void countWait() { ++_waits; }
    void countRetry() { ++_retries; }
    void countFailure() { ++_failures; }
    void countServerError() { ++_serverErrors; }
    void countStaleReplaced() { ++_staleReplaced; }
    void countIdleClosed(std::uint64_t count) { _idleClosed += count; }

    /// The figures of this origin at now (caller holds the pool's mutex).
    ClientStats::Origin stats(const Poco::Timestamp& now) const;

    // Bookkeeping below: the caller holds the ConnectionPool's mutex.

    /// Connections open: idle plus in use (or reserved while being created).
    unsigned open() const { return static_cast<unsigned>(_idle.size()) + _inUse; }
    unsigned inUse() const { return _inUse; }
    bool hasIdle() const { return !_idle.empty(); }

    /// The most recently used idle connection, now in use.
    std::unique_ptr<PooledConnection> takeIdle();

    /// The least recently used idle connection, removed from the pool (to be closed).
    std::unique_ptr<PooledConnection> takeOldestIdle();

    /// Time since the oldest idle connection became idle (only when hasIdle()).
    const Poco::Timestamp& oldestIdleSince() const { return _idle.front()->idleSince(); }

    /// A call starts (ends) waiting for a free connection.
    void beginWait() { ++_waiting; }
    void endWait() { --_waiting; }

    /// A new connection slot is in use.
    void reserve() { ++_inUse; }

    /// A connection in use comes back idle at now.
    void putIdle(std::unique_ptr<PooledConnection> connection, const Poco::Timestamp& now);

    /// A connection in use (or reserved) was discarded.
    void drop() { --_inUse; }

    /// Moves idle connections idle since before idleBefore into closing.
    void takeExpired(const Poco::Timestamp& idleBefore, std::vector<std::unique_ptr<PooledConnection>>& closing);

    /// Moves every idle connection into closing.
    void takeAllIdle(std::vector<std::unique_ptr<PooledConnection>>& closing);

private:
    Origin _origin;
    CircuitBreaker _breaker;
    std::deque<std::unique_ptr<PooledConnection>> _idle;   /// oldest first
    unsigned _inUse = 0;
    unsigned _waiting = 0;   /// calls waiting for a free connection
    std::atomic<std::uint64_t> _calls{0};
    std::atomic<std::uint64_t> _connects{0};
    std::atomic<std::uint64_t> _waits{0};
    std::atomic<std::uint64_t> _retries{0};
    std::atomic<std::uint64_t> _failures{0};
    std::atomic<std::uint64_t> _serverErrors{0};
    std::atomic<std::uint64_t> _staleReplaced{0};
    std::atomic<std::uint64_t> _idleClosed{0};
};

} // namespace terrarium

#endif
