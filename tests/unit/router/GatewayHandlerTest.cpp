// GatewayHandler on one listener: CORS preflights, the host's probes on or off, fixed answers,
// upstream routes without a proxy; CorsPolicy and RouteTable::configured() on their own.
#include "http/HttpReply.h"
#include "http/IncomingRequest.h"
#include "router/CorsPolicy.h"
#include "router/GatewayHandler.h"

#include <catch2/catch.hpp>

#include <memory>
#include <string>

using terrarium::CorsConfig;
using terrarium::CorsPolicy;
using terrarium::GatewayHandler;
using terrarium::HttpReply;
using terrarium::IncomingRequest;
using terrarium::ListenerConfig;
using terrarium::RequestMetrics;
using terrarium::RouteConfig;
using terrarium::RouteTable;
using terrarium::RoutingSnapshot;
using terrarium::RoutingState;
using terrarium::ServerState;

namespace {

IncomingRequest requestFor(const std::string& method, const std::string& path)
{
    IncomingRequest r;
    r.method = method;
    r.target = path;
    r.path = path;
    r.authority = "gateway.test";
    r.listener = "gw";
    r.clientAddress = "127.0.0.1:1234";
    r.version = "HTTP/1.1";
    return r;
}

RouteConfig fixedRoute(const std::string& prefix, int status, const std::string& body)
{
    RouteConfig route;
    route.prefix = prefix;
    route.kind = RouteConfig::Kind::Fixed;
    route.answer.status = status;
    route.answer.body = body;
    return route;
}

/// A routing state with the table of listener "gw": /nginx-health fixed, /api/vault upstream.
struct Gateway
{
    RoutingState routing;
    ServerState state;
    RequestMetrics metrics;
    ListenerConfig listener;

    explicit Gateway(bool probes, bool cors)
    {
        listener.name = "gw";
        listener.probes = probes;
        listener.cors.enabled = cors;
        auto snapshot = std::make_shared<RoutingSnapshot>();
        RouteTable& table = snapshot->tables["gw"];
        table.add(RouteTable::configured(fixedRoute("/nginx-health", 200, "healthy\n")));
        RouteConfig vault;
        vault.prefix = "/api/vault";
        vault.kind = RouteConfig::Kind::Upstream;
        vault.upstream = "vault";
        table.add(RouteTable::configured(vault));
        RouteConfig health = fixedRoute("/health", 299, "routed");
        table.add(RouteTable::configured(health));
        routing.publish(snapshot);
        state.setPhase(ServerState::Phase::Serving);
    }

    void handle(const IncomingRequest& request, HttpReply& reply)
    {
        GatewayHandler handler(routing, state, listener, metrics);
        handler.handle(request, reply);
    }

    bool atOnce(const IncomingRequest& request)
    {
        return GatewayHandler(routing, state, listener, metrics).answersAtOnce(request);
    }
};

} // namespace

TEST_CASE("gateway: a fixed route answers its status, content type and body for any method", "[gateway][fixed]")
{
    Gateway gateway(false, false);
    for (const char* method : {"GET", "POST"})
    {
        HttpReply reply;
        gateway.handle(requestFor(method, "/nginx-health"), reply);
        CHECK(reply.status() == 200);
        CHECK(reply.body() == "healthy\n");
        CHECK(reply.headers() == std::vector<std::pair<std::string, std::string>>{{"Content-Type", "text/plain"}});
        CHECK(reply.plugin().empty());
    }
}

TEST_CASE("gateway: with probes off the route table owns /health, with probes on the host answers it", "[gateway][probes]")
{
    Gateway routed(false, false);
    HttpReply toTable;
    routed.handle(requestFor("GET", "/health"), toTable);
    CHECK(toTable.status() == 299);
    CHECK_FALSE(routed.atOnce(requestFor("GET", "/health")));

    Gateway probing(true, false);
    HttpReply toHost;
    probing.handle(requestFor("GET", "/health"), toHost);
    CHECK(toHost.status() == 200);
    CHECK(toHost.body() == "{\"status\":\"alive\"}");
    HttpReply ready;
    probing.handle(requestFor("GET", "/ready"), ready);
    CHECK(ready.status() == 200);
    CHECK(ready.body().find("\"ready\":true") != std::string::npos);
    CHECK(probing.atOnce(requestFor("GET", "/ready")));
}

