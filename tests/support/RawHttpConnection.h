// A raw TCP connection for requests that HTTPClientSession cannot send: partial, stalled,
// malformed, pipelined or "Expect: 100-continue" requests. Responses are parsed by hand.
#ifndef Terrarium_Test_RawHttpConnection_INCLUDED
#define Terrarium_Test_RawHttpConnection_INCLUDED

#include "HttpTestClient.h"

#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <string>

namespace terrarium::test {

class RawHttpConnection
{
public:
    /// Connects to address ("host:port").
    explicit RawHttpConnection(const std::string& address);
    ~RawHttpConnection();
    RawHttpConnection(const RawHttpConnection&) = delete;
    RawHttpConnection& operator=(const RawHttpConnection&) = delete;

    /// Writes all of data.
    void send(const std::string& data);

    /// Reads until needle has arrived (true), the peer closed (false) or timeout passed (false).
    /// What was received stays in the buffer for readResponse().
    bool waitFor(const std::string& needle, Poco::Timespan timeout = Poco::Timespan(20, 0));

    /// Reads one response (status line, headers, Content-Length or chunked body; a response
    /// without either ends at close). FAIL()s when none arrives within timeout.
    HttpResult readResponse(Poco::Timespan timeout = Poco::Timespan(20, 0));

    /// Reads the response to a HEAD request: status line and headers only, whatever Content-Length
    /// or Transfer-Encoding they announce (the bytes after the empty line belong to the next
    /// response). FAIL()s when none arrives within timeout.
    HttpResult readHeadResponse(Poco::Timespan timeout = Poco::Timespan(20, 0));

    /// True once the peer closed the connection (reads until close, timeout or data).
    bool waitForClose(Poco::Timespan timeout = Poco::Timespan(20, 0));

    /// Bytes received and not yet consumed by readResponse().
    const std::string& buffered() const { return _in; }

private:
    /// Receives what is available within the remaining time: false on close or timeout.
    bool fill(const Poco::Timestamp& started, Poco::Timespan timeout);

    /// Reads and consumes a status line and headers.
    HttpResult readHead(const Poco::Timestamp& started, Poco::Timespan timeout);

    Poco::Net::StreamSocket _socket;
    std::string _in;
    bool _closed = false;
};

} // namespace terrarium::test

#endif
