#include "client/ConnectionPool.h"

#include <algorithm>

namespace terrarium {

namespace {

Poco::Timespan sweepIntervalFor(const Poco::Timespan& idleTimeout)
{
    return std::max(Poco::Timespan(0, 10 * 1000), std::min(Poco::Timespan(1, 0), Poco::Timespan(idleTimeout.totalMicroseconds() / 2)));
}

} // namespace

ConnectionPool::ConnectionPool(const ClientConfig& config, SessionFactory sessionFactory)
    : _maxPerOrigin(std::max(1u, config.maxPerOrigin)),
      _maxTotal(std::max(1u, config.maxTotal)),
      _idleTimeout(config.idleTimeout),
      _sweepInterval(sweepIntervalFor(config.idleTimeout)),
      _breakerFailures(config.breakerFailures),
      _breakerOpen(config.breakerOpen),
      _sessionFactory(std::move(sessionFactory))
{
}

ConnectionPool::~ConnectionPool()
{
    closeIdle();
}

OriginPool& ConnectionPool::originPool(const Origin& origin)
{
    Poco::FastMutex::ScopedLock lock(_mutex);
    auto it = _origins.find(origin.key());
    if (it == _origins.end())
        it = _origins.emplace(origin.key(), std::make_unique<OriginPool>(origin, _breakerFailures, _breakerOpen)).first;
    return *it->second;
}

std::unique_ptr<PooledConnection> ConnectionPool::acquire(OriginPool& pool, const Poco::Timestamp& deadline, bool fresh)
{
    Closing closing;
    Poco::FastMutex::ScopedLock lock(_mutex);
    bool waited = false;
    struct WaitEnd {
        OriginPool& pool;
        const bool& waited;
        ~WaitEnd() { if (waited) pool.endWait(); }   // still under the lock
    } waitEnd{pool, waited};
    for (;;) {
        Poco::Timestamp now;
        sweepLocked(now, false, closing);
        while (!fresh && pool.hasIdle()) {
            std::unique_ptr<PooledConnection> connection = pool.takeIdle();
            bool expired = now - connection->idleSince() >= _idleTimeout.totalMicroseconds();
            if (!expired && !connection->unusable())
                return connection;
            if (expired)
                pool.countIdleClosed(1);
            else
                pool.countStaleReplaced();
            closing.push_back(std::move(connection));
            pool.drop();
            --_open;
        }
        if (pool.open() >= _maxPerOrigin && fresh && pool.hasIdle()) {
            closing.push_back(pool.takeOldestIdle());
            pool.countIdleClosed(1);
            --_open;
        }
        if (pool.open() < _maxPerOrigin && (_open < _maxTotal || evictOldestIdleLocked(closing))) {
            pool.reserve();
            ++_open;
            pool.countConnect();
            return std::make_unique<PooledConnection>(pool.origin(), _sessionFactory(pool.origin()));
        }
        if (!waited) {
            pool.countWait();
            pool.beginWait();
            waited = true;
        }
        Poco::Timespan::TimeDiff milliseconds = (deadline - now) / 1000;
        if (milliseconds <= 0)
            return nullptr;
        _released.tryWait(_mutex, static_cast<long>(std::min<Poco::Timespan::TimeDiff>(milliseconds, 1000)));
    }
}

void ConnectionPool::release(OriginPool& pool, std::unique_ptr<PooledConnection> connection, bool reusable)
{
    Closing closing;
    Poco::FastMutex::ScopedLock lock(_mutex);
    Poco::Timestamp now;
    if (reusable && connection->session().connected() && _idleTimeout > 0) {
        pool.putIdle(std::move(connection), now);
    } else {
        closing.push_back(std::move(connection));
        pool.drop();
        --_open;
    }
    sweepLocked(now, false, closing);
    _released.broadcast();
}

void ConnectionPool::reapIdle()
{
    Closing closing;
    Poco::FastMutex::ScopedLock lock(_mutex);
    sweepLocked(Poco::Timestamp(), true, closing);
}

void ConnectionPool::closeIdle()
{
    Closing closing;
    Poco::FastMutex::ScopedLock lock(_mutex);
    for (auto& entry : _origins) {
        std::size_t before = closing.size();
        entry.second->takeAllIdle(closing);
        entry.second->countIdleClosed(closing.size() - before);
    }
    _open -= static_cast<unsigned>(closing.size());
    _released.broadcast();
}

ClientStats ConnectionPool::stats() const
{
    ClientStats stats;
    Poco::Timestamp now;
    Poco::FastMutex::ScopedLock lock(_mutex);
    for (const auto& entry : _origins) {
        ClientStats::Origin figures = entry.second->stats(now);
        stats.open += figures.open;
        stats.idle += figures.idle;
        stats.inUse += figures.inUse;
        stats.calls += figures.calls;
        stats.connects += figures.connects;
        stats.waits += figures.waits;
        stats.retries += figures.retries;
        stats.failures += figures.failures;
        stats.serverErrors += figures.serverErrors;
        stats.staleReplaced += figures.staleReplaced;
        stats.idleClosed += figures.idleClosed;
        stats.origins.push_back(std::move(figures));
    }
    return stats;
}

void ConnectionPool::sweepLocked(const Poco::Timestamp& now, bool force, Closing& closing)
{
    if (!force && now - _lastSweep < _sweepInterval.totalMicroseconds())
        return;
    _lastSweep = now;
    Poco::Timestamp idleBefore = now - _idleTimeout;
    std::size_t before = closing.size();
    for (auto& entry : _origins) {
        std::size_t originBefore = closing.size();
        entry.second->takeExpired(idleBefore, closing);
        entry.second->countIdleClosed(closing.size() - originBefore);
    }
    if (closing.size() > before) {
        _open -= static_cast<unsigned>(closing.size() - before);
        _released.broadcast();
    }
}

bool ConnectionPool::evictOldestIdleLocked(Closing& closing)
{
    OriginPool* oldest = nullptr;
    for (auto& entry : _origins) {
        if (entry.second->hasIdle() && (!oldest || entry.second->oldestIdleSince() < oldest->oldestIdleSince()))
            oldest = entry.second.get();
    }
    if (!oldest)
        return false;
    closing.push_back(oldest->takeOldestIdle());
    oldest->countIdleClosed(1);
    --_open;
    return true;
}

} // namespace terrarium
