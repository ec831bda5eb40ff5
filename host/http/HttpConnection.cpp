#include "http/HttpConnection.h"

#include "http/HeaderName.h"
#include "http/HttpHandler.h"
#include "http/HttpReply.h"
#include "http/IncomingRequest.h"
#include "http/ServerState.h"
#include "logging/RequestId.h"
#include "logging/RequestIdScope.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Logger.h>
#include <Poco/MemoryStream.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <cstring>
#include <ctime>

namespace terrarium {

namespace {

/// How often a blocked read wakes up to look at deadlines and the stop flag.
const Poco::Timespan pollSlice(0, 200 * 1000);

Poco::Logger& logger() { return Poco::Logger::get("http"); }

/// The Date header value, formatted once per second per thread.
const std::string& httpDate()
{
    thread_local std::time_t last = 0;
    thread_local std::string text;
    std::time_t now = std::time(nullptr);
    if (now != last)
    {
        last = now;
        text = Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(now), Poco::DateTimeFormat::HTTP_FORMAT);
    }
    return text;
}

} // namespace

HttpConnection::HttpConnection(const Poco::Net::StreamSocket& socket, const ConnectionSettings& settings)
    : Poco::Net::TCPServerConnection(socket), _settings(settings)
{
}

void HttpConnection::run()
{
    ServerState& state = *_settings.state;
    try
    {
        socket().setNoDelay(true);
        socket().setReceiveTimeout(pollSlice);
        socket().setSendTimeout(_settings.limits.requestTimeout);
        _peer = socket().peerAddress().toString();
        _in.reserve(8192);
        for (;;)
        {
            IncomingRequest request;
            HttpReply reply;
            Read read = readRequest(request, reply);
            if (read == Read::Closed) break;
            if (read == Read::Failed)
            {
                if (reply.status() != 0) write(nullptr, reply, false);
                break;
            }
            reply.setStatus(200);
            const std::string* sentId = request.header("X-Request-Id");
            request.requestId = sentId && RequestId::isValid(*sentId) ? *sentId : RequestId::generate();
            bool keepAlive = request.keepAlive && !state.stopping();
            state.enter();
            try
            {
                RequestIdScope scope(request.requestId);
                _settings.handler->handle(request, reply);
            }
            catch (const std::exception& e)
            {
                logger().error("%s %s: handler failed: %s", request.method, request.path, std::string(e.what()));
                reply.reset();
                reply.error(500, "internal_error", e.what());
            }
            state.leave();
            for (const auto& h : reply.headers())
            {
                if (sameHeaderName(h.first, "Connection") && Poco::icompare(h.second, "close") == 0) keepAlive = false;
            }
            write(&request, reply, keepAlive && !state.stopping());
            if (!keepAlive || state.stopping()) break;
        }
    }
    catch (const Poco::Exception& e)
    {
        logger().debug("connection %s closed: %s", _peer, e.displayText());
    }
    catch (const std::exception& e)
    {
        logger().debug("connection %s closed: %s", _peer, std::string(e.what()));
    }
}

HttpConnection::Fill HttpConnection::fill(const Poco::Timestamp& deadline, bool idle)
{
    if (_start > 0 && _start == _in.size())
    {
        _in.clear();
        _start = 0;
    }
    else if (_start > 65536 && _start * 2 > _in.size())
    {
        _in.erase(0, _start);
        _start = 0;
    }
    char buffer[16384];
    for (;;)
    {
        try
        {
            int n = socket().receiveBytes(buffer, sizeof buffer);
            if (n <= 0) return Fill::Closed;
            _in.append(buffer, static_cast<std::size_t>(n));
            return Fill::Data;
        }
        catch (const Poco::TimeoutException&)
        {
            if (idle && (_settings.state->stopping() || (_settings.waiting && _settings.waiting() > 0))) return Fill::Stopped;
            if (deadline.isElapsed(0)) return Fill::Timeout;
        }
    }
}

bool HttpConnection::findLine(std::size_t from, std::size_t& end) const
{
    std::size_t pos = _in.find("\r\n", from);
    if (pos == std::string::npos) return false;
    end = pos;
    return true;
}

