// Broken plugins (the ABI fixtures, tests/abi/fixtures) through the admin API and the drop-in
// directory: each is refused with its error code, recorded under "errors", leaves nothing mapped,
// and the host keeps serving echo.
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <Poco/File.h>
#include <Poco/Path.h>

#include <vector>

using namespace terrarium::test;

namespace {

/// The entry of GET /admin/plugins "errors" for file, or null.
Poco::JSON::Object::Ptr fileError(const TerrariumProcess& host, const std::string& file)
{
    HttpResult list = host.admin("GET", "/admin/plugins");
    if (list.status != 200) return nullptr;
    auto errors = list.json()->getArray("errors");
    for (std::size_t i = 0; i < errors->size(); ++i)
    {
        auto entry = errors->getObject(static_cast<unsigned>(i));
        if (entry->getValue<std::string>("file") == file) return entry;
    }
    return nullptr;
}

/// Files of <state>/cache whose name starts with stem + "-".
std::vector<std::string> cachedCopies(const TerrariumProcess& host, const std::string& stem)
{
    std::vector<std::string> names;
    std::vector<std::string> found;
    Poco::File cache(host.stateDir() + "/cache");
    if (cache.exists()) cache.list(names);
    for (const auto& n : names)
    {
        if (n.rfind(stem + "-", 0) == 0) found.push_back(n);
    }
    return found;
}

void checkEchoServes(const TerrariumProcess& host)
{
    HttpResult echo = host.get("/echo/still-here");
    CHECK(echo.status == 200);
    if (echo.status == 200) CHECK(echo.json()->getValue<std::string>("path") == "/still-here");
}

struct Refusal
{
    const char* file;
    int status;
    const char* code;
    std::vector<std::string> inMessage;   /// substrings of the error message
};

} // namespace

TEST_CASE("bad plugins: loaded through the admin API are refused with their error code while echo keeps serving", "[bad][admin]")
{
    const Refusal refusal = GENERATE(values<Refusal>({
        {"not-elf.so", 422, "not_elf", {"ELF"}},
        {"truncated.so", 422, "load_failed", {"truncated"}},
        {"no-entry.so", 422, "no_entry", {"terrarium_plugin_entry"}},
        {"unresolved.so", 422, "load_failed", {"undefined symbol", "terrarium_fixture_missing_function"}},
        {"abi-major.so", 422, "abi_mismatch", {"2.", TERRARIUM_EXPECTED_ABI}},
        {"abi-minor.so", 422, "abi_mismatch", {"1.99", TERRARIUM_EXPECTED_ABI}},
        {"null-descriptor.so", 422, "no_descriptor", {}},
        {"create-fails.so", 422, "create_failed", {"create-fails"}},
        {"route-conflict.so", 409, "route_conflict", {"echo", "/echo", "conflict"}},
        {"duplicate-name.so", 409, "duplicate_name", {"echo", "duplicate-name.so"}},
    }));
    INFO("fixture " << refusal.file);

    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch":{"enabled":false}})";
    TerrariumProcess host(options);
    REQUIRE(host.get("/echo/").status == 200);
    host.dropPlugin(fixturePath(refusal.file), refusal.file);

    HttpResult load = host.admin("POST", "/admin/plugins", std::string(R"({"file":")") + refusal.file + "\"}");
    INFO("answer: " << load.body);
    CHECK(load.status == refusal.status);
    auto body = load.json();
    CHECK(body->size() == 2);
    CHECK(body->getValue<std::string>("error") == refusal.code);
    std::string message = body->getValue<std::string>("message");
    for (const auto& part : refusal.inMessage)
    {
        INFO("message should contain: " << part);
        CHECK(message.find(part) != std::string::npos);
    }

    // The host is unharmed, the failure is listed under "errors" and logged, nothing is left behind.
    checkEchoServes(host);
    auto entry = fileError(host, refusal.file);
    REQUIRE(entry);
    CHECK(entry->getValue<std::string>("error") == refusal.code);
    CHECK(entry->getValue<std::string>("message") == message);
    CHECK(host.waitForLog("cannot load " + std::string(refusal.file)));
    auto list = host.admin("GET", "/admin/plugins").json();
    CHECK(list->getArray("plugins")->size() == 1);
    CHECK(list->getArray("lingering_libraries")->size() == 0);
    std::string stem = Poco::Path(refusal.file).getBaseName();
    CHECK_FALSE(host.mapsContain(host.stateDir() + "/cache/" + stem + "-"));
    CHECK(cachedCopies(host, stem).empty());

    // The echo plugin itself is untouched: same generation, still its route.
    auto echo = host.admin("GET", "/admin/plugins/echo").json();
    CHECK(echo->getValue<std::int64_t>("generation") == 1);
    CHECK(echo->getValue<std::string>("name") == "echo");
}

