#ifndef Terrarium_ConnectionLease_INCLUDED
#define Terrarium_ConnectionLease_INCLUDED

#include "client/ConnectionPool.h"

#include <memory>

namespace terrarium {

/// A pooled connection on loan for one request: returned to the pool when the lease ends,
/// kept for reuse only if keep() was called (a complete response on a keep-alive connection),
/// closed otherwise (errors, exceptions, partial reads).
class ConnectionLease
{
public:
    ConnectionLease(ConnectionPool& pool, OriginPool& origin, std::unique_ptr<PooledConnection> connection)
        : _pool(pool), _origin(origin), _connection(std::move(connection))
    {
    }

    ~ConnectionLease() { _pool.release(_origin, std::move(_connection), _keep); }

    ConnectionLease(const ConnectionLease&) = delete;
    ConnectionLease& operator=(const ConnectionLease&) = delete;

    PooledConnection& connection() { return *_connection; }

    /// The connection may serve another request.
    void keep() { _keep = true; }

private:
    ConnectionPool& _pool;
    OriginPool& _origin;
    std::unique_ptr<PooledConnection> _connection;
    bool _keep = false;
};

} // namespace terrarium

#endif
