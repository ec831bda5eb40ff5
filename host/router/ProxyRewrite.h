#ifndef Terrarium_ProxyRewrite_INCLUDED
#define Terrarium_ProxyRewrite_INCLUDED

#include "client/ClientRequest.h"
#include "client/ClientResult.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace terrarium {

struct IncomingRequest;
class HttpReply;

/// What a reverse proxy changes on the way through: the request of an upstream route becomes a
/// call to the upstream, and the upstream's answer (or the reason there is none) becomes the reply.
/// Hop-by-hop headers (Connection, Keep-Alive, Proxy-*, TE, Trailer, Transfer-Encoding, Upgrade
/// and those the Connection header names) never pass, in either direction.
class ProxyRewrite
{
public:
    using Headers = std::vector<std::pair<std::string, std::string>>;

    /// The call for request: its method, routedPath and the query as sent, its body, its request
    /// id, and its headers without the hop-by-hop ones, Host (the upstream's is sent), Content-Length,
    /// Expect and X-Request-Id; X-Forwarded-For gets the client's address appended (several lines
    /// joined), X-Forwarded-Proto and X-Forwarded-Host are set (https when secure).
    static ClientRequest request(const IncomingRequest& request, const std::string& routedPath, bool secure);

    /// Fills reply with the upstream's answer: its status, its headers without the hop-by-hop
    /// ones, Content-Length and Date (the host frames and dates its answers), and its body. Without
    /// an answer: 504 gateway_timeout when the call timed out, else 502 bad_gateway, naming upstream.
    static void answer(const ClientResult& result, const std::string& upstream, HttpReply& reply);

    /// True for a hop-by-hop header, given the lower-case names listed by the Connection headers.
    static bool hopByHop(std::string_view name, const std::vector<std::string>& connectionNames);

    /// The lower-case names listed by the Connection headers of headers.
    static std::vector<std::string> connectionNames(const Headers& headers);

    /// The address of "ip:port" or "[ipv6]:port" without port and brackets.
    static std::string clientIp(const std::string& clientAddress);
};

} // namespace terrarium

#endif
