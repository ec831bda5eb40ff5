#include "http/Transport.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <string>

namespace terrarium {

Transport::Transport(const Poco::Net::StreamSocket& socket) : _socket(socket), _descriptor(static_cast<int>(socket.impl()->sockfd()))
{
    sockaddr_storage local{};
    socklen_t length = sizeof local;
    _unixDomain = ::getsockname(_descriptor, reinterpret_cast<sockaddr*>(&local), &length) == 0 && local.ss_family == AF_UNIX;
    if (_unixDomain)
    {
        ucred credentials{};
        socklen_t size = sizeof credentials;
        _peer = ::getsockopt(_descriptor, SOL_SOCKET, SO_PEERCRED, &credentials, &size) == 0
            ? "unix:uid=" + std::to_string(credentials.uid) + ",pid=" + std::to_string(credentials.pid)
            : std::string("unix");
        return;
    }
    try
    {
        _peer = _socket.peerAddress().toString();
    }
    catch (const Poco::Exception&)
    {
        _peer = "unknown";
    }
}

Transport::~Transport() = default;

void Transport::shutdownReceive()
{
    ::shutdown(_descriptor, SHUT_RD);
}

void Transport::shutdownBoth()
{
    ::shutdown(_descriptor, SHUT_RDWR);
}

void Transport::shutdownSend()
{
    ::shutdown(_descriptor, SHUT_WR);
}

void Transport::close()
{
    _socket.close();
}

} // namespace terrarium