HttpConnection::Read HttpConnection::readRequest(IncomingRequest& request, HttpReply& failure)
{
    const LimitsConfig& limits = _settings.limits;
    failure.setStatus(0);

    // Skip empty lines between pipelined requests (RFC 9112 2.2).
    Poco::Timestamp idleDeadline;
    idleDeadline += limits.keepAliveTimeout.totalMicroseconds();
    Poco::Timestamp deadline;
    bool started = false;
    std::size_t headerEnd = std::string::npos;
    for (;;)
    {
        while (_in.size() - _start >= 2 && _in.compare(_start, 2, "\r\n") == 0) _start += 2;
        if (_in.size() > _start)
        {
            if (!started)
            {
                started = true;
                deadline.update();
                deadline += limits.requestTimeout.totalMicroseconds();
            }
            headerEnd = _in.find("\r\n\r\n", _start);
            std::size_t headerBytes = headerEnd == std::string::npos ? _in.size() - _start : headerEnd + 4 - _start;
            if (headerBytes > limits.maxHeaderBytes)
            {
                failure.error(431, "header_too_large", "request line and headers exceed " + std::to_string(limits.maxHeaderBytes) + " bytes");
                return Read::Failed;
            }
            if (headerEnd != std::string::npos) break;
        }
        Fill result = fill(started ? deadline : idleDeadline, !started);
        if (result == Fill::Closed || result == Fill::Stopped) return Read::Closed;
        if (result == Fill::Timeout)
        {
            if (!started) return Read::Closed;   // idle keep-alive connection: just close
            failure.error(408, "request_timeout", "request not received within " + std::to_string(limits.requestTimeout.totalMilliseconds()) + " ms");
            return Read::Failed;
        }
    }

    Poco::Net::HTTPRequest parsed;
    try
    {
        Poco::MemoryInputStream in(_in.data() + _start, headerEnd + 4 - _start);
        parsed.read(in);
    }
    catch (const Poco::Exception& e)
    {
        // Only header-field limits are 431; a malformed request line is 400 (the size of the whole
        // header block is checked above, before parsing).
        const std::string& m = e.message();
        bool tooLong = m.find("Field name too long") != std::string::npos || m.find("Field value too long") != std::string::npos ||
                       m.find("Too many header fields") != std::string::npos;
        if (tooLong)
            failure.error(431, "header_too_large", "request header rejected: " + e.message());
        else
            failure.error(400, "bad_request", "malformed request: " + e.displayText());
        return Read::Failed;
    }
    _start = headerEnd + 4;

    request.method = parsed.getMethod();
    request.target = parsed.getURI();
    request.version = parsed.getVersion();
    request.clientAddress = _peer;
    request.listener = _settings.listener;
    if (request.method.empty() || request.target.empty() || request.version.compare(0, 5, "HTTP/") != 0)
    {
        failure.error(400, "bad_request", "malformed request line");
        return Read::Failed;
    }
    std::string::size_type q = request.target.find('?');
    if (request.target[0] == '/')
    {
        request.path = request.target.substr(0, q);
        if (q != std::string::npos) request.query = request.target.substr(q + 1);
    }
    else if (request.target == "*")
        request.path = "*";
    else
    {
        // absolute-form: scheme://authority/path?query
        std::string::size_type scheme = request.target.find("://");
        std::string::size_type slash = scheme == std::string::npos ? std::string::npos : request.target.find('/', scheme + 3);
        if (slash == std::string::npos || (q != std::string::npos && q < slash))
            request.path = "/";
        else
            request.path = request.target.substr(slash, q == std::string::npos ? std::string::npos : q - slash);
        if (q != std::string::npos) request.query = request.target.substr(q + 1);
    }
    request.headers.reserve(parsed.size());
    for (const auto& h : parsed) request.headers.emplace_back(h.first, h.second);

    const std::string* connection = request.header("Connection");
    if (request.version == "HTTP/1.0")
        request.keepAlive = connection && Poco::icompare(*connection, "keep-alive") == 0;
    else
        request.keepAlive = !(connection && Poco::icompare(*connection, "close") == 0);

    return readBody(request, failure, deadline);
}

