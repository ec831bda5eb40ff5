#include "metrics/ConfigReloadMetrics.h"
#include "metrics/Histogram.h"
#include "metrics/MetricsRegistry.h"
#include "metrics/PrometheusWriter.h"
#include "metrics/RequestMetrics.h"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <thread>
#include <vector>

using Catch::Matchers::Contains;
using terrarium::ConfigReloadMetrics;
using terrarium::Histogram;
using terrarium::MetricsRegistry;
using terrarium::PrometheusWriter;
using terrarium::RequestMetrics;

TEST_CASE("a histogram counts values into cumulative buckets", "[metrics]")
{
    Histogram histogram({0.1, 1.0});
    histogram.observe(0.05);
    histogram.observe(0.1);
    histogram.observe(0.5);
    histogram.observe(7.0);
    CHECK(histogram.cumulative(0) == 2);   // <= 0.1
    CHECK(histogram.cumulative(1) == 3);   // <= 1
    CHECK(histogram.cumulative(2) == 4);   // +Inf
    CHECK(histogram.count() == 4);
    CHECK(histogram.sum() == Approx(7.65));
    CHECK_THROWS_AS(Histogram({1.0, 0.5}), std::invalid_argument);
}

TEST_CASE("histogram observations from many threads are all counted", "[metrics]")
{
    Histogram histogram;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 5000; ++i) histogram.observe(0.001);
        });
    for (auto& t : threads) t.join();
    CHECK(histogram.count() == 20000);
    CHECK(histogram.cumulative(histogram.bounds().size()) == 20000);
    CHECK(histogram.sum() == Approx(20.0));
}

TEST_CASE("the writer produces the Prometheus text format with escaped labels", "[metrics]")
{
    PrometheusWriter writer;
    writer.family("x_total", "counter", "Things.\nMore");
    writer.sample("x_total", {{"path", "/a\"b\\c\nd"}}, std::uint64_t(3));
    writer.family("x_total", "counter", "ignored repeat");
    writer.sample("x_total", {}, 1.5);
    Histogram histogram({0.5});
    histogram.observe(0.25);
    writer.family("lat", "histogram", "Latency.");
    writer.histogram("lat", {{"k", "v"}}, histogram);
    const std::string& text = writer.text();
    CHECK_THAT(text, Contains("# HELP x_total Things.\\nMore\n# TYPE x_total counter\n"));
    CHECK_THAT(text, Contains("x_total{path=\"/a\\\"b\\\\c\\nd\"} 3\n"));
    CHECK_THAT(text, Contains("x_total 1.5\n"));
    CHECK(text.find("ignored repeat") == std::string::npos);
    CHECK_THAT(text, Contains("lat_bucket{k=\"v\",le=\"0.5\"} 1\n"));
    CHECK_THAT(text, Contains("lat_bucket{k=\"v\",le=\"+Inf\"} 1\n"));
    CHECK_THAT(text, Contains("lat_sum{k=\"v\"} 0.25\n"));
    CHECK_THAT(text, Contains("lat_count{k=\"v\"} 1\n"));
    CHECK(PrometheusWriter::metricName("file-storage.x") == "file_storage_x");
    CHECK(PrometheusWriter::metricName("9a") == "_9a");
}

TEST_CASE("request metrics keep one entry per listener, route and plugin", "[metrics]")
{
    RequestMetrics metrics;
    auto& route = metrics.route("main", "/echo", "echo");
    CHECK(&route == &metrics.route("main", "/echo", "echo"));
    CHECK(&route != &metrics.route("main", "/other", "echo"));
    route.begin();
    route.begin();
    route.end(200, 0.002);
    CHECK(route.inFlight() == 1);
    route.end(503, 0.004);
    CHECK(route.answered(2) == 1);
    CHECK(route.answered(5) == 1);

    PrometheusWriter writer;
    metrics.collect(writer);
    CHECK_THAT(writer.text(), Contains("terrarium_requests_total{listener=\"main\",route=\"/echo\",plugin=\"echo\",code=\"5xx\"} 1"));
    CHECK_THAT(writer.text(), Contains("terrarium_request_duration_seconds_count{listener=\"main\",route=\"/echo\",plugin=\"echo\"} 2"));
    CHECK_THAT(writer.text(), Contains("terrarium_requests_in_flight{listener=\"main\",route=\"/echo\",plugin=\"echo\"} 0"));
}

