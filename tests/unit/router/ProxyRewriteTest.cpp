// ProxyRewrite: what a request of an upstream route becomes on its way to the upstream, and what
// the upstream's answer (or its absence) becomes on its way back.
#include "http/HttpReply.h"
#include "http/IncomingRequest.h"
#include "router/ProxyRewrite.h"

#include <Poco/String.h>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using terrarium::ClientRequest;
using terrarium::ClientResponse;
using terrarium::ClientResult;
using terrarium::ClientStatus;
using terrarium::HttpReply;
using terrarium::IncomingRequest;
using terrarium::ProxyRewrite;

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// Every value of a header name (exact case-insensitive match), in order.
std::vector<std::string> values(const Headers& headers, const std::string& name)
{
    std::vector<std::string> found;
    for (const auto& [n, v] : headers)
        if (Poco::icompare(n, name) == 0) found.push_back(v);
    return found;
}

IncomingRequest proxied()
{
    IncomingRequest r;
    r.method = "POST";
    r.target = "/api/vault/v1/x?a=1&b=%2F";
    r.path = "/api/vault/v1/x";
    r.query = "a=1&b=%2F";
    r.authority = "gateway.example:8000";
    r.body = "payload";
    r.clientAddress = "10.1.2.3:45678";
    r.requestId = "req-1";
    r.headers = {{"Host", "gateway.example:8000"},
                 {"Connection", "keep-alive, X-Drop-Me"},
                 {"Keep-Alive", "timeout=5"},
                 {"Proxy-Authorization", "Basic abc"},
                 {"TE", "trailers"},
                 {"Trailer", "X-Checksum"},
                 {"Transfer-Encoding", "chunked"},
                 {"Upgrade", "websocket"},
                 {"X-Drop-Me", "1"},
                 {"Content-Length", "7"},
                 {"Expect", "100-continue"},
                 {"X-Request-Id", "req-1"},
                 {"X-Forwarded-For", "192.0.2.1"},
                 {"x-forwarded-for", "198.51.100.2, 203.0.113.3"},
                 {"X-Forwarded-Proto", "gopher"},
                 {"X-Vault-Token", "root"},
                 {"Content-Type", "application/json"}};
    return r;
}

} // namespace

TEST_CASE("proxy: the call keeps method, path below the prefix, query as sent, body and request id", "[proxy]")
{
    ClientRequest call = ProxyRewrite::request(proxied(), "/v1/x", false);
    CHECK(call.method == "POST");
    CHECK(call.path == "/v1/x?a=1&b=%2F");
    CHECK(call.body == "payload");
    CHECK(call.requestId == "req-1");

    IncomingRequest bare = proxied();
    bare.query.clear();
    CHECK(ProxyRewrite::request(bare, "/", false).path == "/");
}

TEST_CASE("proxy: hop-by-hop request headers and those the host sets itself are dropped, the rest pass in order", "[proxy][headers]")
{
    ClientRequest call = ProxyRewrite::request(proxied(), "/v1/x", false);
    for (const char* dropped : {"Host", "Connection", "Keep-Alive", "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
                                "X-Drop-Me", "Content-Length", "Expect", "X-Request-Id"})
    {
        INFO(dropped);
        CHECK(values(call.headers, dropped).empty());
    }
    CHECK(values(call.headers, "X-Vault-Token") == std::vector<std::string>{"root"});
    CHECK(values(call.headers, "Content-Type") == std::vector<std::string>{"application/json"});
}

TEST_CASE("proxy: X-Forwarded-For gets the client's address appended, Proto and Host are the host's", "[proxy][headers]")
{
    ClientRequest call = ProxyRewrite::request(proxied(), "/v1/x", true);
    CHECK(values(call.headers, "X-Forwarded-For") == std::vector<std::string>{"192.0.2.1, 198.51.100.2, 203.0.113.3, 10.1.2.3"});
    CHECK(values(call.headers, "X-Forwarded-Proto") == std::vector<std::string>{"https"});
    CHECK(values(call.headers, "X-Forwarded-Host") == std::vector<std::string>{"gateway.example:8000"});

    IncomingRequest first = proxied();
    first.headers = {{"Host", "h"}};
    first.clientAddress = "[::1]:8000";
    ClientRequest plain = ProxyRewrite::request(first, "/", false);
    CHECK(values(plain.headers, "X-Forwarded-For") == std::vector<std::string>{"::1"});
    CHECK(values(plain.headers, "X-Forwarded-Proto") == std::vector<std::string>{"http"});
}

