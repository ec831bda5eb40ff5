// logthon: the bounded ring per service (default 1000; max_logs, max_logs.<service>, LOGTHON_<SERVICE>_MAX_LOGS).
#include "LogthonFixture.h"

#include <cstdlib>
#include <string>

using namespace logthon::test;

namespace {

std::string batchOf(const std::string& service, int count)
{
    std::string body = "[";
    for (int i = 0; i < count; ++i) body += (i ? "," : "") + std::string("{\"service\":\"") + service + "\",\"message\":\"" + std::to_string(i) + "\"}";
    return body + "]";
}

} // namespace

TEST_CASE("a service keeps its latest 1000 entries by default: the 1001st evicts the oldest", "[logthon][retention]")
{
    LogthonFixture logthon;
    REQUIRE(logthon.post(batchOf("busy", 1000)).status == 200);
    logthon.add("busy", "1000");
    logthon.add("quiet", "q");
    auto info = logthon.getObject("/storage/info");
    CHECK(info->getObject("busy")->getValue<int>("count") == 1000);
    CHECK(info->getObject("busy")->getValue<int>("max_size") == 1000);
    CHECK(info->getObject("busy")->getValue<bool>("is_full"));
    CHECK(info->getObject("quiet")->getValue<int>("count") == 1);
    auto ids = logthon.ids("?service=busy&limit=10000");
    REQUIRE(ids.size() == 1000);
    CHECK(ids.front() == 2);
    CHECK(ids.back() == 1001);
}

TEST_CASE("max_logs sets every service's ring, max_logs as an object sets a default and single services", "[logthon][retention][config]")
{
    SECTION("a number")
    {
        LogthonFixture logthon(FlatConfig{{"max_logs", "3"}});
        REQUIRE(logthon.post(batchOf("a", 5)).status == 200);
        CHECK(logthon.messages() == std::vector<std::string>{"2", "3", "4"});
    }
    SECTION("an object")
    {
        LogthonFixture logthon(R"({"max_logs":{"default":2,"custom-client":4}})");
        REQUIRE(logthon.post(batchOf("custom-client", 6)).status == 200);
        REQUIRE(logthon.post(batchOf("other", 6)).status == 200);
        auto info = logthon.getObject("/storage/info");
        CHECK(info->getObject("custom-client")->getValue<int>("max_size") == 4);
        CHECK(info->getObject("custom-client")->getValue<int>("count") == 4);
        CHECK(info->getObject("other")->getValue<int>("max_size") == 2);
    }
}

TEST_CASE("LOGTHON_<SERVICE>_MAX_LOGS sizes one service's ring, a config key wins", "[logthon][retention][config]")
{
    ::setenv("LOGTHON_ENV_SIZED_MAX_LOGS", "2", 1);
    ::setenv("LOGTHON_BOTH_MAX_LOGS", "2", 1);
    {
        LogthonFixture logthon(R"({"max_logs":{"both":3}})");
        REQUIRE(logthon.post(batchOf("env-sized", 5)).status == 200);
        REQUIRE(logthon.post(batchOf("both", 5)).status == 200);
        auto info = logthon.getObject("/storage/info");
        CHECK(info->getObject("env-sized")->getValue<int>("max_size") == 2);
        CHECK(info->getObject("both")->getValue<int>("max_size") == 3);
    }
    ::unsetenv("LOGTHON_ENV_SIZED_MAX_LOGS");
    ::unsetenv("LOGTHON_BOTH_MAX_LOGS");
    CHECK(logthon::LogthonSettings::maxLogsVariable("custom-client") == "LOGTHON_CUSTOM_CLIENT_MAX_LOGS");
}

TEST_CASE("an unusable setting refuses the load with a message naming it", "[logthon][config]")
{
    for (const auto& config : {FlatConfig{{"max_logs", "0"}}, FlatConfig{{"max_logs", "many"}}, FlatConfig{{"initial_logs", "-1"}},
                               FlatConfig{{"max_message_bytes", "0"}}})
    {
        FakeHost host(&terrarium_plugin_entry, config);
        CHECK(host.tryStart() != TRM_OK);
        CHECK(host.logged("config key '" + config.begin()->first));
    }
}
