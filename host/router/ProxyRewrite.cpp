#include "router/ProxyRewrite.h"

#include "http/HeaderName.h"
#include "http/HttpReply.h"
#include "http/IncomingRequest.h"

#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <algorithm>

namespace terrarium {

namespace {

/// Request headers the host sets itself on the call, or that end at the host.
bool replacedOnCall(std::string_view name)
{
    for (const char* own : {"Host", "Content-Length", "Expect", "X-Request-Id", "X-Forwarded-Proto", "X-Forwarded-Host"})
        if (sameHeaderName(name, own)) return true;
    return false;
}

void appendListed(std::string& list, const std::string& value)
{
    if (value.empty()) return;
    if (!list.empty()) list += ", ";
    list += value;
}

} // namespace

bool ProxyRewrite::hopByHop(std::string_view name, const std::vector<std::string>& connectionNames)
{
    for (const char* hop : {"Connection", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade"})
        if (sameHeaderName(name, hop)) return true;
    if (name.size() >= 6 && sameHeaderName(name.substr(0, 6), "Proxy-")) return true;
    return std::any_of(connectionNames.begin(), connectionNames.end(), [name](const std::string& listed) { return sameHeaderName(name, listed); });
}

std::vector<std::string> ProxyRewrite::connectionNames(const Headers& headers)
{
    std::vector<std::string> names;
    for (const auto& [name, value] : headers)
    {
        if (!sameHeaderName(name, "Connection")) continue;
        Poco::StringTokenizer tokens(value, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
        for (const std::string& token : tokens) names.push_back(Poco::toLower(token));
    }
    return names;
}

std::string ProxyRewrite::clientIp(const std::string& clientAddress)
{
    if (!clientAddress.empty() && clientAddress.front() == '[')
    {
        std::string::size_type close = clientAddress.find(']');
        return clientAddress.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    }
    std::string::size_type colon = clientAddress.rfind(':');
    if (colon == std::string::npos || clientAddress.find(':') != colon) return clientAddress;
    return clientAddress.substr(0, colon);
}

ClientRequest ProxyRewrite::request(const IncomingRequest& request, const std::string& routedPath, bool secure)
{
    ClientRequest call;
    call.method = request.method;
    call.path = request.query.empty() ? routedPath : routedPath + "?" + request.query;
    call.body = request.body;
    call.requestId = request.requestId;
    const std::vector<std::string> named = connectionNames(request.headers);
    std::string forwardedFor;
    for (const auto& [name, value] : request.headers)
    {
        if (hopByHop(name, named) || replacedOnCall(name)) continue;
        if (sameHeaderName(name, "X-Forwarded-For"))
            appendListed(forwardedFor, value);
        else
            call.headers.emplace_back(name, value);
    }
    appendListed(forwardedFor, clientIp(request.clientAddress));
    call.headers.emplace_back("X-Forwarded-For", forwardedFor);
    call.headers.emplace_back("X-Forwarded-Proto", secure ? "https" : "http");
    if (!request.authority.empty()) call.headers.emplace_back("X-Forwarded-Host", request.authority);
    return call;
}

void ProxyRewrite::answer(const ClientResult& result, const std::string& upstream, HttpReply& reply)
{
    if (!result.ok())
    {
        if (result.status == ClientStatus::Timeout)
            reply.error(504, "gateway_timeout", "upstream '" + upstream + "' did not answer in time: " + result.message);
        else
            reply.error(502, "bad_gateway", "upstream '" + upstream + "' gave no answer: " + result.message);
        return;
    }
    const ClientResponse& response = result.response;
    reply.setStatus(response.status);
    const std::vector<std::string> named = connectionNames(response.headers);
    for (const auto& [name, value] : response.headers)
    {
        if (hopByHop(name, named) || sameHeaderName(name, "Content-Length") || sameHeaderName(name, "Date")) continue;
        reply.addHeader(name, value);
    }
    reply.setBody(response.body);
}

} // namespace terrarium
