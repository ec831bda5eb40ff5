// The drop-in directory watcher: a new file loads, a replaced file hot-reloads, a removed file
// unloads; hidden and non-.so files are ignored.
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

using namespace terrarium::test;

namespace {

std::size_t pluginCount(const TerrariumProcess& host)
{
    return host.admin("GET", "/admin/plugins").json()->getArray("plugins")->size();
}

} // namespace

TEST_CASE("watcher: dropping, replacing and removing echo.so loads, reloads and unloads it", "[watch]")
{
    TerrariumProcess host;   // empty plugins directory, watcher on
    REQUIRE(host.get("/echo/").status == 404);

    // Appears: loaded.
    host.dropPlugin(ECHO_PLUGIN_PATH, "echo.so");
    REQUIRE(waitUntil([&] { return host.get("/echo/").status == 200; }));
    HttpResult first = host.get("/echo/a");
    CHECK(first.header("X-Echo-Version") == "1.0.0");
    CHECK(first.json()->getValue<std::string>("version") == "1.0.0");
    auto described = host.admin("GET", "/admin/plugins/echo").json();
    CHECK(described->getValue<std::int64_t>("generation") == 1);
    CHECK(described->getValue<std::string>("file") == "echo.so");
    CHECK(host.waitForLog("echo.so appeared: loading it"));

    // Replaced by the second build under the same name: hot-reloaded.
    host.dropPlugin(ECHO_V2_PLUGIN_PATH, "echo.so");
    REQUIRE(waitUntil([&] { return host.get("/echo/").header("X-Echo-Version") == "2.0.0"; }));
    HttpResult second = host.get("/echo/b");
    CHECK(second.status == 200);
    CHECK(second.header("X-Echo-Version") == "2.0.0");
    auto body = second.json();
    CHECK(body->getValue<std::string>("version") == "2.0.0");
    CHECK(body->getValue<std::string>("path") == "/b");
    described = host.admin("GET", "/admin/plugins/echo").json();
    CHECK(described->getValue<std::int64_t>("generation") == 2);
    CHECK(described->getValue<std::string>("version") == "2.0.0");
    CHECK(described->getValue<std::string>("sha256") == sha256OfFile(ECHO_V2_PLUGIN_PATH));
    CHECK(pluginCount(host) == 1);
    CHECK(host.waitForLog("echo.so changed: reloading plugin 'echo'"));
    std::string library = described->getValue<std::string>("library");

    // Removed: unloaded, its route gone, its library out of the process.
    host.removePlugin("echo.so");
    REQUIRE(waitUntil([&] { return host.get("/echo/").status == 404; }));
    CHECK(host.get("/echo/").json()->getValue<std::string>("error") == "no_route");
    CHECK(waitUntil([&] { return pluginCount(host) == 0; }));
    CHECK(host.admin("GET", "/admin/plugins/echo").status == 404);
    CHECK(waitUntil([&] { return !host.mapsContain(library); }));
    CHECK(host.waitForLog("echo.so removed: unloading plugin 'echo'"));
}

TEST_CASE("watcher: a plugin present at start-up is loaded before the host is ready", "[watch]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}, {fixturePath("good.so"), "good.so"}};
    TerrariumProcess host(options);
    // No polling: loaded before /ready answered 200.
    CHECK(host.get("/echo/").status == 200);
    HttpResult good = host.get("/good/");
    CHECK(good.status == 200);
    CHECK(good.json()->getValue<std::string>("plugin") == "good");
    CHECK(pluginCount(host) == 2);
}

TEST_CASE("watcher: hidden files and files not ending in .so are ignored", "[watch]")
{
    TerrariumProcess host;
    // Both are in the directory before echo.so, so every scan that sees echo.so sees them too.
    host.dropPlugin(fixturePath("good.so"), ".hidden.so");
    host.dropPlugin(fixturePath("good.so"), "good.so.disabled");
    host.dropPlugin(ECHO_PLUGIN_PATH, "echo.so");
    REQUIRE(waitUntil([&] { return host.get("/echo/").status == 200; }));

    CHECK(host.get("/good/").status == 404);
    auto list = host.admin("GET", "/admin/plugins").json();
    CHECK(list->getArray("plugins")->size() == 1);
    CHECK(list->getArray("errors")->size() == 0);
}

TEST_CASE("watcher: a disabled watcher loads the directory at start-up only", "[watch]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch":{"enabled":false}})";
    TerrariumProcess host(options);
    REQUIRE(host.get("/echo/").status == 200);

    // A reload through the API picks the new file up; the file alone would not (see AdminApiTest).
    host.dropPlugin(ECHO_V2_PLUGIN_PATH, "echo.so");
    HttpResult reload = host.admin("POST", "/admin/plugins/echo/reload");
    REQUIRE(reload.status == 200);
    CHECK(reload.json()->getValue<std::string>("version") == "2.0.0");
    CHECK(host.get("/echo/").header("X-Echo-Version") == "2.0.0");
}
