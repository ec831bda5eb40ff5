#ifndef Terrarium_PooledConnection_INCLUDED
#define Terrarium_PooledConnection_INCLUDED

#include "client/Origin.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Timestamp.h>

#include <memory>

namespace terrarium {

/// One keep-alive connection of a pool: a Poco HTTP(S) client session and its history.
class PooledConnection
{
public:
    PooledConnection(Origin origin, std::unique_ptr<Poco::Net::HTTPClientSession> session);

    const Origin& origin() const { return _origin; }

    Poco::Net::HTTPClientSession& session() { return *_session; }

    /// True when the connection is open and has already served a request (so the peer may
    /// have closed it while it was idle).
    bool reused() const { return _requests > 0 && _session->connected(); }

    /// Records that a complete response was received on this connection.
    void countRequest() { ++_requests; }

    /// Marks the connection idle from now.
    void markIdle(const Poco::Timestamp& now) { _idleSince = now; }

    /// When the connection was last returned to the pool.
    const Poco::Timestamp& idleSince() const { return _idleSince; }

    /// True when an idle connection can no longer carry a request: closed, or readable
    /// (the peer closed it or sent something nobody asked for).
    bool unusable() const;

private:
    Origin _origin;
    std::unique_ptr<Poco::Net::HTTPClientSession> _session;
    unsigned _requests = 0;
    Poco::Timestamp _idleSince;
};

} // namespace terrarium

#endif
