// What /metrics shows beyond the routed requests: requests that matched no route, configuration
// reloads (SIGHUP) that failed, per-plugin series that stay one series across hot reloads and
// leave the page when their plugin is unloaded.
#include "HttpTestClient.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include <signal.h>

using namespace terrarium::test;

namespace {

std::string metricsPage(const TerrariumProcess& host)
{
    return host.admin("GET", "/metrics", "", false).body;
}

double sample(const TerrariumProcess& host, const std::string& name)
{
    return metricSample(metricsPage(host), name);
}

/// Every line of page that starts with prefix (its series).
std::vector<std::string> series(const std::string& page, const std::string& prefix)
{
    std::vector<std::string> lines;
    std::size_t at = 0;
    while (at < page.size())
    {
        std::size_t end = page.find('\n', at);
        if (end == std::string::npos) end = page.size();
        std::string line = page.substr(at, end - at);
        if (line.rfind(prefix, 0) == 0) lines.push_back(line);
        at = end + 1;
    }
    return lines;
}

} // namespace

TEST_CASE("observability: requests that match no route are counted per listener", "[metrics][unmatched]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"listeners":[{"name":"side","listen":"127.0.0.1:0","routes":[{"prefix":"/only","plugin":"echo"}]}]})";
    TerrariumProcess host(options);

    std::string before = metricsPage(host);
    INFO(before);
    CHECK(metricSample(before, "terrarium_requests_unmatched_total{listener=\"main\"}") == 0);
    CHECK(metricSample(before, "terrarium_requests_unmatched_total{listener=\"side\"}") == 0);

    REQUIRE(host.get("/echo/x").status == 200);
    REQUIRE(host.get("/nowhere").status == 404);
    REQUIRE(host.request("POST", "/also/nowhere", "x").status == 404);
    std::string side = host.listenerAddress("side");
    REQUIRE(httpRequest(side, "GET", "/only/x").status == 200);
    REQUIRE(httpRequest(side, "GET", "/echo/x").status == 404);

    std::string after = metricsPage(host);
    INFO(after);
    CHECK(metricSample(after, "terrarium_requests_unmatched_total{listener=\"main\"}") == 2);
    CHECK(metricSample(after, "terrarium_requests_unmatched_total{listener=\"side\"}") == 1);
    CHECK(after.find("# TYPE terrarium_requests_unmatched_total counter") != std::string::npos);
}

TEST_CASE("observability: a SIGHUP with a configuration that does not load is counted, the last good load stays", "[metrics][sighup]")
{
    TerrariumProcess::Options options;
    options.configJson = R"({"watch": {"enabled": false}})";
    TerrariumProcess host(options);

    std::string start = metricsPage(host);
    INFO(start);
    CHECK(metricSample(start, "terrarium_config_reloads_total{result=\"failure\"}") == 0);
    CHECK(metricSample(start, "terrarium_config_reloads_total{result=\"success\"}") == 0);
    CHECK(metricSample(start, "terrarium_config_last_reload_successful") == 1);
    const double loadedAt = metricSample(start, "terrarium_config_last_load_success_timestamp_seconds");
    CHECK(loadedAt > 1.5e9);

    host.replaceConfig(R"({"watch": {"enabled": false)");
    REQUIRE(::kill(host.pid(), SIGHUP) == 0);
    REQUIRE(waitUntil([&] { return sample(host, "terrarium_config_reloads_total{result=\"failure\"}") == 1; }));
    std::string failed = metricsPage(host);
    INFO(failed);
    CHECK(metricSample(failed, "terrarium_config_last_reload_successful") == 0);
    CHECK(metricSample(failed, "terrarium_config_last_load_success_timestamp_seconds") == loadedAt);
    CHECK(metricSample(failed, "terrarium_config_reloads_total{result=\"success\"}") == 0);
    CHECK(host.running());

    host.replaceConfig(R"({"watch": {"enabled": false}})");
    REQUIRE(::kill(host.pid(), SIGHUP) == 0);
    REQUIRE(waitUntil([&] { return sample(host, "terrarium_config_reloads_total{result=\"success\"}") == 1; }));
    std::string fixed = metricsPage(host);
    INFO(fixed);
    CHECK(metricSample(fixed, "terrarium_config_last_reload_successful") == 1);
    CHECK(metricSample(fixed, "terrarium_config_last_load_success_timestamp_seconds") >= loadedAt);
    CHECK(metricSample(fixed, "terrarium_config_reloads_total{result=\"failure\"}") == 1);
}

