#include "config/ConfigChanges.h"
#include "config/ConfigLoader.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace terrarium;

namespace {

Config load(const std::string& json)
{
    return ConfigLoader::parse(json, {}, {});
}

bool has(const std::vector<std::string>& list, const std::string& item)
{
    return std::find(list.begin(), list.end(), item) != list.end();
}

} // namespace

TEST_CASE("config changes: an identical configuration needs no restart", "[config][reload]")
{
    const std::string text = R"({"threads":4,"limits":{"max_body_bytes":1000},"secrets":{"ttl_ms":1000}})";
    CHECK(ConfigChanges::needingRestart(load(text), load(text)).empty());
}

TEST_CASE("config changes: settings applied while serving are not listed", "[config][reload]")
{
    Config running = load(R"({"log":{"level":"information"},"services":{"a":"http://127.0.0.1:1"},"plugins":{"echo":{"config":{"x":1}}}})");
    Config fresh = load(R"({"log":{"level":"debug","plugins":{"echo":"trace"}},"services":{"a":"http://127.0.0.1:2"},"plugins":{"echo":{"config":{"x":2}}}})");
    CHECK(ConfigChanges::needingRestart(running, fresh).empty());
}

TEST_CASE("config changes: every setting a running host cannot apply is named", "[config][reload]")
{
    Config running = load(R"({"watch":{"enabled":true},"listeners":[{"name":"direct","listen":"127.0.0.1:0","routes":[{"prefix":"/a","plugin":"echo"}]}]})");
    Config fresh = load(R"({"watch":{"enabled":false},"threads":3,"queue_size":9,"limits":{"request_timeout_ms":1000},
        "shutdown_timeout_ms":1,"drain_timeout_ms":2,"metrics":{"on_main":true},"client":{"max_attempts":1},
        "secrets":{"vault":{"address":"http://127.0.0.1:8200"}},"log":{"console":false},"admin":{"listen":"127.0.0.1:9"},
        "listeners":[{"name":"direct","listen":"127.0.0.1:0","routes":[{"prefix":"/b","plugin":"echo"}]}]})");
    std::vector<std::string> changed = ConfigChanges::needingRestart(running, fresh);
    for (const char* key : {"watch", "threads", "queue_size", "limits", "shutdown_timeout_ms", "drain_timeout_ms", "metrics", "client",
                            "secrets", "log (sinks; levels are applied)", "admin.listen", "listener 'direct'"})
    {
        INFO(key);
        CHECK(has(changed, key));
    }
    CHECK_FALSE(has(changed, "listeners"));
    CHECK_FALSE(has(changed, "state_dir"));
}
