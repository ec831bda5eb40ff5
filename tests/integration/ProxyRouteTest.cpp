// Upstream routes and their figures through the real terrariumd: the origin's circuit breaker
// never keeps a proxy route failing once the upstream answers again (a proxied success closes it
// for the host's other calls too), and /metrics shows the proxy's requests waiting for a thread
// and calling, calls waiting for a pooled connection, refusals and upstream errors by kind.
#include "HttpTestClient.h"
#include "TerrariumProcess.h"
#include "UpstreamFixture.h"

#include <catch2/catch.hpp>

#include <future>
#include <string>
#include <vector>

using namespace terrarium::test;
using terrarium::test::UpstreamFixture;

namespace {

std::string metricsPage(const TerrariumProcess& host)
{
    return host.admin("GET", "/metrics", "", false).body;
}

double metric(const TerrariumProcess& host, const std::string& sample)
{
    return metricSample(metricsPage(host), sample);
}

} // namespace

TEST_CASE("proxy: an upstream that answers again is served at once, though its circuit breaker opened", "[proxy][breaker]")
{
    UpstreamFixture upstream;
    UpstreamFixture::Script failing;
    failing.behaviour = UpstreamFixture::Behaviour::FailFirst;
    failing.failures = 2;
    failing.failureStatus = 500;
    failing.body = "back";
    upstream.script("/v1/sys/health", failing);
    const std::string origin = upstream.baseUrl();

    TerrariumProcess::Options options;
    options.configJson = R"({"watch": {"enabled": false},
        "client": {"max_attempts": 1, "breaker": {"failures": 2, "open_ms": 600000}},
        "services": {"vault": ")" + origin + R"("},
        "routes": [{"prefix": "/api/vault", "upstream": "vault"}]})";
    TerrariumProcess host(options);

    CHECK(host.get("/api/vault/v1/sys/health").status == 500);
    CHECK(host.get("/api/vault/v1/sys/health").status == 500);
    // Two failures in a row: the origin's breaker is open (the host's other calls to it fail fast).
    CHECK(metric(host, "terrarium_client_breaker_state{origin=\"" + origin + "\",state=\"open\"}") == 1);

    // The upstream is back: the next proxied request reaches it instead of waiting out open_ms.
    HttpResult back = host.get("/api/vault/v1/sys/health");
    CHECK(back.status == 200);
    CHECK(back.body == "back");
    CHECK(upstream.requests("/v1/sys/health") == 3);
    // That answer closed the breaker for everyone.
    CHECK(metric(host, "terrarium_client_breaker_state{origin=\"" + origin + "\",state=\"closed\"}") == 1);
    CHECK(metric(host, "terrarium_proxy_upstream_errors_total{upstream=\"vault\",kind=\"server_error\"}") == 2);
}

TEST_CASE("proxy: an upstream that is down is tried on every request (502), not refused by the breaker", "[proxy][breaker]")
{
    TerrariumProcess::Options options;
    const std::string down = "http://127.0.0.1:" + std::to_string(UpstreamFixture::closedPort());
    options.configJson = R"({"watch": {"enabled": false},
        "client": {"max_attempts": 1, "breaker": {"failures": 1, "open_ms": 600000}},
        "routes": [{"prefix": "/down", "upstream": ")" + down + R"("}]})";
    TerrariumProcess host(options);
    for (int i = 0; i < 3; ++i)
    {
        HttpResult r = host.get("/down/x");
        CHECK(r.status == 502);
        CHECK(r.json()->getValue<std::string>("message").find("connection refused") != std::string::npos);
    }
    CHECK(metric(host, "terrarium_proxy_upstream_errors_total{upstream=\"" + down + "\",kind=\"unavailable\"}") == 3);
    CHECK(metric(host, "terrarium_client_breaker_state{origin=\"" + down + "\",state=\"open\"}") == 1);
}

TEST_CASE("proxy: /metrics shows requests waiting for a proxy thread, calling, waiting for a pooled connection, and refusals", "[proxy][metrics]")
{
    UpstreamFixture upstream;
    UpstreamFixture::Script hold;
    hold.behaviour = UpstreamFixture::Behaviour::Hold;
    hold.body = "released";
    upstream.script("/held", hold);

    TerrariumProcess::Options options;
    options.configJson = R"({"watch": {"enabled": false}, "proxy": {"threads": 2, "queue_size": 1},
        "client": {"max_per_origin": 1, "timeout_ms": 60000},
        "routes": [{"prefix": "/held", "upstream": ")" + upstream.baseUrl() + R"(", "strip_prefix": false}]})";
    TerrariumProcess host(options);

    std::vector<std::future<HttpResult>> requests;
    for (int i = 0; i < 3; ++i) requests.push_back(std::async(std::launch::async, [&] { return host.get("/held"); }));
    // One call holds the only connection, the second waits for it, the third waits for a thread.
    REQUIRE(waitUntil([&] {
        std::string page = metricsPage(host);
        return upstream.holding() == 1 && metricSample(page, "terrarium_proxy_requests{state=\"calling\"}") == 2 &&
               metricSample(page, "terrarium_proxy_requests{state=\"queued\"}") == 1 &&
               metricSample(page, "terrarium_client_waiting{origin=\"" + upstream.baseUrl() + "\"}") == 1;
    }));
    HttpResult refused = host.get("/held");   // threads busy, queue full
    CHECK(refused.status == 503);
    CHECK(metric(host, "terrarium_proxy_refused_total") == 1);

    upstream.release();
    for (auto& request : requests)
    {
        HttpResult r = request.get();
        CHECK(r.status == 200);
        CHECK(r.body == "released");
    }
    std::string page = metricsPage(host);
    CHECK(metricSample(page, "terrarium_proxy_requests{state=\"calling\"}") == 0);
    CHECK(metricSample(page, "terrarium_proxy_requests{state=\"queued\"}") == 0);
    CHECK(metricSample(page, "terrarium_client_waiting{origin=\"" + upstream.baseUrl() + "\"}") == 0);
}
