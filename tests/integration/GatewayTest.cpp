// The gateway's host features through the real terrariumd: CORS per listener (plugin answers,
// the host's own errors, OPTIONS 204 on any path), upstream routes through the proxy (path below
// the prefix, query, method, body, hop-by-hop headers, X-Forwarded-*, 502/504, no handler slot
// held while the upstream answers), fixed answers, and the host's probes when the route table
// owns /health and /ready.
#include "HttpTestClient.h"
#include "RawHttpConnection.h"
#include "TerrariumProcess.h"
#include "UpstreamFixture.h"

#include <catch2/catch.hpp>

#include <Poco/JSON/Parser.h>

#include <future>
#include <string>

using namespace terrarium::test;
using terrarium::test::UpstreamFixture;

namespace {

const char* const AllowMethods = "GET, POST, PUT, DELETE, OPTIONS";

/// A request written byte for byte on a fresh connection, and its answer.
HttpResult rawExchange(const std::string& address, const std::string& request)
{
    RawHttpConnection connection(address);
    connection.send(request);
    return connection.readResponse();
}

void checkCors(const HttpResult& answer)
{
    CHECK(answer.header("Access-Control-Allow-Origin") == "*");
    CHECK(answer.header("Access-Control-Allow-Methods") == AllowMethods);
    CHECK_FALSE(answer.header("Access-Control-Allow-Headers").empty());
}

UpstreamFixture::Script echoScript()
{
    UpstreamFixture::Script script;
    script.behaviour = UpstreamFixture::Behaviour::Echo;
    return script;
}

/// The Echo fixture's answer as JSON.
Poco::JSON::Object::Ptr echoed(const HttpResult& answer)
{
    INFO(answer.body);
    REQUIRE(answer.status == 200);
    return Poco::JSON::Parser().parse(answer.body).extract<Poco::JSON::Object::Ptr>();
}

} // namespace

TEST_CASE("gateway: a CORS listener adds the headers to plugin answers and to the host's own errors", "[gateway][cors]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch": {"enabled": false}, "cors": true,
        "routes": [{"prefix": "/ghost", "plugin": "ghost"}],
        "listeners": [{"name": "plain", "listen": "127.0.0.1:0", "plugin": "echo"}]})";
    TerrariumProcess host(options);

    HttpResult plugin = host.get("/echo/x");
    REQUIRE(plugin.status == 200);
    checkCors(plugin);
    CHECK(plugin.header("Access-Control-Expose-Headers") == "Content-Length,Content-Range");

    HttpResult noRoute = host.get("/nowhere");
    CHECK(noRoute.status == 404);
    CHECK(noRoute.json()->getValue<std::string>("error") == "no_route");
    checkCors(noRoute);

    HttpResult unavailable = host.get("/ghost/x");
    CHECK(unavailable.status == 503);
    CHECK(unavailable.json()->getValue<std::string>("error") == "plugin_unavailable");
    checkCors(unavailable);

    HttpResult refused = rawExchange(host.mainAddress(), "GET /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
    CHECK(refused.status == 400);
    checkCors(refused);

    HttpResult tooLarge = rawExchange(host.mainAddress(), "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999\r\n\r\n");
    CHECK(tooLarge.status == 413);
    checkCors(tooLarge);

    // Another listener without "cors" sends none.
    HttpResult plain = httpRequest(host.listenerAddress("plain"), "GET", "/x");
    CHECK(plain.status == 200);
    CHECK(plain.header("Access-Control-Allow-Origin").empty());
    CHECK(httpRequest(host.listenerAddress("plain"), "OPTIONS", "/x").json()->getValue<std::string>("method") == "OPTIONS");
}

TEST_CASE("gateway: OPTIONS on any path of a CORS listener is 204 with the permissive headers", "[gateway][cors]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch": {"enabled": false}, "cors": true})";
    TerrariumProcess host(options);

    for (const char* path : {"/", "/echo/x", "/nowhere/at/all?q=1", "/health"})
    {
        INFO(path);
        HttpResult preflight = host.request("OPTIONS", path, "", {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "PUT"}});
        CHECK(preflight.status == 204);
        CHECK(preflight.body.empty());
        checkCors(preflight);
        CHECK(preflight.header("Access-Control-Max-Age") == "1728000");
    }
    HttpResult star = rawExchange(host.mainAddress(), "OPTIONS * HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    CHECK(star.status == 204);
    checkCors(star);
}

