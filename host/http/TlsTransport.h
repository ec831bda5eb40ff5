#ifndef Terrarium_TlsTransport_INCLUDED
#define Terrarium_TlsTransport_INCLUDED

#include "http/Transport.h"

#include <Poco/Net/SecureStreamSocket.h>

namespace terrarium {

/// TLS through Poco NetSSL's SecureStreamSocket in non-blocking mode: the handshake, reads and
/// writes answer ERR_SSL_WANT_READ / ERR_SSL_WANT_WRITE instead of waiting.
class TlsTransport : public Transport
{
public:
    /// Takes a socket accepted by a SecureServerSocket and makes it non-blocking.
    explicit TlsTransport(const Poco::Net::StreamSocket& socket);

    long handshake() override;
    long read(char* buffer, std::size_t size) override;
    long write(const char* first, std::size_t firstSize, const char* second, std::size_t secondSize) override;
    bool pending() const override;

private:
    static long wanted(int result);

    Poco::Net::SecureStreamSocket _secure;
    bool _handshakeDone = false;
};

} // namespace terrarium

#endif
