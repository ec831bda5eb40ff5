#include "SinkRequest.h"

#include <terrarium/json.hpp>

#include <cctype>

namespace terrarium::sink {

namespace {

bool equalsNoCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

} // namespace

SinkRequest::SinkRequest(const terrarium::Request& request) : _request(request) {}

std::string SinkRequest::clientIp() const
{
    std::string_view address = _request.clientAddress();
    if (!address.empty() && address.front() == '[') {
        std::size_t close = address.find(']');
        if (close != std::string_view::npos)
            return std::string(address.substr(1, close - 1));
    }
    std::size_t colon = address.rfind(':');
    if (colon != std::string_view::npos && address.find(':') == colon)
        address = address.substr(0, colon);   // one ':' is "ip:port"; several are a bare IPv6 address
    return address.empty() ? std::string("unknown") : std::string(address);
}

std::optional<std::string_view> SinkRequest::query() const
{
    if (_request.query().empty())
        return std::nullopt;
    return _request.query();
}

std::string SinkRequest::pathWithQuery() const
{
    std::string text(_request.path());
    std::string_view target = _request.target();
    bool hasQuery = !_request.query().empty() || target.find('?') != std::string_view::npos;
    if (hasQuery) {
        text += '?';
        text += _request.query();
    }
    return text;
}

bool SinkRequest::healthCheck() const
{
    return _request.method() == "GET" && _request.path() == "/health";
}

std::string SinkRequest::probeType() const
{
    std::optional<std::string_view> type = _request.header("X-Probe-Type");
    if (type && equalsNoCase(trimmed(*type), "liveness"))
        return "liveness";
    if (type && equalsNoCase(trimmed(*type), "readiness"))
        return "readiness";
    return "unknown";
}

std::optional<std::size_t> SinkRequest::badPercentEscape(std::string_view text)
{
    for (std::size_t at = text.find('%'); at != std::string_view::npos; at = text.find('%', at + 1)) {
        if (at + 2 >= text.size())
            return at;
        if (!std::isxdigit(static_cast<unsigned char>(text[at + 1])) || !std::isxdigit(static_cast<unsigned char>(text[at + 2])))
            return at;
    }
    return std::nullopt;
}

bool SinkRequest::declaresJson() const
{
    std::optional<std::string_view> contentType = _request.header("Content-Type");
    if (!contentType)
        return false;
    std::string_view mediaType = trimmed(contentType->substr(0, contentType->find(';')));
    static constexpr std::string_view suffix = "+json";
    return equalsNoCase(mediaType, "application/json") ||
           (mediaType.size() > suffix.size() && equalsNoCase(mediaType.substr(mediaType.size() - suffix.size()), suffix));
}

std::optional<std::string> SinkRequest::malformation() const
{
    std::string_view target = _request.target();
    std::string fallback;
    if (target.empty()) {
        fallback = std::string(_request.originalPath()) + "?" + std::string(_request.query());
        target = fallback;
    }
    if (std::optional<std::size_t> at = badPercentEscape(target))
        return "malformed percent-escape at offset " + std::to_string(*at) + " of the request target";
    std::string_view body = _request.body();
    if (declaresJson() && body.find_first_not_of(" \t\r\n") != std::string_view::npos) {
        try {
            json::parse(body, "the request body");
        } catch (const json::Error& e) {
            return std::string(e.what());
        }
    }
    return std::nullopt;
}

} // namespace terrarium::sink
