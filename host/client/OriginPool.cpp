#include "client/OriginPool.h"

namespace terrarium {

OriginPool::OriginPool(Origin origin, unsigned breakerFailures, Poco::Timespan breakerOpen)
    : _origin(std::move(origin)), _breaker(breakerFailures, breakerOpen)
{
}

ClientStats::Origin OriginPool::stats(const Poco::Timestamp& now) const
{
    ClientStats::Origin figures;
    figures.origin = _origin.key();
    figures.open = open();
    figures.idle = static_cast<unsigned>(_idle.size());
    figures.inUse = _inUse;
    figures.waiting = _waiting;
    figures.calls = _calls.load();
    figures.connects = _connects.load();
    figures.waits = _waits.load();
    figures.retries = _retries.load();
    figures.failures = _failures.load();
    figures.serverErrors = _serverErrors.load();
    figures.staleReplaced = _staleReplaced.load();
    figures.idleClosed = _idleClosed.load();
    figures.breaker = _breaker.state(now);
    return figures;
}

std::unique_ptr<PooledConnection> OriginPool::takeIdle()
{
    std::unique_ptr<PooledConnection> connection = std::move(_idle.back());
    _idle.pop_back();
    ++_inUse;
    return connection;
}

std::unique_ptr<PooledConnection> OriginPool::takeOldestIdle()
{
    std::unique_ptr<PooledConnection> connection = std::move(_idle.front());
    _idle.pop_front();
    return connection;
}

void OriginPool::putIdle(std::unique_ptr<PooledConnection> connection, const Poco::Timestamp& now)
{
    connection->markIdle(now);
    _idle.push_back(std::move(connection));
    --_inUse;
}

void OriginPool::takeExpired(const Poco::Timestamp& idleBefore, std::vector<std::unique_ptr<PooledConnection>>& closing)
{
    while (!_idle.empty() && _idle.front()->idleSince() <= idleBefore) {
        closing.push_back(std::move(_idle.front()));
        _idle.pop_front();
    }
}

void OriginPool::takeAllIdle(std::vector<std::unique_ptr<PooledConnection>>& closing)
{
    for (auto& connection : _idle)
        closing.push_back(std::move(connection));
    _idle.clear();
}

} // namespace terrarium
