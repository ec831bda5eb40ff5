// HTTP/1.1 framing and request heads as RFC 9112 demands, over raw sockets against the real
// terrariumd: smuggling attempts (whose body is a complete request that must never be served),
// strict grammar, Host, versions and the HTTP/2 preface, absolute-form routing, and the path and
// target a plugin receives.
#include "ExpectError.h"
#include "RawHttpConnection.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace terrarium::test;

namespace {

TerrariumProcess::Options framingHost()
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch":{"enabled":false},
                             "limits":{"max_header_bytes":4096,"max_body_bytes":4096,"header_timeout_ms":20000,"request_timeout_ms":20000},
                             "routes":[{"prefix":"/bound","plugin":"echo","host":"bound.test"}]})";
    return options;
}

/// A complete request that an attack carries as its body: served, it would answer 200.
const std::string smuggled = "GET /echo/smuggled HTTP/1.1\r\nHost: test\r\n\r\n";

/// Sends request on a fresh connection and returns the answer; expects the host to close after it
/// and to send nothing more (no answer to a second, smuggled request).
HttpResult answerThenClose(const TerrariumProcess& host, const std::string& request)
{
    RawHttpConnection c(host.mainAddress());
    c.send(request);
    HttpResult answer = c.readResponse();
    CHECK(c.waitForClose());
    CHECK(c.buffered().empty());
    return answer;
}

/// How many requests the echo plugin has served so far (this request included).
std::int64_t echoServed(const TerrariumProcess& host)
{
    HttpResult answer = host.get("/echo/count");
    REQUIRE(answer.status == 200);
    return answer.json()->getValue<std::int64_t>("served");
}

struct Attack
{
    const char* what;
    std::string request;   /// followed by `smuggled`
    int status;
    const char* code;
};

} // namespace

TEST_CASE("framing: no smuggling attempt gets its body served as a second request", "[framing][http]")
{
    TerrariumProcess host(framingHost());
    const std::string post = "POST /echo/ HTTP/1.1\r\nHost: test\r\n";
    const std::string length = std::to_string(smuggled.size());
    const std::vector<Attack> attacks = {
        {"Content-Length 2^64 (wrapped to 0)", post + "Content-Length: 18446744073709551616\r\n\r\n", 400, "bad_request"},
        {"Content-Length 2^64 + 1 (wrapped to 1)", post + "Content-Length: 18446744073709551617\r\n\r\nX", 400, "bad_request"},
        {"Transfer-Encoding with whitespace before the colon", post + "Transfer-Encoding : chunked\r\n\r\n", 400, "bad_request"},
        {"Content-Length with whitespace before the colon", post + "Content-Length : " + length + "\r\n\r\n", 400, "bad_request"},
        {"Transfer-Encoding on two lines, chunked not final", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n0\r\n\r\n", 400,
         "bad_request"},
        {"Transfer-Encoding on two lines, another coding first", post + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
         501, "not_implemented"},
        {"Content-Length '+N'", post + "Content-Length: +3\r\n\r\nabc", 400, "bad_request"},
        {"Content-Length '1,0'", post + "Content-Length: 1,0\r\n\r\n0123456789", 400, "bad_request"},
        {"Content-Length with a NUL", post + "Content-Length: 3" + std::string(1, '\0') + "\r\n\r\nabc", 400, "bad_request"},
        {"chunk size '0x3'", post + "Transfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n", 400, "bad_request"},
        {"a header line without a colon", post + "Transfer-Encoding chunked\r\n\r\n", 400, "bad_request"},
        {"a bare LF ending the head", "POST /echo/ HTTP/1.1\nHost: test\nContent-Length: " + length + "\n\n", 400, "bad_request"},
    };
    for (const Attack& attack : attacks)
    {
        INFO(attack.what);
        expectError(answerThenClose(host, attack.request + smuggled), attack.status, attack.code);
    }
    // Not one request reached the plugin: this is the first it serves.
    CHECK(echoServed(host) == 1);
    CHECK(host.waitForLog("refused a request from 127.0.0.1:"));
}

