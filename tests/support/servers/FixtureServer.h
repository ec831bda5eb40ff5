#ifndef Terrarium_FixtureServer_INCLUDED
#define Terrarium_FixtureServer_INCLUDED

#include "FixtureHandlerFactory.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>
#include <Poco/Types.h>

#include <memory>
#include <mutex>

namespace terrarium {
namespace test {

/// The Poco::Net::HTTPServer of a loopback fixture on 127.0.0.1 (ephemeral port), plain HTTP or
/// HTTPS: every request goes to Fixture::handle(request, response) on a server thread; keep-alive,
/// 10 s connection timeout, listen backlog 64. It can be taken down (listener closed, open
/// connections cut) and brought up again on the same port. Thread-safe.
template <class Fixture>
class FixtureServer
{
public:
    /// Serves fixture (it must outlive the server) with up to maxThreads threads and maxQueued
    /// waiting connections, over TLS with context when it is not null. Does not listen before start().
    FixtureServer(Fixture& fixture, int maxThreads, int maxQueued, Poco::Net::Context::Ptr context = nullptr)
        : _fixture(fixture), _context(context), _maxThreads(maxThreads), _maxQueued(maxQueued), _threads(2, maxThreads)
    {
    }

    /// Stops, as stop() does.
    ~FixtureServer() { stop(); }

    FixtureServer(const FixtureServer&) = delete;
    FixtureServer& operator=(const FixtureServer&) = delete;

    /// Starts listening and serving (on a new ephemeral port the first time).
    void start()
    {
        std::lock_guard<std::mutex> lock(_serverMutex);
        listen();
    }

    /// Closes every connection and joins the threads; handlers still running are waited for.
    void stop()
    {
        {
            std::lock_guard<std::mutex> lock(_serverMutex);
            if (_server)
                _server->stopAll(true);
            _server.reset();
        }
        _threads.joinAll();
    }

    /// true: stops listening and cuts open connections (clients get "connection refused");
    /// false: listens again on the same port.
    void setDown(bool down)
    {
        std::lock_guard<std::mutex> lock(_serverMutex);
        if (down && _server)
        {
            _server->stopAll(true);
            _server.reset();
        }
        else if (!down && !_server)
        {
            listen();
        }
    }

    /// The bound port (the same after a down/up cycle); 0 before start().
    Poco::UInt16 port() const { return _port; }

    /// Whether it serves HTTPS.
    bool secure() const { return !_context.isNull(); }

private:
    void listen()
    {
        const Poco::Net::SocketAddress address("127.0.0.1", _port);
        Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(_maxThreads);
        params->setMaxQueued(_maxQueued);
        params->setKeepAlive(true);
        params->setTimeout(Poco::Timespan(10, 0));
        if (_context)
        {
            Poco::Net::SecureServerSocket socket(_context);
            serve(socket, address, params);
        }
        else
        {
            Poco::Net::ServerSocket socket;
            serve(socket, address, params);
        }
    }

    void serve(Poco::Net::ServerSocket& socket, const Poco::Net::SocketAddress& address, Poco::Net::HTTPServerParams::Ptr params)
    {
        socket.bind(address, true);
        socket.listen(64);
        _port = socket.address().port();
        _server = std::make_unique<Poco::Net::HTTPServer>(new FixtureHandlerFactory<Fixture>(_fixture), _threads, socket, params);
        _server->start();
    }

    Fixture& _fixture;
    Poco::Net::Context::Ptr _context;
    int _maxThreads;
    int _maxQueued;
    Poco::ThreadPool _threads;
    std::mutex _serverMutex;  /// serialises start, stop and down/up
    std::unique_ptr<Poco::Net::HTTPServer> _server;
    Poco::UInt16 _port = 0;
};

} // namespace test
} // namespace terrarium

#endif
