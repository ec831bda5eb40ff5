#include "http/RequestParser.h"

#include "http/HeaderName.h"
#include "http/HttpReply.h"
#include "http/IncomingRequest.h"

#include <Poco/MemoryStream.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>

namespace terrarium {

namespace {

const std::size_t maxChunkLine = 4096;

/// Splits the request target into path and query (origin-form, asterisk-form, absolute-form).
void splitTarget(IncomingRequest& request)
{
    const std::string& target = request.target;
    std::string::size_type q = target.find('?');
    if (target[0] == '/')
    {
        request.path = target.substr(0, q);
        if (q != std::string::npos) request.query = target.substr(q + 1);
    }
    else if (target == "*")
        request.path = "*";
    else
    {
        std::string::size_type scheme = target.find("://");
        std::string::size_type slash = scheme == std::string::npos ? std::string::npos : target.find('/', scheme + 3);
        if (slash == std::string::npos || (q != std::string::npos && q < slash))
            request.path = "/";
        else
            request.path = target.substr(slash, q == std::string::npos ? std::string::npos : q - slash);
        if (q != std::string::npos) request.query = target.substr(q + 1);
    }
}

} // namespace

RequestParser::RequestParser(const LimitsConfig& limits) : _limits(limits)
{
}

void RequestParser::setOrigin(const std::string& peer, const std::string& listener)
{
    _peer = peer;
    _listener = listener;
}

void RequestParser::reset()
{
    _state = State::Idle;
    _remaining = 0;
    _expectContinue = false;
    _continueSent = false;
}

RequestParser::Result RequestParser::complete()
{
    reset();
    return Result::Complete;
}

RequestParser::Result RequestParser::parse(const std::string& buffer, std::size_t& start, IncomingRequest& request, HttpReply& failure)
{
    if (_state == State::Idle || _state == State::Headers)
    {
        Result result = parseHeaders(buffer, start, request, failure);
        if (result != Result::Complete) return result;
    }
    return parseBody(buffer, start, request, failure);
}

RequestParser::Result RequestParser::parseHeaders(const std::string& buffer, std::size_t& start, IncomingRequest& request, HttpReply& failure)
{
    if (_state == State::Idle)
    {
        // Empty lines before a request are ignored (RFC 9112 2.2).
        while (buffer.size() - start >= 2 && buffer.compare(start, 2, "\r\n") == 0) start += 2;
        if (buffer.size() == start || (buffer.size() - start == 1 && buffer[start] == '\r')) return Result::NeedMore;
        _state = State::Headers;
    }
    std::size_t headerEnd = buffer.find("\r\n\r\n", start);
    std::size_t headerBytes = headerEnd == std::string::npos ? buffer.size() - start : headerEnd + 4 - start;
    if (headerBytes > _limits.maxHeaderBytes)
    {
        failure.error(431, "header_too_large", "request line and headers exceed " + std::to_string(_limits.maxHeaderBytes) + " bytes");
        return Result::Failed;
    }
    if (headerEnd == std::string::npos) return Result::NeedMore;

    Poco::Net::HTTPRequest parsed;
    try
    {
        Poco::MemoryInputStream in(buffer.data() + start, headerBytes);
        parsed.read(in);
    }
    catch (const Poco::Exception& e)
    {
        // Only header-field limits are 431; a malformed request line is 400 (the size of the
        // whole header block is checked above, before parsing).
        const std::string& m = e.message();
        bool tooLong = m.find("Field name too long") != std::string::npos || m.find("Field value too long") != std::string::npos ||
                       m.find("Too many header fields") != std::string::npos;
        if (tooLong)
            failure.error(431, "header_too_large", "request header rejected: " + e.message());
        else
            failure.error(400, "bad_request", "malformed request: " + e.displayText());
        return Result::Failed;
    }
    start = headerEnd + 4;

    request.method = parsed.getMethod();
    request.target = parsed.getURI();
    request.version = parsed.getVersion();
    request.clientAddress = _peer;
    request.listener = _listener;
    if (request.method.empty() || request.target.empty() || request.version.compare(0, 5, "HTTP/") != 0)
    {
        failure.error(400, "bad_request", "malformed request line");
        return Result::Failed;
    }
    splitTarget(request);
    request.headers.reserve(parsed.size());
    for (const auto& h : parsed) request.headers.emplace_back(h.first, h.second);

    const std::string* connection = request.header("Connection");
    if (request.version == "HTTP/1.0")
        request.keepAlive = connection && Poco::icompare(*connection, "keep-alive") == 0;
    else
        request.keepAlive = !(connection && Poco::icompare(*connection, "close") == 0);

    const std::string* transfer = request.header("Transfer-Encoding");
    const std::string* length = request.header("Content-Length");
    bool chunked = transfer && Poco::icompare(Poco::trim(*transfer), "chunked") == 0;
    if (transfer && !chunked)
    {
        failure.error(501, "not_implemented", "unsupported Transfer-Encoding '" + *transfer + "'");
        return Result::Failed;
    }
    // Conflicting lengths are how requests are smuggled past proxies (RFC 9112 6.3): refuse
    // differing Content-Length values, and close after a request that has both framings.
    for (const auto& h : request.headers)
    {
        if (sameHeaderName(h.first, "Content-Length") && Poco::trim(h.second) != Poco::trim(*length))
        {
            failure.error(400, "bad_request", "conflicting Content-Length values '" + *length + "' and '" + h.second + "'");
            return Result::Failed;
        }
    }
    if (chunked && length) request.keepAlive = false;
    _remaining = 0;
    if (length && !chunked)
    {
        Poco::UInt64 value = 0;
        if (!Poco::NumberParser::tryParseUnsigned64(Poco::trim(*length), value))
        {
            failure.error(400, "bad_request", "invalid Content-Length '" + *length + "'");
            return Result::Failed;
        }
        if (value > _limits.maxBodyBytes)
        {
            failure.error(413, "payload_too_large", "request body of " + std::to_string(value) + " bytes exceeds the limit of "
                                                        + std::to_string(_limits.maxBodyBytes) + " bytes");
            return Result::Failed;
        }
        _remaining = static_cast<std::size_t>(value);
    }
    bool expectsBody = chunked || _remaining > 0;
    const std::string* expect = request.header("Expect");
    _expectContinue = expect && expectsBody && Poco::icompare(*expect, "100-continue") == 0 && request.version == "HTTP/1.1" &&
                      buffer.size() == start;
    _continueSent = false;
    _state = chunked ? State::ChunkSize : State::Body;
    return Result::Complete;
}

RequestParser::Result RequestParser::parseBody(const std::string& buffer, std::size_t& start, IncomingRequest& request, HttpReply& failure)
{
    if (buffer.size() > start) _expectContinue = false;
    for (;;)
    {
        switch (_state)
        {
        case State::Body:
            if (buffer.size() - start < _remaining) return Result::NeedMore;
            request.body.assign(buffer, start, _remaining);
            start += _remaining;
            return complete();

        case State::ChunkSize:
        case State::Trailers:
        {
            std::size_t end = buffer.find("\r\n", start);
            if (end == std::string::npos)
            {
                if (buffer.size() - start > maxChunkLine)
                {
                    failure.error(400, "bad_request", _state == State::ChunkSize ? "chunk header line too long" : "trailer line too long");
                    return Result::Failed;
                }
                return Result::NeedMore;
            }
            if (_state == State::Trailers)
            {
                bool empty = end == start;
                start = end + 2;
                if (empty) return complete();
                continue;
            }
            std::string sizeText = buffer.substr(start, end - start);
            std::string::size_type semicolon = sizeText.find(';');
            if (semicolon != std::string::npos) sizeText.resize(semicolon);
            Poco::UInt64 chunk = 0;
            if (!Poco::NumberParser::tryParseHex64(Poco::trim(sizeText), chunk))
            {
                failure.error(400, "bad_request", "invalid chunk size '" + sizeText + "'");
                return Result::Failed;
            }
            start = end + 2;
            if (chunk == 0)
            {
                _state = State::Trailers;
                continue;
            }
            // Subtracting, not adding: a chunk size near 2^64 must not wrap the total around.
            if (chunk > _limits.maxBodyBytes - request.body.size())
            {
                failure.error(413, "payload_too_large", "chunked request body exceeds the limit of " + std::to_string(_limits.maxBodyBytes) + " bytes");
                return Result::Failed;
            }
            _remaining = static_cast<std::size_t>(chunk);
            _state = State::ChunkData;
            continue;
        }

        case State::ChunkData:
        {
            std::size_t take = std::min(_remaining, buffer.size() - start);
            request.body.append(buffer, start, take);
            start += take;
            _remaining -= take;
            if (_remaining > 0) return Result::NeedMore;
            _state = State::ChunkEnd;
            continue;
        }

        case State::ChunkEnd:
            if (buffer.size() - start < 2) return Result::NeedMore;
            if (buffer.compare(start, 2, "\r\n") != 0)
            {
                failure.error(400, "bad_request", "chunk not terminated by CRLF");
                return Result::Failed;
            }
            start += 2;
            _state = State::ChunkSize;
            continue;

        case State::Idle:
        case State::Headers:
            return Result::NeedMore;
        }
    }
}

} // namespace terrarium