TEST_CASE("proxy: the upstream's answer comes back without hop-by-hop headers, Content-Length and Date", "[proxy][answer]")
{
    ClientResponse response;
    response.status = 201;
    response.headers = {{"Connection", "keep-alive, X-Internal"}, {"Keep-Alive", "timeout=5"}, {"X-Internal", "secret"},
                        {"Transfer-Encoding", "chunked"}, {"Proxy-Authenticate", "Basic"}, {"Upgrade", "h2c"},
                        {"Trailer", "X-Sum"}, {"Content-Length", "4"}, {"Date", "Mon, 01 Jan 2024 00:00:00 GMT"},
                        {"Content-Type", "application/json"}, {"X-Kept", "yes"}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}};
    response.body = "{\"created\":true}";
    HttpReply reply;
    ProxyRewrite::answer(ClientResult::success(response), "vault", reply);
    CHECK(reply.status() == 201);
    CHECK(reply.body() == "{\"created\":true}");
    Headers expected = {{"Content-Type", "application/json"}, {"X-Kept", "yes"}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}};
    CHECK(reply.headers() == expected);
}

TEST_CASE("proxy: no answer is 502 bad_gateway, a timeout 504 gateway_timeout, naming the upstream", "[proxy][answer]")
{
    HttpReply refused;
    ProxyRewrite::answer(ClientResult::failure(ClientStatus::Unavailable, "connection refused by 127.0.0.1:9 after 3 tries"), "vault", refused);
    CHECK(refused.status() == 502);
    CHECK(refused.body().find("\"error\":\"bad_gateway\"") != std::string::npos);
    CHECK(refused.body().find("upstream 'vault'") != std::string::npos);
    CHECK(refused.body().find("connection refused by 127.0.0.1:9") != std::string::npos);

    HttpReply unknown;
    ProxyRewrite::answer(ClientResult::failure(ClientStatus::NotFound, "no service 'vault' in the directory"), "vault", unknown);
    CHECK(unknown.status() == 502);

    HttpReply slow;
    ProxyRewrite::answer(ClientResult::failure(ClientStatus::Timeout, "timed out waiting for a response"), "http://10.0.0.1:8200", slow);
    CHECK(slow.status() == 504);
    CHECK(slow.body().find("\"error\":\"gateway_timeout\"") != std::string::npos);
    CHECK(slow.body().find("http://10.0.0.1:8200") != std::string::npos);
}

TEST_CASE("proxy: hop-by-hop names, case-insensitive, and the client address without its port", "[proxy]")
{
    for (const char* hop : {"connection", "KEEP-ALIVE", "Proxy-Connection", "proxy-authenticate", "te", "Trailer", "transfer-encoding", "upgrade"})
        CHECK(ProxyRewrite::hopByHop(hop, {}));
    CHECK_FALSE(ProxyRewrite::hopByHop("Trailers", {}));
    CHECK_FALSE(ProxyRewrite::hopByHop("X-Custom", {}));
    CHECK(ProxyRewrite::hopByHop("X-Custom", {"x-custom"}));
    CHECK(ProxyRewrite::connectionNames({{"Connection", " close , X-A,,"}, {"connection", "X-B"}}) == std::vector<std::string>{"close", "x-a", "x-b"});
    CHECK(ProxyRewrite::clientIp("127.0.0.1:5000") == "127.0.0.1");
    CHECK(ProxyRewrite::clientIp("[2001:db8::1]:443") == "2001:db8::1");
    CHECK(ProxyRewrite::clientIp("in-process") == "in-process");
}