TEST_CASE("gateway: an upstream route forwards path below the prefix, query, method, headers and body, and returns the answer", "[gateway][proxy]")
{
    UpstreamFixture upstream;
    upstream.script("/base/v1/echo", echoScript());
    UpstreamFixture::Script created;
    created.status = 201;
    created.body = "{\"created\":true}";
    created.headers = {{"Keep-Alive", "timeout=5"}, {"X-Hop", "drop me"}, {"Connection", "X-Hop"}, {"Proxy-Authenticate", "Basic"},
                       {"Upgrade", "h2c"}, {"X-Kept", "yes"}};
    upstream.script("/base/made", created);

    TerrariumProcess::Options options;
    options.configJson = R"({"watch": {"enabled": false}, "routes": [
        {"prefix": "/api/up", "upstream": ")" + upstream.baseUrl() + R"(/base"},
        {"prefix": "/keep", "upstream": "svc", "strip_prefix": false}],
        "services": {"svc": ")" + upstream.baseUrl() + R"("}})";
    TerrariumProcess host(options);

    std::string body = "{\"hello\":\"upstream\"}";
    HttpResult answer = rawExchange(host.mainAddress(),
        "PUT /api/up/v1/echo?a=1&b=%2F&c HTTP/1.1\r\nHost: gateway.example:8000\r\nConnection: keep-alive, X-Private\r\n"
        "X-Private: secret\r\nKeep-Alive: timeout=9\r\nTE: trailers\r\nUpgrade: websocket\r\nProxy-Authorization: Basic eA==\r\n"
        "X-Forwarded-For: 192.0.2.1\r\nX-Custom: kept\r\nX-Request-Id: proxy-test-1\r\nContent-Type: application/json\r\n"
        "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    auto seen = echoed(answer);
    CHECK(seen->getValue<std::string>("method") == "PUT");
    CHECK(seen->getValue<std::string>("path") == "/base/v1/echo?a=1&b=%2F&c");
    CHECK(seen->getValue<std::string>("body") == body);
    auto headers = seen->getObject("headers");
    CHECK(headers->getValue<std::string>("x-custom") == "kept");
    CHECK(headers->getValue<std::string>("content-type") == "application/json");
    CHECK(headers->getValue<std::string>("x-forwarded-for") == "192.0.2.1, 127.0.0.1");
    CHECK(headers->getValue<std::string>("x-forwarded-proto") == "http");
    CHECK(headers->getValue<std::string>("x-forwarded-host") == "gateway.example:8000");
    CHECK(headers->getValue<std::string>("x-request-id") == "proxy-test-1");
    CHECK(headers->getValue<std::string>("host") == "127.0.0.1:" + std::to_string(upstream.port()));
    for (const char* dropped : {"x-private", "keep-alive", "te", "upgrade", "proxy-authorization"})
    {
        INFO(dropped);
        CHECK_FALSE(headers->has(dropped));
    }
    CHECK(headers->optValue<std::string>("connection", "").find("X-Private") == std::string::npos);

    HttpResult made = host.request("POST", "/api/up/made", "x");
    CHECK(made.status == 201);
    CHECK(made.body == "{\"created\":true}");
    CHECK(made.header("X-Kept") == "yes");
    CHECK(made.header("Content-Type") == "text/plain");
    for (const char* dropped : {"Keep-Alive", "X-Hop", "Proxy-Authenticate", "Upgrade"})
    {
        INFO(dropped);
        CHECK(made.header(dropped).empty());
    }

    // A service-directory name as upstream, prefix kept.
    upstream.script("/keep/x", echoScript());
    CHECK(echoed(host.get("/keep/x?q=2"))->getValue<std::string>("path") == "/keep/x?q=2");
}

TEST_CASE("gateway: an unreachable upstream is 502, a slow one 504, an unknown service 502, all JSON", "[gateway][proxy][errors]")
{
    UpstreamFixture slow;
    UpstreamFixture::Script hold;
    hold.behaviour = UpstreamFixture::Behaviour::Hold;
    slow.script("/slow", hold);

    TerrariumProcess::Options options;
    options.configJson = R"({"watch": {"enabled": false}, "client": {"max_attempts": 1}, "routes": [
        {"prefix": "/down", "upstream": "http://127.0.0.1:)" + std::to_string(UpstreamFixture::closedPort()) + R"("},
        {"prefix": "/slow", "upstream": ")" + slow.baseUrl() + R"(", "strip_prefix": false, "timeout_ms": 300},
        {"prefix": "/api/vault", "upstream": "vault"}]})";
    TerrariumProcess host(options);

    HttpResult down = host.get("/down/x");
    CHECK(down.status == 502);
    CHECK(down.json()->getValue<std::string>("error") == "bad_gateway");
    CHECK(down.json()->getValue<std::string>("message").find("connection refused") != std::string::npos);

    HttpResult late = host.get("/slow");
    CHECK(late.status == 504);
    CHECK(late.json()->getValue<std::string>("error") == "gateway_timeout");
    slow.release();

    HttpResult unknown = host.get("/api/vault/v1/sys/health");
    CHECK(unknown.status == 502);
    CHECK(unknown.json()->getValue<std::string>("message").find("'vault'") != std::string::npos);
    CHECK(host.waitForLog("upstream 'vault'"));

    // The host keeps serving.
    CHECK(host.admin("GET", "/health", "", false).status == 200);
}

