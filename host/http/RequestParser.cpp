#include "http/RequestParser.h"

#include "http/HeaderName.h"
#include "http/HttpReply.h"
#include "http/HttpSyntax.h"
#include "http/IncomingRequest.h"
#include "http/RequestTarget.h"
#include "http/SpoolStats.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/String.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace terrarium {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("http"); }

const std::size_t maxChunkLine = 4096;

} // namespace

RequestParser::RequestParser(const LimitsConfig& limits) : _limits(limits), _head(limits)
{
}

void RequestParser::setOrigin(const std::string& peer, const std::string& listener)
{
    _peer = peer;
    _listener = listener;
}

void RequestParser::setSpooling(BodyPolicyLookup lookup, std::string directory)
{
    _bodyPolicyLookup = std::move(lookup);
    _spoolDirectory = std::move(directory);
}

void RequestParser::reset()
{
    _state = State::Idle;
    _head.reset();
    _remaining = 0;
    _trailerBytes = 0;
    _expectContinue = false;
    _continueSent = false;
    _bodyPolicy = BodyPolicy();
    _bodyLimit = 0;
    _bodyReceived = 0;
    _spooling = false;
}

RequestParser::Result RequestParser::complete(IncomingRequest& request, HttpReply& failure)
{
    if (_spooling)
    {
        try
        {
            request.bodyFile->publish();
        }
        catch (const std::exception& e)
        {
            spoolFailed(e, failure);
            return Result::Failed;
        }
    }
    reset();
    return Result::Complete;
}

bool RequestParser::takeBody(const char* data, std::size_t size, IncomingRequest& request, HttpReply& failure)
{
    _bodyReceived += size;
    if (!_spooling)
    {
        request.body.append(data, size);
        return true;
    }
    try
    {
        request.bodyFile->write(data, size);
        return true;
    }
    catch (const std::exception& e)
    {
        return spoolFailed(e, failure);
    }
}

bool RequestParser::startSpool(IncomingRequest& request, HttpReply& failure)
{
    try
    {
        request.bodyFile = std::make_unique<SpoolFile>(_spoolDirectory);
        request.bodyFile->write(request.body.data(), request.body.size());
        std::string().swap(request.body);
        _spooling = true;
        return true;
    }
    catch (const std::exception& e)
    {
        return spoolFailed(e, failure);
    }
}

bool RequestParser::spoolFailed(const std::exception& error, HttpReply& failure)
{
    const auto* file = dynamic_cast<const Poco::Exception*>(&error);
    int code = file ? file->code() : 0;
    std::string message = file ? file->message() : std::string(error.what());
    logger().error("listener '%s': the body of a request from %s cannot be spooled: %s", _listener, _peer, message);
    if (code == ENOSPC || code == EDQUOT)
    {
        SpoolStats::process().refused(SpoolStats::Refusal::Disk);
        fail(failure, 507, "insufficient_storage", "no room to store the request body: " + message);
    }
    else
    {
        SpoolStats::process().refused(SpoolStats::Refusal::Error);
        fail(failure, 500, "spool_failed", "the request body cannot be stored: " + message);
    }
    return false;
}

RequestParser::Result RequestParser::fail(HttpReply& failure, int status, const char* code, const std::string& message)
{
    failure.error(status, code, message);
    return Result::Failed;
}

RequestParser::Result RequestParser::parse(const std::string& buffer, std::size_t& start, IncomingRequest& request, HttpReply& failure)
{
    Result result = Result::Complete;
    if (_state == State::Idle || _state == State::Headers) result = parseHeaders(buffer, start, request, failure);
    if (result == Result::Complete) result = parseBody(buffer, start, request, failure);
    if (result == Result::Failed)
        logger().information("refused a request from %s on listener '%s': %d %s", _peer, _listener, failure.status(), std::string(failure.body()));
    return result;
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
    std::size_t headBytes = 0;
    switch (_head.parse(buffer, start, request, failure, headBytes))
    {
    case RequestHeadParser::Result::NeedMore:
        return Result::NeedMore;
    case RequestHeadParser::Result::Failed:
        return Result::Failed;
    case RequestHeadParser::Result::Complete:
        break;
    }
    start += headBytes;
    request.clientAddress = _peer;
    request.clientCertificate = _clientCertificate;
    request.listener = _listener;
    if (!takeTarget(request, failure) || !takeFraming(buffer, start, request, failure)) return Result::Failed;
    return Result::Complete;
}

