#include "plugin/PluginCounters.h"

#include <catch2/catch.hpp>

#include <thread>
#include <vector>

using terrarium::PluginCounters;

TEST_CASE("counter names follow the metric name rules", "[counters]")
{
    CHECK(PluginCounters::validName("requests"));
    CHECK(PluginCounters::validName("_x1"));
    CHECK(PluginCounters::validName("Files_Written_2"));
    CHECK_FALSE(PluginCounters::validName(""));
    CHECK_FALSE(PluginCounters::validName("1abc"));
    CHECK_FALSE(PluginCounters::validName("a-b"));
    CHECK_FALSE(PluginCounters::validName("a.b"));
    CHECK_FALSE(PluginCounters::validName(std::string(129, 'a')));
}

TEST_CASE("counters add up across threads", "[counters]")
{
    PluginCounters counters;
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