TEST_CASE("bad plugins: create-fails: the constructor's exception is logged", "[bad][admin]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch":{"enabled":false}})";
    TerrariumProcess host(options);
    host.dropPlugin(fixturePath("create-fails.so"), "create-fails.so");
    HttpResult load = host.admin("POST", "/admin/plugins", R"({"file":"create-fails.so"})");
    CHECK(load.status == 422);
    CHECK(load.json()->getValue<std::string>("error") == "create_failed");
    CHECK(host.waitForLog("fixture: constructor failure"));
    CHECK(host.get("/create-fails/").status == 404);
    checkEchoServes(host);
}

TEST_CASE("bad plugins: handle-throws: the throwing route answers a JSON 500, the host keeps serving", "[bad][admin]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch":{"enabled":false}})";
    TerrariumProcess host(options);
    host.dropPlugin(fixturePath("handle-throws.so"), "handle-throws.so");
    HttpResult load = host.admin("POST", "/admin/plugins", R"({"file":"handle-throws.so"})");
    REQUIRE(load.status == 201);
    CHECK(load.json()->getValue<std::string>("name") == "handle-throws");

    for (int i = 0; i < 3; ++i)
    {
        HttpResult thrown = host.get("/throws/x");
        CHECK(thrown.status == 500);
        CHECK(thrown.header("Content-Type").find("application/json") == 0);
        CHECK(thrown.body.find("this body must not be sent") == std::string::npos);
        auto body = thrown.json();
        CHECK(body->has("error"));
        CHECK(body->has("message"));
        checkEchoServes(host);
    }
    CHECK(host.waitForLog("fixture failure"));

    auto described = host.admin("GET", "/admin/plugins/handle-throws").json();
    CHECK(described->getObject("requests")->getObject("by_class")->getValue<std::int64_t>("5xx") == 3);
    CHECK(described->getValue<std::string>("state") == "serving");
    REQUIRE(host.admin("DELETE", "/admin/plugins/handle-throws").status == 200);
    checkEchoServes(host);
}

TEST_CASE("bad plugins: bad-status: an undefined status from handle() is a JSON 500 unknown_status and is logged", "[bad][admin]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}, {fixturePath("bad-status.so"), "bad-status.so"}};
    options.configJson = R"({"watch":{"enabled":false}})";
    TerrariumProcess host(options);

    HttpResult answer = host.get("/bad-status/");
    CHECK(answer.status == 500);
    CHECK(answer.body.find("this body must not be sent") == std::string::npos);
    auto body = answer.json();
    CHECK(body->getValue<std::string>("error") == "unknown_status");
    CHECK(body->getValue<std::string>("message").find("777") != std::string::npos);
    CHECK(host.waitForLog("returned unknown status 777"));
    checkEchoServes(host);
}

