#include "http/RequestHeadParser.h"

#include "http/HttpReply.h"
#include "http/HttpSyntax.h"
#include "http/IncomingRequest.h"

#include <algorithm>
#include <cstring>

namespace terrarium {

namespace {

bool fail(HttpReply& failure, int status, const char* code, const std::string& message)
{
    failure.error(status, code, message);
    return false;
}

bool badRequest(HttpReply& failure, const std::string& message)
{
    return fail(failure, 400, "bad_request", message);
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

} // namespace

RequestHeadParser::RequestHeadParser(const LimitsConfig& limits) : _limits(limits)
{
}

void RequestHeadParser::reset()
{
    _scanned = 0;
    _requestLineSeen = false;
    _http10 = false;
    _fields.clear();
}

RequestHeadParser::Result RequestHeadParser::parse(const std::string& buffer, std::size_t start, IncomingRequest& request, HttpReply& failure,
                                                   std::size_t& headBytes)
{
    const std::size_t maxHeadBytes = _limits.maxHeaderBytes;
    const char* head = buffer.data() + start;
    const std::size_t available = std::min(buffer.size() - start, maxHeadBytes);
    while (_scanned < available)
    {
        const char* lineFeed = static_cast<const char*>(std::memchr(head + _scanned, '\n', available - _scanned));
        if (!lineFeed) break;
        const std::size_t lineStart = _scanned;
        const std::size_t lineEnd = static_cast<std::size_t>(lineFeed - head);
        _scanned = lineEnd + 1;
        if (lineEnd == lineStart || head[lineEnd - 1] != '\r')
        {
            badRequest(failure, "a line of the request head ends in a bare LF (CRLF is required)");
            return Result::Failed;
        }
        std::string_view line(head + lineStart, lineEnd - 1 - lineStart);
        if (!_requestLineSeen)
        {
            if (!parseRequestLine(line, failure)) return Result::Failed;
            _requestLineSeen = true;
            continue;
        }
        if (line.empty())
        {
            fill(head, request);
            headBytes = _scanned;
            reset();
            return Result::Complete;
        }
        if (!parseFieldLine(line, lineStart, failure)) return Result::Failed;
    }
    if (buffer.size() - start > maxHeadBytes)
    {
        fail(failure, 431, "header_too_large", "request line and headers exceed " + std::to_string(maxHeadBytes) + " bytes");
        return Result::Failed;
    }
    return Result::NeedMore;
}

bool RequestHeadParser::parseRequestLine(std::string_view line, HttpReply& failure)
{
    const std::size_t size = line.size();
    std::size_t i = 0;
    while (i < size && HttpSyntax::isTokenChar(line[i])) ++i;
    if (i == 0 || i == size || line[i] != ' ')
        return badRequest(failure, "malformed request line '" + HttpSyntax::printable(line) + "': the method must be a token followed by one space");
    if (i > maxMethodLength) return badRequest(failure, "the method is longer than " + std::to_string(maxMethodLength) + " bytes");
    _method = Span{0, static_cast<std::uint32_t>(i)};

    const std::size_t targetStart = ++i;
    while (i < size && HttpSyntax::isTargetChar(line[i])) ++i;
    if (i == targetStart || i == size || line[i] != ' ')
        return badRequest(failure, "malformed request line '" + HttpSyntax::printable(line) +
                                       "': the target must be visible characters followed by one space and the HTTP version");
    _target = Span{static_cast<std::uint32_t>(targetStart), static_cast<std::uint32_t>(i - targetStart)};

    std::string_view version = line.substr(i + 1);
    if (version.size() != 8 || version.compare(0, 5, "HTTP/") != 0 || !isDigit(version[5]) || version[6] != '.' || !isDigit(version[7]))
        return badRequest(failure, "malformed HTTP version '" + HttpSyntax::printable(version) + "' in the request line");
    if (version[5] != '1')
        return fail(failure, 505, "http_version_not_supported", "HTTP version " + std::string(version.substr(5)) + " is not supported; this listener speaks HTTP/1.1");
    _http10 = version[7] == '0';
    return true;
}

bool RequestHeadParser::parseFieldLine(std::string_view line, std::size_t offset, HttpReply& failure)
{
    std::string_view name;
    std::string_view value;
    if (const char* wrong = HttpSyntax::splitField(line, name, value))
        return badRequest(failure, std::string(wrong) + ": '" + HttpSyntax::printable(line) + "'");
    if (name.size() > maxFieldNameLength)
        return fail(failure, 431, "header_too_large", "a header name is longer than " + std::to_string(maxFieldNameLength) + " bytes");
    if (value.size() > maxFieldValueLength)
        return fail(failure, 431, "header_too_large",
                    "the value of header '" + std::string(name) + "' is longer than " + std::to_string(maxFieldValueLength) + " bytes");
    if (_fields.size() >= maxFieldCount)
        return fail(failure, 431, "header_too_large", "more than " + std::to_string(maxFieldCount) + " header fields");
    const char* base = line.data() - offset;
    _fields.push_back(Field{Span{static_cast<std::uint32_t>(name.data() - base), static_cast<std::uint32_t>(name.size())},
                            Span{static_cast<std::uint32_t>(value.data() - base), static_cast<std::uint32_t>(value.size())}});
    return true;
}

void RequestHeadParser::fill(const char* head, IncomingRequest& request) const
{
    request.method.assign(head + _method.offset, _method.length);
    request.target.assign(head + _target.offset, _target.length);
    request.version = _http10 ? "HTTP/1.0" : "HTTP/1.1";
    request.headers.clear();
    request.headers.reserve(_fields.size());
    for (const Field& field : _fields)
        request.headers.emplace_back(std::string(head + field.name.offset, field.name.length), std::string(head + field.value.offset, field.value.length));
}

} // namespace terrarium