bool RequestParser::takeTarget(IncomingRequest& request, HttpReply& failure)
{
    if (const char* wrong = RequestTarget::split(request.target, request.authority, request.path, request.query))
    {
        fail(failure, 400, "bad_request", std::string(wrong) + ": '" + HttpSyntax::printable(request.target) + "'");
        return false;
    }
    if (request.path == "*" && request.method != "OPTIONS")
    {
        fail(failure, 400, "bad_request", "the target '*' is for OPTIONS only");
        return false;
    }
    std::string* host = nullptr;
    for (auto& h : request.headers)
    {
        if (!sameHeaderName(h.first, "Host")) continue;
        if (host)
        {
            fail(failure, 400, "bad_request", "more than one Host header");
            return false;
        }
        host = &h.second;
    }
    if (!host && request.version == "HTTP/1.1")
    {
        fail(failure, 400, "bad_request", "an HTTP/1.1 request without a Host header");
        return false;
    }
    if (host && !RequestTarget::isAuthority(*host))
    {
        fail(failure, 400, "bad_request", "the Host header '" + HttpSyntax::printable(*host) + "' is not host[:port]");
        return false;
    }
    // An absolute-form target's authority is the host the request is for (RFC 9112 3.2.2).
    if (request.authority.empty() && host)
        request.authority = *host;
    else if (host)
        *host = request.authority;
    return true;
}

bool RequestParser::takeFraming(const std::string& buffer, std::size_t start, IncomingRequest& request, HttpReply& failure)
{
    const bool http10 = request.version == "HTTP/1.0";
    bool transfer = false;
    std::vector<std::string_view> codings;
    const std::string* length = nullptr;
    std::uint64_t lengthValue = 0;
    const std::string* expect = nullptr;
    bool close = false;
    bool keepAlive = false;
    for (const auto& h : request.headers)
    {
        const std::string& name = h.first;
        if (sameHeaderName(name, "Transfer-Encoding"))
        {
            // Several lines are one list (RFC 9110 5.3): "a" then "b" means "a, b".
            transfer = true;
            HttpSyntax::forEachElement(h.second, [&](std::string_view coding) {
                codings.push_back(coding);
                return true;
            });
        }
        else if (sameHeaderName(name, "Content-Length"))
        {
            std::uint64_t value = 0;
            if (!HttpSyntax::parseDecimal(h.second, value))
            {
                fail(failure, 400, "bad_request", "invalid Content-Length '" + h.second + "': digits only, at most 18446744073709551615");
                return false;
            }
            // Conflicting lengths are how requests are smuggled past proxies (RFC 9112 6.3).
            if (length && value != lengthValue)
            {
                fail(failure, 400, "bad_request", "conflicting Content-Length values '" + *length + "' and '" + h.second + "'");
                return false;
            }
            length = &h.second;
            lengthValue = value;
        }
        else if (sameHeaderName(name, "Connection"))
        {
            close = close || HttpSyntax::listContains(h.second, "close");
            keepAlive = keepAlive || HttpSyntax::listContains(h.second, "keep-alive");
        }
        else if (sameHeaderName(name, "Expect") && !expect)
            expect = &h.second;
    }
    request.keepAlive = http10 ? keepAlive && !close : !close;

    _remaining = 0;
    if (transfer)
    {
        if (http10)
        {
            fail(failure, 400, "bad_request", "Transfer-Encoding in an HTTP/1.0 request");
            return false;
        }
        if (codings.empty() || !sameHeaderName(codings.back(), "chunked"))
        {
            fail(failure, 400, "bad_request", "the final transfer coding is not chunked, so the body has no length");
            return false;
        }
        for (std::size_t i = 0; i + 1 < codings.size(); ++i)
        {
            if (sameHeaderName(codings[i], "chunked"))
            {
                fail(failure, 400, "bad_request", "the chunked transfer coding is applied more than once");
                return false;
            }
        }
        if (codings.size() > 1)
        {
            fail(failure, 501, "not_implemented", "unsupported transfer coding '" + HttpSyntax::printable(codings.front()) + "' (only chunked is)");
            return false;
        }
        // Both framings: chunked wins, and the connection closes after the answer (RFC 9112 6.3).
        if (length) request.keepAlive = false;
    }
    _bodyPolicy = BodyPolicy();
    if (_bodyPolicyLookup && (transfer || lengthValue > 0)) _bodyPolicy = _bodyPolicyLookup(request);
    if (_bodyPolicy.spools()) _bodyPolicy.spoolAbove = std::min<std::uint64_t>(_bodyPolicy.spoolAbove, _limits.maxBodyBytes);
    _bodyLimit = _bodyPolicy.spools() ? _bodyPolicy.spoolLimit : _limits.maxBodyBytes;
    if (!transfer && length)
    {
        if (lengthValue > _bodyLimit)
        {
            if (_bodyPolicy.spools()) SpoolStats::process().refused(SpoolStats::Refusal::Limit);
            fail(failure, 413, "payload_too_large", "request body of " + std::to_string(lengthValue) + " bytes exceeds the limit of "
                                                        + std::to_string(_bodyLimit) + " bytes");
            return false;
        }
        _remaining = static_cast<std::size_t>(lengthValue);
        if (_bodyPolicy.spools() && lengthValue > _bodyPolicy.spoolAbove && !startSpool(request, failure)) return false;
    }
    bool expectsBody = transfer || _remaining > 0;
    _expectContinue = expect && expectsBody && !http10 && Poco::icompare(*expect, "100-continue") == 0 && buffer.size() == start;
    _continueSent = false;
    _state = transfer ? State::ChunkSize : State::Body;
    return true;
}