TEST_CASE("bad plugins: dropped into the plugins directory show up under errors while echo keeps serving", "[bad][watch]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    TerrariumProcess host(options);   // the watcher is on
    REQUIRE(host.get("/echo/").status == 200);

    const std::vector<std::pair<std::string, std::string>> drops = {
        {"not-elf.so", "not_elf"}, {"unresolved.so", "load_failed"}, {"abi-major.so", "abi_mismatch"},
        {"null-descriptor.so", "no_descriptor"}, {"route-conflict.so", "route_conflict"}};
    for (const auto& [file, code] : drops) host.dropPlugin(fixturePath(file), file);
    for (const auto& drop : drops)
    {
        const std::string& file = drop.first;
        INFO(file);
        REQUIRE(waitUntil([&] { return fileError(host, file) != nullptr; }));
        CHECK(fileError(host, file)->getValue<std::string>("error") == drop.second);
    }
    checkEchoServes(host);
    CHECK(host.admin("GET", "/admin/plugins").json()->getArray("plugins")->size() == 1);

    // Removing a refused file clears its error.
    host.removePlugin("not-elf.so");
    CHECK(waitUntil([&] { return fileError(host, "not-elf.so") == nullptr; }));
}

TEST_CASE("bad plugins: a broken build replacing a loaded plugin's file leaves the old generation serving", "[bad][watch][reload]")
{
    const std::string broken = GENERATE(as<std::string>(), "truncated.so", "unresolved.so", "abi-major.so");
    INFO("broken build: " << broken);
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    TerrariumProcess host(options);   // the watcher is on
    REQUIRE(host.get("/echo/").status == 200);
    std::string library = host.admin("GET", "/admin/plugins/echo").json()->getValue<std::string>("library");

    host.dropPlugin(fixturePath(broken), "echo.so");
    REQUIRE(waitUntil([&] { return fileError(host, "echo.so") != nullptr; }));
    auto entry = fileError(host, "echo.so");
    CHECK(entry->getValue<std::string>("serving") == "echo");   // the previous generation still serves
    CHECK(host.waitForLog("generation 1 keeps serving"));

    HttpResult answer = host.get("/echo/");
    REQUIRE(answer.status == 200);
    CHECK(answer.header("X-Echo-Version") == "1.0.0");
    auto echo = host.admin("GET", "/admin/plugins/echo").json();
    CHECK(echo->getValue<std::int64_t>("generation") == 1);
    CHECK(echo->getValue<std::string>("state") == "serving");
    CHECK(host.mapsContain(library));

    // A good build dropped next replaces it and clears the error.
    host.dropPlugin(ECHO_V2_PLUGIN_PATH, "echo.so");
    REQUIRE(waitUntil([&] { return host.get("/echo/").header("X-Echo-Version") == "2.0.0"; }));
    CHECK(waitUntil([&] { return fileError(host, "echo.so") == nullptr; }));
    CHECK(host.admin("GET", "/admin/plugins/echo").json()->getValue<std::int64_t>("generation") == 2);
}

TEST_CASE("bad plugins: a broken build reloaded through the admin API is refused and the old generation keeps serving", "[bad][admin][reload]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch":{"enabled":false}})";
    TerrariumProcess host(options);
    REQUIRE(host.get("/echo/").status == 200);

    host.dropPlugin(fixturePath("not-elf.so"), "echo.so");
    HttpResult reload = host.admin("POST", "/admin/plugins/echo/reload");
    CHECK(reload.status == 422);
    CHECK(reload.json()->getValue<std::string>("error") == "not_elf");
    HttpResult answer = host.get("/echo/");
    CHECK(answer.status == 200);
    CHECK(answer.json()->getValue<std::int64_t>("served") == 2);
    CHECK(host.admin("GET", "/admin/plugins/echo").json()->getValue<std::int64_t>("generation") == 1);
    auto entry = fileError(host, "echo.so");
    REQUIRE(entry);
    CHECK(entry->getValue<std::string>("error") == "not_elf");

    // A file that now declares another plugin is refused as well.
    host.dropPlugin(fixturePath("good.so"), "echo.so");
    HttpResult renamed = host.admin("POST", "/admin/plugins/echo/reload");
    CHECK(renamed.status == 409);
    CHECK(renamed.json()->getValue<std::string>("error") == "name_changed");
    CHECK(host.get("/echo/").status == 200);
    CHECK(host.get("/good/").status == 404);
}
