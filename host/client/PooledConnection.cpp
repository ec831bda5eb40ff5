#include "client/PooledConnection.h"

#include <Poco/Exception.h>

#include <poll.h>

namespace terrarium {

PooledConnection::PooledConnection(Origin origin, std::unique_ptr<Poco::Net::HTTPClientSession> session)
    : _origin(std::move(origin)), _session(std::move(session))
{
}

bool PooledConnection::unusable() const
{
    if (!_session->connected())
        return _requests > 0;
    // One poll(2) call: Poco's Socket::poll() builds an epoll set per call (four system calls).
    struct pollfd descriptor = {};
    try {
        descriptor.fd = _session->socket().impl()->sockfd();
    } catch (Poco::Exception&) {
        return true;
    }
    descriptor.events = POLLIN;
    return ::poll(&descriptor, 1, 0) != 0;
}

} // namespace terrarium