HttpConnection::Read HttpConnection::readBody(IncomingRequest& request, HttpReply& failure, const Poco::Timestamp& deadline)
{
    const LimitsConfig& limits = _settings.limits;
    const std::string* transfer = request.header("Transfer-Encoding");
    const std::string* length = request.header("Content-Length");
    const std::string* expect = request.header("Expect");
    bool chunked = transfer && Poco::icompare(Poco::trim(*transfer), "chunked") == 0;
    if (transfer && !chunked)
    {
        failure.error(501, "not_implemented", "unsupported Transfer-Encoding '" + *transfer + "'");
        return Read::Failed;
    }
    std::size_t contentLength = 0;
    if (length && !chunked)
    {
        Poco::UInt64 value = 0;
        if (!Poco::NumberParser::tryParseUnsigned64(Poco::trim(*length), value))
        {
            failure.error(400, "bad_request", "invalid Content-Length '" + *length + "'");
            return Read::Failed;
        }
        if (value > limits.maxBodyBytes)
        {
            failure.error(413, "payload_too_large", "request body of " + std::to_string(value) + " bytes exceeds the limit of " + std::to_string(limits.maxBodyBytes) + " bytes");
            return Read::Failed;
        }
        contentLength = static_cast<std::size_t>(value);
    }
    bool expectsBody = chunked || contentLength > 0;
    if (expect && expectsBody && Poco::icompare(*expect, "100-continue") == 0 && request.version == "HTTP/1.1" && _in.size() == _start)
    {
        static const char continueLine[] = "HTTP/1.1 100 Continue\r\n\r\n";
        sendAll(continueLine, sizeof continueLine - 1);
    }

    auto need = [&](std::size_t bytes) -> Read {
        while (_in.size() - _start < bytes)
        {
            Fill result = fill(deadline, false);
            if (result == Fill::Closed || result == Fill::Stopped) return Read::Closed;
            if (result == Fill::Timeout)
            {
                failure.error(408, "request_timeout", "request body not received within " + std::to_string(limits.requestTimeout.totalMilliseconds()) + " ms");
                return Read::Failed;
            }
        }
        return Read::Complete;
    };
    auto needLine = [&](std::size_t& end) -> Read {
        while (!findLine(_start, end))
        {
            if (_in.size() - _start > 4096)
            {
                failure.error(400, "bad_request", "chunk header line too long");
                return Read::Failed;
            }
            Read r = need(_in.size() - _start + 1);
            if (r != Read::Complete) return r;
        }
        return Read::Complete;
    };

    if (!chunked)
    {
        if (contentLength == 0) return Read::Complete;
        Read r = need(contentLength);
        if (r != Read::Complete) return r;
        request.body.assign(_in, _start, contentLength);
        _start += contentLength;
        return Read::Complete;
    }

    for (;;)
    {
        std::size_t end = 0;
        Read r = needLine(end);
        if (r != Read::Complete) return r;
        std::string sizeText = _in.substr(_start, end - _start);
        std::string::size_type semicolon = sizeText.find(';');
        if (semicolon != std::string::npos) sizeText.resize(semicolon);
        Poco::UInt64 chunk = 0;
        if (!Poco::NumberParser::tryParseHex64(Poco::trim(sizeText), chunk))
        {
            failure.error(400, "bad_request", "invalid chunk size '" + sizeText + "'");
            return Read::Failed;
        }
        _start = end + 2;
        if (chunk == 0)
        {
            // trailer section: lines until an empty one
            for (;;)
            {
                r = needLine(end);
                if (r != Read::Complete) return r;
                bool empty = end == _start;
                _start = end + 2;
                if (empty) return Read::Complete;
            }
        }
        if (request.body.size() + chunk > limits.maxBodyBytes)
        {
            failure.error(413, "payload_too_large", "chunked request body exceeds the limit of " + std::to_string(limits.maxBodyBytes) + " bytes");
            return Read::Failed;
        }
        r = need(static_cast<std::size_t>(chunk) + 2);
        if (r != Read::Complete) return r;
        request.body.append(_in, _start, static_cast<std::size_t>(chunk));
        _start += static_cast<std::size_t>(chunk);
        if (_in.compare(_start, 2, "\r\n") != 0)
        {
            failure.error(400, "bad_request", "chunk not terminated by CRLF");
            return Read::Failed;
        }
        _start += 2;
    }
}

void HttpConnection::write(const IncomingRequest* request, HttpReply& reply, bool keepAlive)
{
    int status = reply.status();
    std::string_view body = reply.body();
    bool head = request && request->method == "HEAD";
    bool noBody = head || status == 204 || status == 304 || (status >= 100 && status < 200);

    _out.clear();
    _out += "HTTP/1.1 ";
    _out += std::to_string(status);
    _out += ' ';
    _out += Poco::Net::HTTPResponse::getReasonForStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    _out += "\r\n";
    for (const auto& h : reply.headers())
    {
        if (sameHeaderName(h.first, "Content-Length") || sameHeaderName(h.first, "Transfer-Encoding") || sameHeaderName(h.first, "Connection")) continue;
        _out += h.first;
        _out += ": ";
        _out += h.second;
        _out += "\r\n";
    }
    if (status != 204 && !(status >= 100 && status < 200))
    {
        _out += "Content-Length: ";
        _out += std::to_string(body.size());
        _out += "\r\n";
    }
    if (!keepAlive) _out += "Connection: close\r\n";
    if (request && !request->requestId.empty() && !reply.hasHeader("X-Request-Id"))
    {
        _out += "X-Request-Id: ";
        _out += request->requestId;
        _out += "\r\n";
    }
    _out += "Date: ";
    _out += httpDate();
    _out += "\r\n\r\n";
    if (!noBody)
    {
        if (body.size() <= 65536)
            _out.append(body.data(), body.size());
        else
        {
            sendAll(_out.data(), _out.size());
            sendAll(body.data(), body.size());
            return;
        }
    }
    sendAll(_out.data(), _out.size());
}

void HttpConnection::sendAll(const char* data, std::size_t size)
{
    while (size > 0)
    {
        int n = socket().sendBytes(data, static_cast<int>(size > (1u << 30) ? (1u << 30) : size));
        if (n <= 0) throw Poco::Net::ConnectionResetException("send failed");
        data += n;
        size -= static_cast<std::size_t>(n);
    }
}

} // namespace terrarium
