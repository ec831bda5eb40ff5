#include "http/PlainTransport.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

namespace terrarium {

PlainTransport::PlainTransport(const Poco::Net::StreamSocket& socket) : Transport(socket)
{
    _socket.setBlocking(false);
    if (!unixDomain()) _socket.setNoDelay(true);
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
    return send(first, firstSize, second, secondSize, MSG_NOSIGNAL);
}

long PlainTransport::writeBeforeFile(const char* data, std::size_t size)
{
    return send(data, size, nullptr, 0, MSG_NOSIGNAL | MSG_MORE);
}

long PlainTransport::sendFile(int descriptor, std::uint64_t offset, std::size_t size)
{
    off_t position = static_cast<off_t>(offset);
    for (;;)
    {
        ssize_t n = ::sendfile(_descriptor, descriptor, &position, std::min<std::size_t>(size, 1u << 30));
        if (n > 0) return static_cast<long>(n);
        if (n == 0) throw Poco::IOException("the file ended before the length announced (it shrank while being sent)");
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return WantWrite;
        throw Poco::Net::ConnectionResetException(std::string("sendfile failed: ") + std::strerror(errno));
    }
}

long PlainTransport::send(const char* first, std::size_t firstSize, const char* second, std::size_t secondSize, int flags)
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
        ssize_t n = ::sendmsg(_descriptor, &message, flags);
        if (n >= 0) return static_cast<long>(n);
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return WantWrite;
        throw Poco::Net::ConnectionResetException(std::string("send failed: ") + std::strerror(errno));
    }
}

} // namespace terrarium
