#ifndef Terrarium_HttpConnection_INCLUDED
#define Terrarium_HttpConnection_INCLUDED

#include "config/Config.h"

#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Timestamp.h>

#include <functional>
#include <string>

namespace terrarium {

class HttpHandler;
class HttpReply;
class ServerState;
struct IncomingRequest;

/// Settings a listener hands to each of its connections.
struct ConnectionSettings
{
    std::string listener;
    LimitsConfig limits;
    HttpHandler* handler = nullptr;
    ServerState* state = nullptr;
    /// Accepted connections waiting for a thread; an idle keep-alive connection gives its thread
    /// up (closes) when others wait, so that idle clients cannot starve new ones.
    std::function<int()> waiting;
};

/// One HTTP/1.1 connection: reads requests (keep-alive, pipelining, Content-Length and chunked
/// bodies, Expect: 100-continue), enforces the limits (431 headers, 413 body, 408 time, 400
/// malformed, all as JSON errors) and writes the handler's replies in order.
class HttpConnection : public Poco::Net::TCPServerConnection
{
public:
    HttpConnection(const Poco::Net::StreamSocket& socket, const ConnectionSettings& settings);

    /// Serves requests until the peer closes, an error closes the connection, or the server stops.
    void run() override;

private:
    enum class Fill { Data, Closed, Timeout, Stopped };
    enum class Read { Complete, Closed, Failed };

    Read readRequest(IncomingRequest& request, HttpReply& failure);
    Read readBody(IncomingRequest& request, HttpReply& failure, const Poco::Timestamp& deadline);
    Fill fill(const Poco::Timestamp& deadline, bool idle);
    bool findLine(std::size_t from, std::size_t& end) const;
    void write(const IncomingRequest* request, HttpReply& reply, bool keepAlive);
    void sendAll(const char* data, std::size_t size);

    const ConnectionSettings& _settings;
    std::string _in;          /// received bytes not yet consumed start at _start
    std::size_t _start = 0;
    std::string _out;
    std::string _peer;
};

} // namespace terrarium

#endif
