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

    host.replaceConfig(R"({"watch": {"enabled": false}, "plugins": {"echo": {"config": {"greeting": "two"}}}})");
    host.dropPlugin(fixturePath("good.so"), "good.so");
    REQUIRE(::kill(host.pid(), SIGHUP) == 0);
    CHECK(waitUntil([&] { return greeting(host) == "two"; }));
    CHECK(waitUntil([&] { return host.get("/good/").status == 200; }));

    // A broken file is refused and named; the running configuration stays.
    host.replaceConfig(R"({"watch": {"enabled": false}, "plugins": {"echo": {"config": {"greeting": "three"}})");
    REQUIRE(::kill(host.pid(), SIGHUP) == 0);
    CHECK(host.waitForLog("configuration not reloaded, the running one stays"));
    CHECK(greeting(host) == "two");
    CHECK(host.running());

    // A removed file unloads its plugin at the next SIGHUP.
    host.removePlugin("good.so");
    host.replaceConfig(R"({"watch": {"enabled": false}, "plugins": {"echo": {"config": {"greeting": "two"}}}})");
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

    host.replaceConfig(R"({"watch": {"enabled": false}, "log": {"plugins": {"services-probe": "debug"}},
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
    host.replaceConfig(R"({"watch": {"enabled": true, "interval_ms": 50}, "limits": {"max_body_bytes": 1000}, "log": {"plugins": {"services-probe": "debug"}},
                          "services": {"file-storage": "http://127.0.0.1:3/b"}})");
    REQUIRE(::kill(host.pid(), SIGHUP) == 0);
    CHECK(host.waitForLog("SIGHUP: watch changed in the configuration; it takes effect at the next restart"));
    CHECK(host.waitForLog("SIGHUP: limits changed in the configuration; it takes effect at the next restart"));
}

TEST_CASE("config reload: admin config overrides merge over the file's plugin config and can be dropped", "[reload][sighup][admin]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch": {"enabled": false}, "plugins": {"echo": {"config": {"greeting": "file one", "color": "blue"}}}})";
    TerrariumProcess host(options);
    auto described = [&] { return host.admin("GET", "/admin/plugins/echo").json(); };
    auto effective = [&](const std::string& key) {
        Poco::JSON::Object::Ptr config = described()->getObject("config");
        return config && config->has(key) ? config->getValue<std::string>(key) : std::string("(absent)");
    };
    REQUIRE(greeting(host) == "file one");
    CHECK(effective("color") == "blue");
    CHECK(described()->isNull("config_overrides"));

    // An admin reload's config overrides the keys it names; the file's other keys stay.
    REQUIRE(host.admin("POST", "/admin/plugins/echo/reload", R"({"config": {"greeting": "from admin"}})").status == 200);
    CHECK(greeting(host) == "from admin");
    CHECK(effective("color") == "blue");
    CHECK(described()->getObject("config_overrides")->getValue<std::string>("greeting") == "from admin");

    // The file changes: SIGHUP reloads the plugin with the new file config under the same overrides.
    host.replaceConfig(R"({"watch": {"enabled": false}, "plugins": {"echo": {"config": {"greeting": "file two", "color": "green"}}}})");
    REQUIRE(::kill(host.pid(), SIGHUP) == 0);
    REQUIRE(host.waitForLog("settings of plugin 'echo' changed: reloading it"));
    CHECK(waitUntil([&] { return effective("color") == "green"; }));
    CHECK(greeting(host) == "from admin");

    // "config": null drops the overrides: the file's config applies alone, now and after later edits.
    REQUIRE(host.admin("POST", "/admin/plugins/echo/reload", R"({"config": null})").status == 200);
    CHECK(greeting(host) == "file two");
    CHECK(described()->isNull("config_overrides"));
    host.replaceConfig(R"({"watch": {"enabled": false}, "plugins": {"echo": {"config": {"greeting": "file three", "color": "green"}}}})");
    REQUIRE(::kill(host.pid(), SIGHUP) == 0);
    CHECK(waitUntil([&] { return greeting(host) == "file three"; }));

    // A load's config merges the same way; anything else than an object or null is refused.
    REQUIRE(host.admin("DELETE", "/admin/plugins/echo").status == 200);
    REQUIRE(host.admin("POST", "/admin/plugins", R"({"file": "echo.so", "config": {"greeting": "loaded"}})").status == 201);
    CHECK(greeting(host) == "loaded");
    CHECK(effective("color") == "green");
    HttpResult refused = host.admin("POST", "/admin/plugins/echo/reload", R"({"config": 5})");
    CHECK(refused.status == 400);
    CHECK(refused.json()->getValue<std::string>("error") == "invalid_request");
    CHECK(greeting(host) == "loaded");
}