TEST_CASE("framing: Content-Length and Transfer-Encoding together: chunked frames the body, then the connection closes", "[framing][http]")
{
    TerrariumProcess host(framingHost());
    RawHttpConnection c(host.mainAddress());
    c.send("POST /echo/both HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" + smuggled);
    HttpResult answer = c.readResponse();
    REQUIRE(answer.status == 200);
    CHECK(answer.json()->getValue<std::string>("body") == "abc");
    CHECK(answer.header("Connection") == "close");
    CHECK(c.waitForClose());
    CHECK(c.buffered().empty());
    CHECK(echoServed(host) == 2);
}

TEST_CASE("framing: control characters, malformed lines and bare CRs are 400 and reach no plugin", "[framing][http]")
{
    TerrariumProcess host(framingHost());
    const std::vector<std::pair<const char*, std::string>> cases = {
        {"NUL in the method", "GE" + std::string(1, '\0') + "T /echo/ HTTP/1.1\r\nHost: test\r\n\r\n"},
        {"NUL in the target", "GET /echo/a" + std::string(1, '\0') + "b HTTP/1.1\r\nHost: test\r\n\r\n"},
        {"NUL in a header value", "GET /echo/ HTTP/1.1\r\nHost: test\r\nX-A: a" + std::string(1, '\0') + "b\r\n\r\n"},
        {"an escape in a header value", "GET /echo/ HTTP/1.1\r\nHost: test\r\nX-A: \x1b[31mred\r\n\r\n"},
        {"a bare CR in a header value", "GET /echo/ HTTP/1.1\r\nHost: test\r\nX-A: a\rb\r\n\r\n"},
        {"a header line without a colon", "GET /echo/ HTTP/1.1\r\nHost: test\r\nX-A b\r\n\r\n"},
        {"a folded header line", "GET /echo/ HTTP/1.1\r\nHost: test\r\nX-A: a\r\n b\r\n\r\n"},
    };
    for (const auto& [what, request] : cases)
    {
        INFO(what);
        expectError(answerThenClose(host, request), 400, "bad_request");
    }
    CHECK(echoServed(host) == 1);
}

TEST_CASE("framing: an HTTP/1.1 request without a Host, or with two, is 400", "[framing][host]")
{
    TerrariumProcess host(framingHost());
    expectError(answerThenClose(host, "GET /echo/ HTTP/1.1\r\n\r\n"), 400, "bad_request");
    expectError(answerThenClose(host, "GET /echo/ HTTP/1.1\r\nHost: test\r\nHost: other.test\r\n\r\n"), 400, "bad_request");
    CHECK(echoServed(host) == 1);
    // HTTP/1.0 has no Host requirement.
    RawHttpConnection c(host.mainAddress());
    c.send("GET /echo/old HTTP/1.0\r\n\r\n");
    HttpResult old = c.readResponse();
    REQUIRE(old.status == 200);
    CHECK(old.json()->getValue<std::string>("path") == "/old");
}