TEST_CASE("gateway: with CORS, OPTIONS on any path is 204 with a max age, answered at once", "[gateway][cors]")
{
    Gateway gateway(false, true);
    for (const char* path : {"/", "/api/anything", "/nginx-health", "*"})
    {
        INFO(path);
        HttpReply reply;
        gateway.handle(requestFor("OPTIONS", path), reply);
        CHECK(reply.status() == 204);
        CHECK(reply.body().empty());
        CHECK(reply.headers() == std::vector<std::pair<std::string, std::string>>{{"Access-Control-Max-Age", "1728000"}});
        CHECK(gateway.atOnce(requestFor("OPTIONS", path)));
    }
    Gateway without(false, false);
    HttpReply routed;
    without.handle(requestFor("OPTIONS", "/nginx-health"), routed);
    CHECK(routed.status() == 200);
    CHECK_FALSE(without.atOnce(requestFor("OPTIONS", "/x")));
}

TEST_CASE("gateway: an upstream route without a proxy answers 502, no route is 404", "[gateway][upstream]")
{
    Gateway gateway(false, false);
    HttpReply reply;
    gateway.handle(requestFor("GET", "/api/vault/v1/sys/health"), reply);
    CHECK(reply.status() == 502);
    CHECK(reply.body().find("\"error\":\"bad_gateway\"") != std::string::npos);
    HttpReply missing;
    gateway.handle(requestFor("GET", "/elsewhere"), missing);
    CHECK(missing.status() == 404);
    CHECK(missing.body().find("no_route") != std::string::npos);
}

TEST_CASE("cors policy: the configured allow headers, none when disabled, empty values left out", "[cors]")
{
    CorsConfig config;
    CHECK(CorsPolicy(config).responseHeaders().empty());
    CHECK_FALSE(CorsPolicy(config).enabled());

    config.enabled = true;
    CorsPolicy permissive(config);
    using Headers = std::vector<std::pair<std::string, std::string>>;
    CHECK(permissive.responseHeaders()
          == Headers{{"Access-Control-Allow-Origin", "*"},
                     {"Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS"},
                     {"Access-Control-Allow-Headers", "DNT,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization"},
                     {"Access-Control-Expose-Headers", "Content-Length,Content-Range"}});

    config.allowOrigin = "https://app.example";
    config.allowHeaders.clear();
    config.exposeHeaders.clear();
    config.maxAge = 0;
    CorsPolicy narrow(config);
    CHECK(narrow.responseHeaders()
          == Headers{{"Access-Control-Allow-Origin", "https://app.example"}, {"Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS"}});
    HttpReply preflight;
    narrow.preflight(preflight);
    CHECK(preflight.status() == 204);
    CHECK(preflight.headers().empty());
}

TEST_CASE("route table: configured() carries each kind of route", "[routes]")
{
    RouteConfig upstream;
    upstream.prefix = "/api/vault";
    upstream.kind = RouteConfig::Kind::Upstream;
    upstream.upstream = "http://127.0.0.1:8200";
    upstream.upstreamTimeout = Poco::Timespan(3, 0);
    RouteTable::Entry entry = RouteTable::configured(upstream);
    CHECK(entry.kind == RouteConfig::Kind::Upstream);
    CHECK(entry.upstream == "http://127.0.0.1:8200");
    CHECK(entry.upstreamTimeout == Poco::Timespan(3, 0));
    CHECK(entry.plugin.empty());
    CHECK(entry.fromConfig);
    CHECK(entry.stripPrefix);

    RouteTable table;
    table.add(entry);
    table.add(RouteTable::configured(fixedRoute("/nginx-health", 200, "healthy\n")));
    auto vault = table.match("any", "/api/vault/v1/secret/data/x");
    REQUIRE(vault);
    CHECK(vault->entry->kind == RouteConfig::Kind::Upstream);
    CHECK(vault->routedPath == "/v1/secret/data/x");
    auto fixed = table.match("any", "/nginx-health");
    REQUIRE(fixed);
    CHECK(fixed->entry->kind == RouteConfig::Kind::Fixed);
    CHECK(fixed->entry->answer.body == "healthy\n");
}
