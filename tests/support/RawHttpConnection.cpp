#include "RawHttpConnection.h"
#include "TimeScale.h"

#include <catch2/catch.hpp>

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>

namespace terrarium::test {

namespace {

const Poco::Timespan slice(0, 100 * 1000);

} // namespace

RawHttpConnection::RawHttpConnection(const std::string& address)
{
    _socket.connect(Poco::Net::SocketAddress(address), Poco::Timespan(20, 0));
    _socket.setNoDelay(true);
    _socket.setReceiveTimeout(slice);
    _socket.setSendTimeout(Poco::Timespan(20, 0));
}

RawHttpConnection::~RawHttpConnection()
{
    try
    {
        _socket.close();
    }
    catch (...)
    {
    }
}

void RawHttpConnection::send(const std::string& data)
{
    std::size_t sent = 0;
    while (sent < data.size())
    {
        int n = _socket.sendBytes(data.data() + sent, static_cast<int>(data.size() - sent));
        if (n <= 0) throw Poco::Net::ConnectionResetException("send failed");
        sent += static_cast<std::size_t>(n);
    }
}

bool RawHttpConnection::fill(const Poco::Timestamp& started, Poco::Timespan timeout)
{
    if (_closed) return false;
    char buffer[16384];
    for (;;)
    {
        try
        {
            int n = _socket.receiveBytes(buffer, sizeof buffer);
            if (n <= 0)
            {
                _closed = true;
                return false;
            }
            _in.append(buffer, static_cast<std::size_t>(n));
            return true;
        }
        catch (const Poco::TimeoutException&)
        {
            if (started.isElapsed(scaledMicroseconds(timeout.totalMicroseconds()))) return false;
        }
        catch (const Poco::Net::ConnectionResetException&)
        {
            _closed = true;
            return false;
        }
    }
}

bool RawHttpConnection::waitFor(const std::string& needle, Poco::Timespan timeout)
{
    Poco::Timestamp started;
    while (_in.find(needle) == std::string::npos)
    {
        if (!fill(started, timeout)) return _in.find(needle) != std::string::npos;
    }
    return true;
}

bool RawHttpConnection::waitForClose(Poco::Timespan timeout)
{
    Poco::Timestamp started;
    while (!_closed)
    {
        if (!fill(started, timeout) && !_closed) return false;
    }
    return true;
}

HttpResult RawHttpConnection::readHeadResponse(Poco::Timespan timeout)
{
    Poco::Timestamp started;
    return readHead(started, timeout);
}

HttpResult RawHttpConnection::readHead(const Poco::Timestamp& started, Poco::Timespan timeout)
{
    std::size_t headerEnd;
    while ((headerEnd = _in.find("\r\n\r\n")) == std::string::npos)
    {
        if (!fill(started, timeout))
            FAIL("no complete response header within " << timeout.totalMilliseconds() << " ms (closed: " << _closed << "); received: " << _in);
    }
    HttpResult result;
    std::string head = _in.substr(0, headerEnd);
    std::size_t lineEnd = head.find("\r\n");
    std::string statusLine = head.substr(0, lineEnd);
    if (statusLine.compare(0, 5, "HTTP/") != 0 || statusLine.size() < 12) FAIL("not an HTTP status line: " << statusLine);
    result.status = Poco::NumberParser::parse(statusLine.substr(9, 3));
    std::size_t pos = lineEnd == std::string::npos ? head.size() : lineEnd + 2;
    while (pos < head.size())
    {
        std::size_t end = head.find("\r\n", pos);
        if (end == std::string::npos) end = head.size();
        std::string line = head.substr(pos, end - pos);
        std::size_t colon = line.find(':');
        if (colon != std::string::npos) result.headers[Poco::toLower(line.substr(0, colon))] = Poco::trim(line.substr(colon + 1));
        pos = end + 2;
    }
    _in.erase(0, headerEnd + 4);
    return result;
}

HttpResult RawHttpConnection::readResponse(Poco::Timespan timeout)
{
    Poco::Timestamp started;
    HttpResult result = readHead(started, timeout);
    if (result.status < 200 || result.status == 204 || result.status == 304) return result;
    std::string length = result.header("Content-Length");
    if (!length.empty())
    {
        std::size_t size = static_cast<std::size_t>(Poco::NumberParser::parseUnsigned64(length));
        while (_in.size() < size)
        {
            if (!fill(started, timeout)) FAIL("response body incomplete: " << _in.size() << " of " << size << " bytes");
        }
        result.body = _in.substr(0, size);
        _in.erase(0, size);
        return result;
    }
    if (Poco::icompare(result.header("Transfer-Encoding"), "chunked") == 0)
    {
        for (;;)
        {
            std::size_t end;
            while ((end = _in.find("\r\n")) == std::string::npos)
            {
                if (!fill(started, timeout)) FAIL("chunked response incomplete");
            }
            std::size_t chunk = static_cast<std::size_t>(Poco::NumberParser::parseHex64(Poco::trim(_in.substr(0, _in.find(';') < end ? _in.find(';') : end))));
            _in.erase(0, end + 2);
            while (_in.size() < chunk + 2)
            {
                if (!fill(started, timeout)) FAIL("chunked response incomplete");
            }
            result.body += _in.substr(0, chunk);
            _in.erase(0, chunk + 2);
            if (chunk == 0) return result;
        }
    }
    // Neither: the body ends when the connection closes.
    while (fill(started, timeout))
    {
    }
    result.body = _in;
    _in.clear();
    return result;
}

} // namespace terrarium::test