TEST_CASE("framing: another HTTP version is 505, and the HTTP/2 preface is refused at once", "[framing][version]")
{
    TerrariumProcess host(framingHost());
    expectError(answerThenClose(host, "GET /echo/ HTTP/9.9\r\nHost: test\r\n\r\n"), 505, "http_version_not_supported");
    expectError(answerThenClose(host, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 505, "http_version_not_supported");
    CHECK(echoServed(host) == 1);
}

TEST_CASE("framing: bare LF line endings are refused with 400 at once, never left to time out", "[framing][http]")
{
    TerrariumProcess host(framingHost());
    for (const std::string& request : {std::string("GET /echo/ HTTP/1.1\nHost: test\n\n"), std::string("GET /echo/ HTTP/1.1\r\nHost: test\n\r\n"),
                                       std::string("POST /echo/ HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc")})
    {
        INFO(request);
        // The header and request timeouts are 20 s: an answer within 10 s is not a timeout's.
        RawHttpConnection c(host.mainAddress());
        c.send(request);
        expectError(c.readResponse(Poco::Timespan(10, 0)), 400, "bad_request");
    }
}

TEST_CASE("framing: an absolute-form target's authority wins over Host for host-bound routes", "[framing][routing]")
{
    TerrariumProcess host(framingHost());
    SECTION("the target's host has the route, the Host header's has not")
    {
        RawHttpConnection c(host.mainAddress());
        c.send("GET http://bound.test/bound/x?q=1 HTTP/1.1\r\nHost: elsewhere.test\r\n\r\n");
        HttpResult answer = c.readResponse();
        REQUIRE(answer.status == 200);
        auto body = answer.json();
        CHECK(body->getValue<std::string>("path") == "/x");
        CHECK(body->getValue<std::string>("original_path") == "/bound/x");
        CHECK(body->getValue<std::string>("query") == "q=1");
        CHECK(body->getValue<std::string>("target") == "http://bound.test/bound/x?q=1");
        CHECK(body->getObject("headers")->getValue<std::string>("Host") == "bound.test");
    }
    SECTION("the Host header's host has the route, the target's has not")
    {
        RawHttpConnection c(host.mainAddress());
        c.send("GET http://elsewhere.test/bound/x HTTP/1.1\r\nHost: bound.test\r\n\r\n");
        expectError(c.readResponse(), 404, "no_route");
    }
    SECTION("origin-form still routes by Host")
    {
        RawHttpConnection c(host.mainAddress());
        c.send("GET /bound/y HTTP/1.1\r\nHost: Bound.Test:8080\r\n\r\n");
        HttpResult answer = c.readResponse();
        REQUIRE(answer.status == 200);
        CHECK(answer.json()->getValue<std::string>("path") == "/y");
    }
}

TEST_CASE("framing: a plugin receives the normalised path and the raw target, and routes match the normalised path", "[framing][target]")
{
    TerrariumProcess host(framingHost());
    SECTION("dot segments are resolved, percent-escapes and the query kept as sent")
    {
        RawHttpConnection c(host.mainAddress());
        c.send("GET /echo/a/b/../c/./%2e%2e/d%20e?x=../y HTTP/1.1\r\nHost: test\r\n\r\n");
        HttpResult answer = c.readResponse();
        REQUIRE(answer.status == 200);
        auto body = answer.json();
        CHECK(body->getValue<std::string>("path") == "/a/d%20e");
        CHECK(body->getValue<std::string>("original_path") == "/echo/a/d%20e");
        CHECK(body->getValue<std::string>("query") == "x=../y");
        CHECK(body->getValue<std::string>("target") == "/echo/a/b/../c/./%2e%2e/d%20e?x=../y");
    }
    SECTION("a path that climbs out of the route's prefix is routed where it lands")
    {
        for (const char* target : {"/echo/a/../../etc/passwd", "/echo/%2e%2e/etc/passwd", "/echo/../../../etc/passwd"})
        {
            INFO(target);
            RawHttpConnection c(host.mainAddress());
            c.send(std::string("GET ") + target + " HTTP/1.1\r\nHost: test\r\n\r\n");
            HttpResult answer = c.readResponse();
            expectError(answer, 404, "no_route");
            CHECK(answer.body.find("/etc/passwd") != std::string::npos);
        }
    }
    SECTION("a path that climbs into the route's prefix reaches the plugin")
    {
        RawHttpConnection c(host.mainAddress());
        c.send("GET /elsewhere/../echo/x HTTP/1.1\r\nHost: test\r\n\r\n");
        HttpResult answer = c.readResponse();
        REQUIRE(answer.status == 200);
        CHECK(answer.json()->getValue<std::string>("path") == "/x");
        CHECK(answer.json()->getValue<std::string>("target") == "/elsewhere/../echo/x");
    }
}
