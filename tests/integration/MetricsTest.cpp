// GET /metrics (Prometheus text) on the admin listener and optionally the main one; /ready and
// plugin health; plugin metrics through the ABI; a plugin built against the 1.0 header.
#include "HttpTestClient.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <string>

using namespace terrarium::test;

namespace {

bool contains(const std::string& text, const std::string& needle)
{
    return text.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("metrics: the admin listener serves Prometheus text with request, plugin and custom figures", "[metrics]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}, {fixturePath("services-probe.so"), "services-probe.so"}};
    TerrariumProcess host(options);

    for (int i = 0; i < 3; ++i) REQUIRE(host.get("/echo/x").status == 200);
    REQUIRE(host.get("/echo-nothing-here").status == 404);
    REQUIRE(host.request("POST", "/probe/metric?kind=gauge&name=queue_depth&value=7.5").status == 200);
    REQUIRE(host.request("POST", "/probe/metric?kind=histogram&name=upstream_seconds&value=0.02").status == 200);
    REQUIRE(host.request("POST", "/probe/metric?kind=counter&name=jobs&value=4").status == 200);

    HttpResult page = host.admin("GET", "/metrics", "", false);   // scrapers need no token
    REQUIRE(page.status == 200);
    CHECK(contains(page.header("Content-Type"), "text/plain; version=0.0.4"));
    const std::string& text = page.body;
    INFO(text);
    CHECK(contains(text, "# TYPE terrarium_requests_total counter"));
    CHECK(contains(text, "terrarium_requests_total{listener=\"main\",route=\"/echo\",plugin=\"echo\",code=\"2xx\"} 3"));
    CHECK(contains(text, "terrarium_request_duration_seconds_count{listener=\"main\",route=\"/echo\",plugin=\"echo\"} 3"));
    CHECK(contains(text, "terrarium_request_duration_seconds_bucket{listener=\"main\",route=\"/echo\",plugin=\"echo\",le=\"+Inf\"} 3"));
    CHECK(contains(text, "terrarium_requests_in_flight{listener=\"main\",route=\"/echo\",plugin=\"echo\"} 0"));
    CHECK(contains(text, "terrarium_plugin_loaded{plugin=\"echo\",version=\"1.0.0\"} 1"));
    CHECK(contains(text, "terrarium_plugin_generation{plugin=\"echo\"} 1"));
    CHECK(contains(text, "terrarium_plugin_reloads_total{plugin=\"echo\"} 0"));
    CHECK(contains(text, "terrarium_plugin_services_probe_queue_depth 7.5"));
    CHECK(contains(text, "terrarium_plugin_services_probe_upstream_seconds_count 1"));
    CHECK(contains(text, "terrarium_plugin_services_probe_jobs_total 4"));
    CHECK(contains(text, "terrarium_build_info{version=\"" TERRARIUM_EXPECTED_VERSION "\",abi=\"" TERRARIUM_EXPECTED_ABI "\"} 1"));

    // Not on the main listener unless configured.
    CHECK(host.get("/metrics").status == 404);

    // A reload and a refused load are counted.
    REQUIRE(host.admin("POST", "/admin/plugins/echo/reload").status == 200);
    host.dropPlugin(fixturePath("not-elf.so"), "not-elf.so");
    REQUIRE(host.admin("POST", "/admin/plugins", R"({"file":"not-elf.so"})").status == 422);
    std::string after = host.admin("GET", "/metrics", "", false).body;
    INFO(after);
    CHECK(contains(after, "terrarium_plugin_reloads_total{plugin=\"echo\"} 1"));
    CHECK(contains(after, "terrarium_plugin_loaded{plugin=\"echo\",version=\"1.0.0\"} 1"));
    CHECK(contains(after, "terrarium_plugin_generation{plugin=\"echo\"} 2"));
    CHECK(!contains(after, "terrarium_plugin_load_failures_total{operation=\"load\"} 0"));
    CHECK(host.admin("POST", "/metrics", "", false).status == 405);
}

TEST_CASE("metrics: metrics.on_main also serves /metrics on the main listener", "[metrics]")
{
    TerrariumProcess::Options options;
    options.configJson = R"({"metrics": {"on_main": true}})";
    TerrariumProcess host(options);
    HttpResult page = host.get("/metrics");
    REQUIRE(page.status == 200);
    CHECK(contains(page.body, "terrarium_ready 1"));
}

TEST_CASE("metrics: /ready turns 503 while a plugin reports unhealthy and back when it recovers", "[metrics][health]")
{
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath("services-probe.so"), "services-probe.so"}};
    TerrariumProcess host(options);

    HttpResult ready = host.get("/ready");
    REQUIRE(ready.status == 200);
    CHECK(ready.json()->getObject("plugins")->getValue<std::string>("services-probe") == "healthy");

    REQUIRE(host.request("POST", "/probe/health?ok=0").status == 200);
    HttpResult sick = host.get("/ready");
    CHECK(sick.status == 503);
    CHECK(sick.json()->getObject("plugins")->getValue<std::string>("services-probe") == "unhealthy");
    CHECK(host.get("/health").status == 200);   // liveness is not readiness

    REQUIRE(host.request("POST", "/probe/health?ok=1").status == 200);
    CHECK(host.get("/ready").status == 200);
}

TEST_CASE("abi: a plugin compiled against the frozen 1.0 header loads and serves on this 1.1 host", "[abi][metrics]")
{
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath("abi10.so"), "abi10.so"}};
    TerrariumProcess host(options);
    HttpResult answer = host.get("/abi10/x");
    REQUIRE(answer.status == 200);
    CHECK(answer.body == "{\"plugin\":\"abi10\"}");
    HttpResult described = host.admin("GET", "/admin/plugins/abi10");
    REQUIRE(described.status == 200);
    CHECK(described.json()->getValue<std::string>("abi") == "1.0");
    CHECK(contains(host.admin("GET", "/metrics", "", false).body, "terrarium_plugin_abi10_served_total 1"));
}