RequestParser::Result RequestParser::parseChunkLine(const std::string& buffer, std::size_t& start, IncomingRequest& request, HttpReply& failure)
{
    const bool chunkSize = _state == State::ChunkSize;
    const char* data = buffer.data() + start;
    const std::size_t available = buffer.size() - start;
    const char* lineFeed = static_cast<const char*>(std::memchr(data, '\n', std::min(available, maxChunkLine + 2)));
    if (!lineFeed)
    {
        if (available > maxChunkLine + 1) return fail(failure, 400, "bad_request", chunkSize ? "chunk header line too long" : "trailer line too long");
        return Result::NeedMore;
    }
    std::size_t lineEnd = static_cast<std::size_t>(lineFeed - data);
    if (lineEnd == 0 || data[lineEnd - 1] != '\r')
        return fail(failure, 400, "bad_request", chunkSize ? "a chunk header line ends in a bare LF" : "a trailer line ends in a bare LF");
    std::string_view line(data, lineEnd - 1);
    start += lineEnd + 1;
    if (!chunkSize)
    {
        if (line.empty()) return complete(request, failure);
        std::string_view name;
        std::string_view value;
        if (const char* wrong = HttpSyntax::splitField(line, name, value))
            return fail(failure, 400, "bad_request", "in the trailer section, " + std::string(wrong));
        _trailerBytes += line.size() + 2;
        if (_trailerBytes > _limits.maxHeaderBytes)
            return fail(failure, 431, "header_too_large", "the trailer section exceeds " + std::to_string(_limits.maxHeaderBytes) + " bytes");
        return Result::NeedMore;
    }
    std::size_t digits = 0;
    while (digits < line.size() && HttpSyntax::isHexDigit(line[digits])) ++digits;
    std::uint64_t chunk = 0;
    if (digits == 0 || !HttpSyntax::isChunkExtensions(line.substr(digits)))
        return fail(failure, 400, "bad_request", "invalid chunk header '" + HttpSyntax::printable(line) + "': a hex size and extensions expected");
    if (!HttpSyntax::parseHex(line.substr(0, digits), chunk))
        return fail(failure, 400, "bad_request", "chunk size '" + HttpSyntax::printable(line.substr(0, digits)) + "' exceeds 2^64 - 1");
    if (chunk == 0)
    {
        _state = State::Trailers;
        return Result::NeedMore;
    }
    // Subtracting, not adding: a chunk size near 2^64 must not wrap the total around.
    if (chunk > _bodyLimit - _bodyReceived)
    {
        if (_bodyPolicy.spools()) SpoolStats::process().refused(SpoolStats::Refusal::Limit);
        return fail(failure, 413, "payload_too_large", "chunked request body exceeds the limit of " + std::to_string(_bodyLimit) + " bytes");
    }
    if (_bodyPolicy.spools() && !_spooling && chunk > _bodyPolicy.spoolAbove - _bodyReceived && !startSpool(request, failure))
        return Result::Failed;
    _remaining = static_cast<std::size_t>(chunk);
    _state = State::ChunkData;
    return Result::NeedMore;
}

RequestParser::Result RequestParser::parseBody(const std::string& buffer, std::size_t& start, IncomingRequest& request, HttpReply& failure)
{
    if (buffer.size() > start) _expectContinue = false;
    for (;;)
    {
        switch (_state)
        {
        case State::Body:
        {
            if (!_spooling && buffer.size() - start < _remaining) return Result::NeedMore;
            std::size_t take = std::min(_remaining, buffer.size() - start);
            if (!takeBody(buffer.data() + start, take, request, failure)) return Result::Failed;
            start += take;
            _remaining -= take;
            if (_remaining > 0) return Result::NeedMore;
            return complete(request, failure);
        }

        case State::ChunkSize:
        case State::Trailers:
        {
            State before = _state;
            std::size_t consumed = start;
            Result result = parseChunkLine(buffer, start, request, failure);
            if (result != Result::NeedMore) return result;
            if (start == consumed && _state == before) return Result::NeedMore;
            continue;
        }

        case State::ChunkData:
        {
            std::size_t take = std::min(_remaining, buffer.size() - start);
            if (!takeBody(buffer.data() + start, take, request, failure)) return Result::Failed;
            start += take;
            _remaining -= take;
            if (_remaining > 0) return Result::NeedMore;
            _state = State::ChunkEnd;
            continue;
        }

        case State::ChunkEnd:
            if (buffer.size() - start < 2)
            {
                if (buffer.size() > start && buffer[start] != '\r') return fail(failure, 400, "bad_request", "chunk not terminated by CRLF");
                return Result::NeedMore;
            }
            if (buffer.compare(start, 2, "\r\n") != 0) return fail(failure, 400, "bad_request", "chunk not terminated by CRLF");
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
