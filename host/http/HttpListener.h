#ifndef Terrarium_HttpListener_INCLUDED
#define Terrarium_HttpListener_INCLUDED

#include "http/HttpConnection.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <memory>
#include <string>

namespace terrarium {

/// A listening socket with its own thread pool, serving HttpConnections for one handler.
class HttpListener
{
public:
    /// Binds address ("host:port", port 0 = any free port); HTTPS when tls is enabled (TLS 1.2 or
    /// newer; client certificates per tls.clientCerts). Throws Poco::Exception on failure, naming
    /// the certificate or key file that could not be used.
    HttpListener(std::string name, const std::string& address, const LimitsConfig& limits, unsigned threads,
                 unsigned queueSize, HttpHandler& handler, ServerState& state, const TlsServerConfig& tls = TlsServerConfig());
    ~HttpListener();

    /// Starts accepting connections.
    void start();

    /// Stops accepting; open connections finish their current request and close.
    void stop();

    /// Waits until every connection thread of this listener has finished.
    void join();

    const std::string& name() const { return _settings.listener; }

    /// The bound address, with the real port ("127.0.0.1:41234").
    std::string boundAddress() const;

    /// True for an HTTPS listener.
    bool secure() const { return _secure; }

private:
    ConnectionSettings _settings;
    Poco::Net::ServerSocket _socket;
    Poco::ThreadPool _pool;
    std::unique_ptr<Poco::Net::TCPServer> _server;
    bool _stopped = false;
    bool _secure = false;
};

} // namespace terrarium

#endif
