#include "http/Transport.h"

#include <sys/socket.h>

namespace terrarium {

Transport::Transport(const Poco::Net::StreamSocket& socket) : _socket(socket), _descriptor(static_cast<int>(socket.impl()->sockfd()))
{
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

} // namespace terrarium
