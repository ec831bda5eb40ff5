#include "http/PlainTransport.h"

#include <Poco/Net/NetException.h>

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/uio.h>

namespace terrarium {

PlainTransport::PlainTransport(const Poco::Net::StreamSocket& socket) : Transport(socket)
{
    _socket.setBlocking(false);
    _socket.setNoDelay(true);
}

long PlainTransport::read(char* buffer, std::size_t size)
{
    for (;;)
    {
        ssize_t n = ::recv(_descriptor, buffer, size, 0);
        if (n >= 0) return static_cast<long>(n);
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return WantRead;
        throw Poco::Net::ConnectionResetException(std::string("receive failed: ") + std::strerror(errno));
    }
}

long PlainTransport::write(const char* first, std::size_t firstSize, const char* second, std::size_t secondSize)
{
    iovec parts[2];
    int count = 0;
    if (firstSize) parts[count++] = iovec{const_cast<char*>(first), firstSize};
    if (secondSize) parts[count++] = iovec{const_cast<char*>(second), secondSize};
    if (count == 0) return 0;
    msghdr message;
    std::memset(&message, 0, sizeof message);
    message.msg_iov = parts;
    message.msg_iovlen = static_cast<std::size_t>(count);
    for (;;)
    {
        ssize_t n = ::sendmsg(_descriptor, &message, MSG_NOSIGNAL);
        if (n >= 0) return static_cast<long>(n);
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return WantWrite;
        throw Poco::Net::ConnectionResetException(std::string("send failed: ") + std::strerror(errno));
    }
}

} // namespace terrarium
