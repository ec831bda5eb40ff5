#include "http/TlsTransport.h"

#include <Poco/Net/SecureStreamSocketImpl.h>
#include <Poco/Exception.h>
#include <Poco/Net/StreamSocketImpl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace terrarium {

namespace {

/// A SecureStreamSocketImpl in the server role over a connected socket (acceptSSL() is
/// protected in Poco; this is what SecureSocketImpl::acceptConnection() does).
class ServerTlsSocketImpl : public Poco::Net::SecureStreamSocketImpl
{
public:
    ServerTlsSocketImpl(Poco::Net::StreamSocketImpl* socket, Poco::Net::Context::Ptr context) : SecureStreamSocketImpl(socket, context)
    {
        acceptSSL();
    }
};

} // namespace

Poco::Net::StreamSocket TlsTransport::serverSocket(int descriptor, Poco::Net::Context::Ptr context)
{
    Poco::Net::StreamSocket inner(new Poco::Net::StreamSocketImpl(descriptor));
    inner.setBlocking(false);
    return Poco::Net::StreamSocket(new ServerTlsSocketImpl(static_cast<Poco::Net::StreamSocketImpl*>(inner.impl()), context));
}

TlsTransport::TlsTransport(const Poco::Net::StreamSocket& socket) : Transport(socket), _secure(socket)
{
    _secure.setBlocking(false);
    _secure.setNoDelay(true);
}

long TlsTransport::wanted(int result)
{
    if (result == Poco::Net::SecureStreamSocket::ERR_SSL_WANT_READ) return WantRead;
    if (result == Poco::Net::SecureStreamSocket::ERR_SSL_WANT_WRITE) return WantWrite;
    return result;
}

long TlsTransport::handshake()
{
    if (_handshakeDone) return 1;
    long result = wanted(_secure.completeHandshake());
    if (result == 1) _handshakeDone = true;
    return result;
}

std::string TlsTransport::peerCertificateSubject() const
{
    if (!_handshakeDone || !_secure.havePeerCertificate()) return {};
    return _secure.peerCertificate().subjectName();
}

bool TlsTransport::pending() const
{
    return _secure.available() > 0;
}

long TlsTransport::read(char* buffer, std::size_t size)
{
    return wanted(_secure.receiveBytes(buffer, static_cast<int>(size)));
}

long TlsTransport::write(const char* first, std::size_t firstSize, const char* second, std::size_t secondSize)
{
    const char* data = firstSize ? first : second;
    std::size_t size = firstSize ? firstSize : secondSize;
    if (size == 0) return 0;
    return wanted(_secure.sendBytes(data, static_cast<int>(size > (1u << 30) ? (1u << 30) : size)));
}

long TlsTransport::sendFile(int descriptor, std::uint64_t offset, std::size_t size)
{
    bool continuing = _fileSent < _fileBuffer.size() && descriptor == _fileDescriptor && offset == _fileOffset + _fileSent;
    if (!continuing)
    {
        _fileBuffer.resize(std::min(size, fileBufferSize));
        std::size_t filled = 0;
        while (filled < _fileBuffer.size())
        {
            ssize_t n = ::pread(descriptor, _fileBuffer.data() + filled, _fileBuffer.size() - filled, static_cast<off_t>(offset + filled));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw Poco::IOException(std::string("reading the file to send failed: ") + std::strerror(errno));
            if (n == 0) throw Poco::IOException("the file ended before the length announced (it shrank while being sent)");
            filled += static_cast<std::size_t>(n);
        }
        _fileSent = 0;
        _fileDescriptor = descriptor;
        _fileOffset = offset;
    }
    // A write that wanted to wait is repeated with the same bytes (OpenSSL requires it).
    long n = wanted(_secure.sendBytes(_fileBuffer.data() + _fileSent, static_cast<int>(_fileBuffer.size() - _fileSent)));
    if (n <= 0) return n;
    _fileSent += static_cast<std::size_t>(n);
    if (_fileSent == _fileBuffer.size() && _fileBuffer.size() == size)
    {
        std::vector<char>().swap(_fileBuffer);   // the last piece of the range: give the memory back
        _fileSent = 0;
        _fileDescriptor = -1;
    }
    return n;
}

} // namespace terrarium
