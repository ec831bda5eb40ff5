#ifndef Terrarium_PlainTransport_INCLUDED
#define Terrarium_PlainTransport_INCLUDED

#include "http/Transport.h"

namespace terrarium {

/// Plain TCP. Reads and writes go to the descriptor of the Poco socket directly (recv, writev
/// with MSG_NOSIGNAL semantics), because Poco 1.11's non-blocking StreamSocket::sendBytes throws
/// on EAGAIN instead of returning, and a gathering write sends head and body in one call. File
/// bodies go out with sendfile(2), without passing through user space.
class PlainTransport : public Transport
{
public:
    /// Takes a connected socket and makes it non-blocking.
    explicit PlainTransport(const Poco::Net::StreamSocket& socket);

    long handshake() override { return 1; }
    long read(char* buffer, std::size_t size) override;
    long write(const char* first, std::size_t firstSize, const char* second, std::size_t secondSize) override;
    long writeBeforeFile(const char* data, std::size_t size) override;
    long sendFile(int descriptor, std::uint64_t offset, std::size_t size) override;

private:
    long send(const char* first, std::size_t firstSize, const char* second, std::size_t secondSize, int flags);
};

} // namespace terrarium

#endif
