#include "plugin/PluginMetrics.h"

#include <catch2/catch.hpp>

#include <thread>
#include <vector>

using terrarium::PluginMetrics;

TEST_CASE("counter names follow the metric name rules", "[counters]")
{
    CHECK(PluginMetrics::validName("requests"));
    CHECK(PluginMetrics::validName("_x1"));
    CHECK(PluginMetrics::validName("Files_Written_2"));
    CHECK_FALSE(PluginMetrics::validName(""));
    CHECK_FALSE(PluginMetrics::validName("1abc"));
    CHECK_FALSE(PluginMetrics::validName("a-b"));
    CHECK_FALSE(PluginMetrics::validName("a.b"));
    CHECK_FALSE(PluginMetrics::validName(std::string(129, 'a')));
}

TEST_CASE("counters add up across threads", "[counters]")
{
    PluginMetrics counters;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 10000; ++i) counters.add(i % 2 ? "odd" : "even", 1);
        });
    for (auto& t : threads) t.join();
    auto values = counters.values();
    CHECK(values.at("odd") == 20000);
    CHECK(values.at("even") == 20000);
}

TEST_CASE("plugin gauges and histograms render under the plugin's namespace", "[counters]")
{
    PluginMetrics metrics;
    metrics.add("served", 2);
    metrics.add("bytes_total", 10);
    metrics.set("queue_depth", 4.5);
    metrics.observe("upstream_seconds", 0.02);
    terrarium::PrometheusWriter writer;
    metrics.collect(writer, "file-storage");
    const std::string& text = writer.text();
    CHECK(text.find("# TYPE terrarium_plugin_file_storage_served_total counter\nterrarium_plugin_file_storage_served_total 2\n") != std::string::npos);
    CHECK(text.find("terrarium_plugin_file_storage_bytes_total 10\n") != std::string::npos);
    CHECK(text.find("terrarium_plugin_file_storage_queue_depth 4.5\n") != std::string::npos);
    CHECK(text.find("terrarium_plugin_file_storage_upstream_seconds_count 1\n") != std::string::npos);
}