TEST_CASE("the registry renders every collector and survives one that throws", "[metrics]")
{
    MetricsRegistry registry;
    registry.add("a", [](PrometheusWriter& w) {
        w.family("a_up", "gauge", "A.");
        w.sample("a_up", {}, 1.0);
    });
    registry.add("broken", [](PrometheusWriter&) { throw std::runtime_error("no figures"); });
    std::string page = registry.render();
    CHECK_THAT(page, Contains("a_up 1\n"));
    CHECK_THAT(page, Contains("# collector broken failed: no figures"));
    registry.remove("a");
    CHECK(registry.render().find("a_up") == std::string::npos);
}

TEST_CASE("requests that match no route are counted per listener, declared listeners show 0", "[metrics][unmatched]")
{
    RequestMetrics metrics;
    metrics.declareListener("main");
    metrics.declareListener("side");
    metrics.unmatched("main");
    metrics.unmatched("main");
    metrics.unmatched("late");
    CHECK(metrics.unmatchedCount("main") == 2);
    CHECK(metrics.unmatchedCount("side") == 0);
    CHECK(metrics.unmatchedCount("never") == 0);

    PrometheusWriter writer;
    metrics.collect(writer);
    CHECK_THAT(writer.text(), Contains("# TYPE terrarium_requests_unmatched_total counter\n"));
    CHECK_THAT(writer.text(), Contains("terrarium_requests_unmatched_total{listener=\"main\"} 2\n"));
    CHECK_THAT(writer.text(), Contains("terrarium_requests_unmatched_total{listener=\"side\"} 0\n"));
    CHECK_THAT(writer.text(), Contains("terrarium_requests_unmatched_total{listener=\"late\"} 1\n"));
}

TEST_CASE("configuration reloads: failures are counted and keep the time of the last good load", "[metrics][config]")
{
    ConfigReloadMetrics reloads(Poco::Timestamp::fromEpochTime(1700000000));
    CHECK(reloads.lastSuccess() == 1700000000LL * 1000000);
    PrometheusWriter start;
    reloads.collect(start);
    CHECK_THAT(start.text(), Contains("terrarium_config_reloads_total{result=\"success\"} 0\n"));
    CHECK_THAT(start.text(), Contains("terrarium_config_reloads_total{result=\"failure\"} 0\n"));
    CHECK_THAT(start.text(), Contains("terrarium_config_last_reload_successful 1\n"));
    CHECK_THAT(start.text(), Contains("terrarium_config_last_load_success_timestamp_seconds 1700000000\n"));

    reloads.failed();
    reloads.failed();
    PrometheusWriter failed;
    reloads.collect(failed);
    CHECK(reloads.failures() == 2);
    CHECK_THAT(failed.text(), Contains("terrarium_config_reloads_total{result=\"failure\"} 2\n"));
    CHECK_THAT(failed.text(), Contains("terrarium_config_last_reload_successful 0\n"));
    CHECK_THAT(failed.text(), Contains("terrarium_config_last_load_success_timestamp_seconds 1700000000\n"));

    reloads.succeeded();
    CHECK(reloads.successes() == 1);
    CHECK(reloads.lastSuccess() > 1700000000LL * 1000000);
    PrometheusWriter fixed;
    reloads.collect(fixed);
    CHECK_THAT(fixed.text(), Contains("terrarium_config_last_reload_successful 1\n"));
}
