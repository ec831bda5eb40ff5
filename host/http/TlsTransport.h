#ifndef Terrarium_TlsTransport_INCLUDED
#define Terrarium_TlsTransport_INCLUDED

#include "http/Transport.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/SecureStreamSocket.h>

#include <vector>

namespace terrarium {

/// TLS through Poco NetSSL's SecureStreamSocket in non-blocking mode: the handshake, reads and
/// writes answer ERR_SSL_WANT_READ / ERR_SSL_WANT_WRITE instead of waiting.
///
/// Poco 1.11 decides whether to wait from the blocking flag of the TCP socket *inside* the TLS
/// socket, which SecureStreamSocket::setBlocking() does not change; a socket accepted by a
/// SecureServerSocket therefore keeps polling with its receive timeout and throws
/// TimeoutException when no byte is there yet. serverSocket() builds the TLS socket over a
/// descriptor accepted by the engine, with the inner socket non-blocking from the start.
class TlsTransport : public Transport
{
public:
    /// A server-side TLS socket (handshake pending) over the accepted, non-blocking descriptor.
    static Poco::Net::StreamSocket serverSocket(int descriptor, Poco::Net::Context::Ptr context);

    /// Takes a socket made by serverSocket().
    explicit TlsTransport(const Poco::Net::StreamSocket& socket);

    long handshake() override;
    bool encrypted() const override { return true; }
    long read(char* buffer, std::size_t size) override;
    long write(const char* first, std::size_t firstSize, const char* second, std::size_t secondSize) override;
    bool pending() const override;
    std::string peerCertificateSubject() const override;
    /// Reads at most fileBufferSize bytes of the file at a time and encrypts them.
    long sendFile(int descriptor, std::uint64_t offset, std::size_t size) override;

    static constexpr std::size_t fileBufferSize = 64 * 1024;

private:
    static long wanted(int result);

    Poco::Net::SecureStreamSocket _secure;
    bool _handshakeDone = false;
    std::vector<char> _fileBuffer;         /// bytes read from the file, _fileSent of them sent
    std::size_t _fileSent = 0;
    int _fileDescriptor = -1;              /// where _fileBuffer was read from
    std::uint64_t _fileOffset = 0;
};

} // namespace terrarium

#endif
