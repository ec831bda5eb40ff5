#ifndef Terrarium_HttpListener_INCLUDED
#define Terrarium_HttpListener_INCLUDED

#include "http/ConnectionEngine.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/ServerSocket.h>

#include <memory>
#include <sys/types.h>
#include <string>

namespace terrarium {

/// A listening socket and the ConnectionEngine that serves its connections for one handler.
class HttpListener
{
public:
    /// Binds address ("host:port", port 0 = any free port); HTTPS when tls is enabled (TLS 1.2 or
    /// newer; client certificates per tls.clientCerts). settings names the listener, its handler,
    /// limits and thread and connection bounds. An address in use by another socket is refused
    /// unless reusePort is set (SO_REUSEPORT: then every process that sets it on that address shares
    /// its connections). Throws Poco::Net::SSLContextException naming the certificate or key file
    /// that could not be used, or Poco::IOException naming the listener and address that could not
    /// be bound.
    /// An address "unix:<path>" is a Unix-domain socket: a stale socket file at path (no process
    /// accepts on it) is removed first, a live one or another kind of file is refused; the socket
    /// file gets socketMode and is removed again when the listener goes away.
    HttpListener(const std::string& address, ConnectionEngine::Settings settings, const TlsServerConfig& tls = TlsServerConfig(),
                 bool reusePort = false, unsigned socketMode = 0660);
    ~HttpListener();

    /// Starts accepting connections.
    void start();

    /// Stops accepting; idle connections close, requests being served finish and their
    /// connections close.
    void stop();

    /// Waits until every connection of this listener is closed and its threads have ended.
    void join();

    const std::string& name() const { return _name; }

    /// The bound address, with the real port ("127.0.0.1:41234"), or "unix:<path>".
    std::string boundAddress() const;

    /// Removes the socket file of a Unix-domain listener when it is still the one this listener
    /// created (also done by the destructor; for an exit that skips destructors).
    void removeSocketFile();

    /// True for an HTTPS listener.
    bool secure() const { return _secure; }

    /// The server TLS context of listener for tls (enabled); throws Poco::Net::SSLContextException
    /// naming the certificate, key or CA file that could not be used.
    static Poco::Net::Context::Ptr tlsContext(const std::string& listener, const TlsServerConfig& tls);

    /// Connection figures (for /metrics).
    ConnectionStats stats() const { return _engine->stats(); }

private:
    void bindUnixSocket(const std::string& path, unsigned mode);

    std::string _name;
    std::string _unixPath;        /// the socket file of a Unix-domain listener ("" for TCP)
    ino_t _unixInode = 0;         /// the socket file this listener created (removed only if it is still that one)
    Poco::Net::ServerSocket _socket;
    std::unique_ptr<ConnectionEngine> _engine;
    bool _secure = false;
};

} // namespace terrarium

#endif
