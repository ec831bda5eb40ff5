#include "http/HttpListener.h"

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

} // namespace

HttpListener::HttpListener(std::string name, const std::string& address, const LimitsConfig& limits, unsigned threads,
                           unsigned queueSize, HttpHandler& handler, ServerState& state)
    : _pool(static_cast<int>(threads < 2 ? 2 : threads), static_cast<int>(threads < 2 ? 2 : threads), 60, 0)
{
    _settings.listener = std::move(name);
    _settings.limits = limits;
    _settings.handler = &handler;
    _settings.state = &state;
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
