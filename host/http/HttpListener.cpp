#include "http/HttpListener.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/Net/TCPServerParams.h>

namespace terrarium {

namespace {

class ConnectionFactory : public Poco::Net::TCPServerConnectionFactory
{
public:
    explicit ConnectionFactory(const ConnectionSettings& settings) : _settings(settings) {}

    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override
    {
        return new HttpConnection(socket, _settings);
    }

private:
    const ConnectionSettings& _settings;
};

Poco::Net::Context::Ptr serverContext(const std::string& listener, const TlsServerConfig& tls)
{
    Poco::Net::Context::Params params;
    params.privateKeyFile = tls.keyFile;
    params.certificateFile = tls.certFile;
    params.caLocation = tls.caFile;
    params.verificationMode = tls.clientCerts == "required" ? Poco::Net::Context::VERIFY_STRICT
        : tls.clientCerts == "optional"                   ? Poco::Net::Context::VERIFY_RELAXED
                                                          : Poco::Net::Context::VERIFY_NONE;
    params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES";
    try
    {
        Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
        context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
        context->enableSessionCache(true, "terrarium-" + listener);
        return context;
    }
    catch (const Poco::Exception& e)
    {
        throw Poco::Net::SSLContextException("listener '" + listener + "': cannot use certificate " + tls.certFile + " with key "
                                              + tls.keyFile + (tls.caFile.empty() ? "" : " and CA " + tls.caFile) + ": " + e.displayText());
    }
}

} // namespace

HttpListener::HttpListener(std::string name, const std::string& address, const LimitsConfig& limits, unsigned threads,
                           unsigned queueSize, HttpHandler& handler, ServerState& state, const TlsServerConfig& tls)
    : _pool(static_cast<int>(threads < 2 ? 2 : threads), static_cast<int>(threads < 2 ? 2 : threads), 60, 0)
{
    _settings.listener = std::move(name);
    _settings.limits = limits;
    _settings.handler = &handler;
    _settings.state = &state;
    if (tls.enabled)
    {
        _socket = Poco::Net::SecureServerSocket(serverContext(_settings.listener, tls));
        _secure = true;
    }
    _socket.bind(Poco::Net::SocketAddress(address), true, true);
    _socket.listen(static_cast<int>(queueSize < 64 ? 64 : queueSize));

    auto* params = new Poco::Net::TCPServerParams;
    params->setMaxThreads(static_cast<int>(threads));
    params->setMaxQueued(static_cast<int>(queueSize));
    params->setThreadIdleTime(Poco::Timespan(60, 0));
    _server = std::make_unique<Poco::Net::TCPServer>(new ConnectionFactory(_settings), _pool, _socket, params);
    _settings.waiting = [server = _server.get()] { return server->queuedConnections(); };
}

HttpListener::~HttpListener()
{
    stop();
    join();
}

void HttpListener::start()
{
    _server->start();
}

void HttpListener::stop()
{
    if (_stopped) return;
    _stopped = true;
    _server->stop();
}

void HttpListener::join()
{
    _pool.joinAll();
}

std::string HttpListener::boundAddress() const
{
    return _socket.address().toString();
}

} // namespace terrarium
