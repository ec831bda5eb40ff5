#ifndef Terrarium_ConnectionPool_INCLUDED
#define Terrarium_ConnectionPool_INCLUDED

#include "client/ClientStats.h"
#include "client/OriginPool.h"
#include "config/Config.h"

#include <Poco/Condition.h>
#include <Poco/Mutex.h>
#include <Poco/Timestamp.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace terrarium {

/// Keep-alive connections of every origin, bounded per origin (maxPerOrigin) and in total
/// (maxTotal). A caller that finds no free slot waits, until its deadline, for a connection
/// to come back; idle connections of other origins are closed to make room under the total
/// bound. Idle connections are closed after idleTimeout (checked whenever the pool is used,
/// and by reapIdle()) and checked for a peer close before they are handed out. Thread-safe.
class ConnectionPool
{
public:
    /// Creates an unconnected session for an origin (it connects on its first request).
    using SessionFactory = std::function<std::unique_ptr<Poco::Net::HTTPClientSession>(const Origin&)>;

    ConnectionPool(const ClientConfig& config, SessionFactory sessionFactory);

    /// Closes the idle connections. Every connection handed out must have been released.
    ~ConnectionPool();

    ConnectionPool(const ConnectionPool&) = delete;
    ConnectionPool& operator=(const ConnectionPool&) = delete;

    /// The pool of origin, created at first use; the reference stays valid for the pool's life.
    OriginPool& originPool(const Origin& origin);

    /// A connection to pool's origin: an idle one (most recently used first) unless fresh is
    /// true, else a new unconnected one when the bounds allow, else the first one released
    /// before deadline. nullptr when the deadline passes while waiting.
    std::unique_ptr<PooledConnection> acquire(OriginPool& pool, const Poco::Timestamp& deadline, bool fresh);

    /// Returns a connection from acquire(): kept idle when reusable, else closed.
    void release(OriginPool& pool, std::unique_ptr<PooledConnection> connection, bool reusable);

    /// Closes idle connections that have been idle for idleTimeout or longer.
    void reapIdle();

    /// Closes every idle connection now.
    void closeIdle();

    /// A snapshot of every origin's figures and the totals.
    ClientStats stats() const;

private:
    using Closing = std::vector<std::unique_ptr<PooledConnection>>;

    void sweepLocked(const Poco::Timestamp& now, bool force, Closing& closing);
    bool evictOldestIdleLocked(Closing& closing);

    const unsigned _maxPerOrigin;
    const unsigned _maxTotal;
    const Poco::Timespan _idleTimeout;
    const Poco::Timespan _sweepInterval;
    const unsigned _breakerFailures;
    const Poco::Timespan _breakerOpen;
    SessionFactory _sessionFactory;

    mutable Poco::FastMutex _mutex;
    Poco::Condition _released;
    std::map<std::string, std::unique_ptr<OriginPool>> _origins;
    unsigned _open = 0;
    Poco::Timestamp _lastSweep;
};

} // namespace terrarium

#endif
