// SIGHUP (the systemd unit's ExecReload): the configuration file is read again, plugins whose
// settings changed are hot-reloaded, the plugins directory is rescanned; a broken file changes nothing.
#include "HttpTestClient.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include <signal.h>

using namespace terrarium::test;

namespace {

void writeConfig(const TerrariumProcess& host, const std::string& json)
{
    std::string path = host.dir() + "/config.json";
    std::string temp = path + ".tmp";
    {
        std::ofstream out(temp, std::ios::trunc);
        out << json;
    }
    REQUIRE(::rename(temp.c_str(), path.c_str()) == 0);
}

std::string greeting(const TerrariumProcess& host)
{
    HttpResult answer = host.get("/echo/x");
    if (answer.status != 200) return "status " + std::to_string(answer.status);
    auto json = answer.json();
    return json->has("greeting") ? json->getValue<std::string>("greeting") : std::string();
}

} // namespace

TEST_CASE("config reload: SIGHUP applies new plugin settings and loads plugins dropped without a watcher", "[reload][sighup]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch": {"enabled": false}, "plugins": {"echo": {"config": {"greeting": "one"}}}})";
    TerrariumProcess host(options);
    REQUIRE(greeting(host) == "one");

    writeConfig(host, R"({"watch": {"enabled": false}, "plugins": {"echo": {"config": {"greeting": "two"}}}})");
    host.dropPlugin(fixturePath("good.so"), "good.so");
    REQUIRE(::kill(host.pid(), SIGHUP) == 0);
    CHECK(waitUntil([&] { return greeting(host) == "two"; }));
    CHECK(waitUntil([&] { return host.get("/good/").status == 200; }));

    // A broken file is refused and named; the running configuration stays.
    writeConfig(host, R"({"watch": {"enabled": false}, "plugins": {"echo": {"config": {"greeting": "three"}})");
    REQUIRE(::kill(host.pid(), SIGHUP) == 0);
    CHECK(host.waitForLog("configuration not reloaded, the running one stays"));
    CHECK(greeting(host) == "two");
    CHECK(host.running());

    // A removed file unloads its plugin at the next SIGHUP.
    host.removePlugin("good.so");
    writeConfig(host, R"({"watch": {"enabled": false}, "plugins": {"echo": {"config": {"greeting": "two"}}}})");
    REQUIRE(::kill(host.pid(), SIGHUP) == 0);
    CHECK(waitUntil([&] { return host.get("/good/").status == 404; }));
}

TEST_CASE("config reload: SIGHUP applies log levels and moves services in the directory", "[reload][sighup][services]")
{
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath("services-probe.so"), "services-probe.so"}};
    options.configJson = R"({"watch": {"enabled": false}, "services": {"file-storage": "http://127.0.0.1:1/a", "old": "http://127.0.0.1:1"}})";
    TerrariumProcess host(options);
    auto debugEnabled = [&] { return host.request("POST", "/probe/log?level=1", "x").json()->getValue<bool>("enabled"); };
    auto services = [&] { return host.admin("GET", "/admin/services").json()->getObject("services"); };
    REQUIRE_FALSE(debugEnabled());
    REQUIRE(host.admin("POST", "/admin/services/by-hand", R"({"url":"http://127.0.0.1:2"})").status == 200);

    writeConfig(host, R"({"watch": {"enabled": false}, "log": {"plugins": {"services-probe": "debug"}},
                          "services": {"file-storage": "http://127.0.0.1:3/b"}})");
    REQUIRE(::kill(host.pid(), SIGHUP) == 0);
    REQUIRE(host.waitForLog("SIGHUP: configuration reloaded"));
    CHECK(debugEnabled());
    Poco::JSON::Object::Ptr now = services();
    CHECK(now->getObject("file-storage")->getValue<std::string>("url") == "http://127.0.0.1:3/b");
    CHECK_FALSE(now->has("old"));
    CHECK(now->has("by-hand"));   // set through the admin API: the file does not know it
    CHECK(host.log().find("takes effect at the next restart") == std::string::npos);

    // Settings a running host cannot apply are named, not silently ignored.
    writeConfig(host, R"({"watch": {"enabled": true, "interval_ms": 50}, "limits": {"max_body_bytes": 1000}, "log": {"plugins": {"services-probe": "debug"}},
                          "services": {"file-storage": "http://127.0.0.1:3/b"}})");
    REQUIRE(::kill(host.pid(), SIGHUP) == 0);
    CHECK(host.waitForLog("SIGHUP: watch changed in the configuration; it takes effect at the next restart"));
    CHECK(host.waitForLog("SIGHUP: limits changed in the configuration; it takes effect at the next restart"));
}