TEST_CASE("observability: per-plugin series stay one series across a hot reload, the generation is a gauge", "[metrics][reload]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    TerrariumProcess host(options);

    for (int i = 0; i < 3; ++i) REQUIRE(host.get("/echo/x").status == 200);
    std::string first = metricsPage(host);
    CHECK(metricSample(first, "terrarium_plugin_echo_requests_total") == 3);
    CHECK(metricSample(first, "terrarium_plugin_generation{plugin=\"echo\"}") == 1);

    host.dropPlugin(ECHO_V2_PLUGIN_PATH, "echo.so");
    REQUIRE(waitUntil([&] { return host.get("/echo/x").header("X-Echo-Version") == "2.0.0"; }));
    for (int i = 0; i < 2; ++i) REQUIRE(host.get("/echo/x").status == 200);

    std::string page = metricsPage(host);
    INFO(page);
    CHECK(metricSample(page, "terrarium_plugin_generation{plugin=\"echo\"}") == 2);
    CHECK(metricSample(page, "terrarium_plugin_reloads_total{plugin=\"echo\"}") == 1);
    // The plugin's own counter and the host's request counter: one series each, still increasing.
    CHECK(series(page, "terrarium_plugin_echo_requests_total").size() == 1);
    CHECK(metricSample(page, "terrarium_plugin_echo_requests_total") >= 6);
    auto requests = series(page, "terrarium_requests_total{listener=\"main\",route=\"/echo\",plugin=\"echo\"");
    CHECK(requests.size() == 1);
    CHECK(metricSample(page, "terrarium_requests_total{listener=\"main\",route=\"/echo\",plugin=\"echo\",code=\"2xx\"}") >= 6);
    CHECK(series(page, "terrarium_plugin_loaded{plugin=\"echo\"").size() == 1);
    CHECK(page.find("generation=") == std::string::npos);
}

TEST_CASE("observability: an unloaded plugin's series leave /metrics, a new load starts afresh", "[metrics][unload]")
{
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath("services-probe.so"), "services-probe.so"}};
    options.configJson = R"({"watch": {"enabled": false}})";
    TerrariumProcess host(options);

    REQUIRE(host.request("POST", "/probe/metric?kind=gauge&name=queue_depth&value=7.5").status == 200);
    REQUIRE(host.request("POST", "/probe/metric?kind=counter&name=jobs&value=4").status == 200);
    REQUIRE(host.request("POST", "/probe/metric?kind=histogram&name=upstream_seconds&value=0.02").status == 200);
    std::string loaded = metricsPage(host);
    INFO(loaded);
    CHECK(metricSample(loaded, "terrarium_plugin_services_probe_queue_depth") == 7.5);
    CHECK(metricSample(loaded, "terrarium_plugin_loaded{plugin=\"services-probe\",version=\"1.1.0\"}") == 1);

    REQUIRE(host.admin("DELETE", "/admin/plugins/services-probe").status == 200);
    std::string unloaded = metricsPage(host);
    INFO(unloaded);
    CHECK(unloaded.find("terrarium_plugin_services_probe_") == std::string::npos);
    CHECK(unloaded.find("{plugin=\"services-probe\"") == std::string::npos);

    REQUIRE(host.admin("POST", "/admin/plugins", R"({"file":"services-probe.so"})").status == 201);
    std::string again = metricsPage(host);
    INFO(again);
    CHECK(again.find("terrarium_plugin_services_probe_queue_depth") == std::string::npos);
    CHECK(metricSample(again, "terrarium_plugin_generation{plugin=\"services-probe\"}") == 2);
    REQUIRE(host.request("POST", "/probe/metric?kind=counter&name=jobs&value=1").status == 200);
    CHECK(sample(host, "terrarium_plugin_services_probe_jobs_total") == 1);
}
