#ifndef Terrarium_Transport_INCLUDED
#define Terrarium_Transport_INCLUDED

#include <Poco/Net/StreamSocket.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace terrarium {

/// The non-blocking byte stream of one accepted connection: plain TCP or TLS. Calls never
/// wait: they say when the socket must become readable or writable first. One thread at a time
/// reads; writes are serialised by the connection.
class Transport
{
public:
    static constexpr long WantRead = -1;   /// wait until the socket is readable, then call again
    static constexpr long WantWrite = -2;  /// wait until the socket is writable, then call again

    explicit Transport(const Poco::Net::StreamSocket& socket);
    virtual ~Transport();

    Transport(const Transport&) = delete;
    Transport& operator=(const Transport&) = delete;

    /// Completes the TLS handshake: 1 when done (always for plain TCP), else WantRead or
    /// WantWrite. Throws Poco::Exception when the handshake fails.
    virtual long handshake() = 0;

    /// Reads up to size bytes: the count, 0 when the peer closed, WantRead or WantWrite. Throws
    /// Poco::Exception on a broken connection.
    virtual long read(char* buffer, std::size_t size) = 0;

    /// Writes from first, then second (either may be empty): the bytes taken (> 0), or
    /// WantWrite / WantRead when none could be. Throws Poco::Exception on a broken connection.
    virtual long write(const char* first, std::size_t firstSize, const char* second = nullptr, std::size_t secondSize = 0) = 0;

    /// Writes data that a sendFile() follows at once (plain TCP: with MSG_MORE, so that it leaves
    /// together with the start of the file); otherwise as write().
    virtual long writeBeforeFile(const char* data, std::size_t size) { return write(data, size); }

    /// Sends up to size bytes of the open file descriptor from offset on: the bytes taken (> 0),
    /// or WantWrite / WantRead when none could be. Plain TCP: sendfile(2); TLS: read and
    /// encrypted through a bounded buffer (a call that answered WantWrite / WantRead must be
    /// repeated with the same arguments). Throws Poco::Exception on a broken connection, or when
    /// the file ends before offset + size (it shrank while being sent).
    virtual long sendFile(int descriptor, std::uint64_t offset, std::size_t size) = 0;

    /// True when bytes were received but not yet returned by read() (TLS records decrypted
    /// ahead): the caller must read again, readiness will not tell.
    virtual bool pending() const { return false; }

    /// The socket's descriptor (for the event engine).
    int descriptor() const { return _descriptor; }

    /// "ip:port" of the peer; over a Unix-domain socket "unix:uid=<uid>,pid=<pid>" (the peer's credentials).
    const std::string& peer() const { return _peer; }

    /// True for a Unix-domain socket (no TCP options apply).
    bool unixDomain() const { return _unixDomain; }

    /// Shuts the receiving side down: a waiting reader wakes up and sees the end of the stream.
    /// Safe from any thread while the connection exists.
    void shutdownReceive();

    /// Shuts both directions down (from any thread; the owner then closes).
    void shutdownBoth();

    /// Shuts the sending side down (the peer reads the end of the stream after what was sent).
    void shutdownSend();

    /// Closes the socket now (before the transport is destroyed); nothing may use it afterwards.
    void close();

    /// True for TLS (a plain shutdown of the sending side would cut the TLS stream).
    virtual bool encrypted() const { return false; }

    /// The subject of the certificate the peer presented in the TLS handshake (after handshake()
    /// answered 1), as Poco gives it (e.g. "CN=operator,O=Example"); empty without TLS or without a client certificate.
    virtual std::string peerCertificateSubject() const { return {}; }

protected:
    Poco::Net::StreamSocket _socket;
    int _descriptor;
    std::string _peer;
    bool _unixDomain = false;
};

} // namespace terrarium

#endif