TEST_CASE("gateway: a request waiting for its upstream holds no handler slot", "[gateway][proxy][threads]")
{
    UpstreamFixture upstream;
    UpstreamFixture::Script hold;
    hold.behaviour = UpstreamFixture::Behaviour::Hold;
    hold.body = "released";
    upstream.script("/held", hold);

    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch": {"enabled": false}, "threads": 1, "queue_size": 1, "routes": [
        {"prefix": "/held", "upstream": ")" + upstream.baseUrl() + R"(", "strip_prefix": false}]})";
    TerrariumProcess host(options);

    auto first = std::async(std::launch::async, [&] { return host.get("/held"); });
    auto second = std::async(std::launch::async, [&] { return host.get("/held"); });
    REQUIRE(waitUntil([&] { return upstream.holding() == 2; }));
    // One handler slot, a queue of one, and two requests at their upstream: the plugin still answers.
    for (int i = 0; i < 3; ++i) CHECK(host.get("/echo/x").status == 200);
    upstream.release();
    HttpResult a = first.get();
    HttpResult b = second.get();
    CHECK(a.status == 200);
    CHECK(a.body == "released");
    CHECK(b.status == 200);
}

TEST_CASE("gateway: a fixed route answers /nginx-health with 200 healthy", "[gateway][fixed]")
{
    TerrariumProcess::Options options;
    options.configJson = R"({"watch": {"enabled": false}, "routes": [
        {"prefix": "/nginx-health", "respond": {"status": 200, "content_type": "text/plain", "body": "healthy\n"}}]})";
    TerrariumProcess host(options);
    HttpResult health = host.get("/nginx-health");
    CHECK(health.status == 200);
    CHECK(health.body == "healthy\n");
    CHECK(health.header("Content-Type") == "text/plain");
    CHECK(host.request("HEAD", "/nginx-health").status == 200);
}

TEST_CASE("gateway: with probes off the route table owns /health and /ready, the admin listener answers them without a token", "[gateway][probes]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch": {"enabled": false}, "probes": false,
        "routes": [{"prefix": "/", "plugin": "echo", "strip_prefix": false}],
        "listeners": [{"name": "probing", "listen": "127.0.0.1:0", "probes": true}]})";
    TerrariumProcess host(options);

    for (const char* path : {"/health", "/ready"})
    {
        INFO(path);
        HttpResult routed = host.get(path);
        REQUIRE(routed.status == 200);
        CHECK(routed.json()->getValue<std::string>("plugin") == "echo");
        CHECK(routed.json()->getValue<std::string>("path") == path);
    }

    HttpResult alive = host.admin("GET", "/health", "", false);
    CHECK(alive.status == 200);
    CHECK(alive.json()->getValue<std::string>("status") == "alive");
    HttpResult ready = host.admin("GET", "/ready", "", false, {{"Host", "some-kubelet-address:8081"}});
    CHECK(ready.status == 200);
    CHECK(ready.json()->getValue<bool>("ready"));
    CHECK(ready.json()->getObject("plugins")->getValue<std::string>("echo") == "healthy");
    // The rest of the admin API still needs the token.
    CHECK(host.admin("GET", "/admin/plugins", "", false).status == 401);

    // A listener may answer the probes too.
    CHECK(httpRequest(host.listenerAddress("probing"), "GET", "/health").json()->getValue<std::string>("status") == "alive");
    CHECK(httpRequest(host.listenerAddress("probing"), "GET", "/ready").status == 200);
}

TEST_CASE("gateway: with plugin_routes false the main listener's table is exactly its configured routes", "[gateway][routes]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch": {"enabled": false}, "plugin_routes": false,
        "routes": [{"prefix": "/only", "plugin": "echo"}]})";
    TerrariumProcess host(options);

    CHECK(host.get("/only/x").json()->getValue<std::string>("path") == "/x");
    HttpResult unrouted = host.get("/echo/x");
    CHECK(unrouted.status == 404);
    CHECK(unrouted.json()->getValue<std::string>("error") == "no_route");

    // The plugin's description lists only the route that exists.
    auto routes = host.admin("GET", "/admin/plugins/echo").json()->getArray("routes");
    REQUIRE(routes->size() == 1);
    CHECK(routes->getObject(0)->getValue<std::string>("prefix") == "/only");
}
