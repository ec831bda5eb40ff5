// The admin API: authentication, listing and describing plugins, load/reload/unload, and the JSON
// errors of every refused call.
#include "TempDir.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <Poco/File.h>

#include <set>

#include <unistd.h>

using namespace terrarium::test;

namespace {

/// A host with the watcher off (files dropped into the directory stay unloaded until the API
/// loads them) and, unless told otherwise, echo.so loaded at start.
TerrariumProcess::Options quietHost(bool withEcho = true)
{
    TerrariumProcess::Options options;
    if (withEcho) options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch":{"enabled":false}})";
    return options;
}

/// Checks that an answer is the host's JSON error with the given status and code, and returns
/// its message.
std::string expectError(const HttpResult& result, int status, const std::string& code)
{
    INFO("body: " << result.body);
    CHECK(result.status == status);
    CHECK(result.header("Content-Type").find("application/json") == 0);
    auto json = result.json();
    CHECK(json->size() == 2);
    REQUIRE(json->has("error"));
    REQUIRE(json->has("message"));
    CHECK(json->get("error").isString());
    CHECK(json->get("message").isString());
    CHECK(json->getValue<std::string>("error") == code);
    std::string message = json->getValue<std::string>("message");
    CHECK_FALSE(message.empty());
    return message;
}

bool isHex64(const std::string& text)
{
    return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

} // namespace

TEST_CASE("admin API: a missing token is 401, a wrong token 403, a foreign Origin 403", "[admin][auth]")
{
    TerrariumProcess host(quietHost());

    HttpResult noToken = host.admin("GET", "/admin/plugins", "", false);
    std::string message = expectError(noToken, 401, "unauthorized");
    CHECK(noToken.header("WWW-Authenticate").find("Bearer") == 0);
    // It says what is needed and where to read about it, not where the token file is.
    CHECK(message.find("docs/admin-api.md") != std::string::npos);
    CHECK(message.find(host.dir()) == std::string::npos);
    CHECK(message.find("admin.token") == std::string::npos);
    CHECK(host.waitForLog("no bearer token (the token is in " + host.stateDir() + "/admin.token)"));

    expectError(host.admin("GET", "/admin/plugins", "", false, {{"Authorization", "Basic dXNlcjpwYXNz"}}), 401, "unauthorized");
    expectError(host.admin("GET", "/admin/plugins", "", false, {{"Authorization", "Bearer wrong"}}), 403, "forbidden");
    expectError(host.admin("GET", "/admin/plugins", "", false, {{"Authorization", "Bearer " + host.token() + "x"}}), 403, "forbidden");
    // Mutations are refused the same way, and have no effect.
    expectError(host.admin("DELETE", "/admin/plugins/echo", "", false), 401, "unauthorized");
    expectError(host.admin("DELETE", "/admin/plugins/echo", "", false, {{"Authorization", "Bearer wrong"}}), 403, "forbidden");
    CHECK(host.get("/echo/").status == 200);

    // A foreign Origin is refused even with the right token (a browser page cannot drive the API).
    HttpResult foreign = host.admin("GET", "/admin/plugins", "", true, {{"Origin", "http://evil.example"}});
    expectError(foreign, 403, "foreign_origin");
    expectError(host.admin("DELETE", "/admin/plugins/echo", "", true, {{"Origin", "http://evil.example"}}), 403, "foreign_origin");
    CHECK(host.get("/echo/").status == 200);
    CHECK(host.waitForLog("foreign Origin 'http://evil.example'"));

    // The admin listener's own origin is accepted.
    HttpResult same = host.admin("GET", "/admin/plugins", "", true, {{"Origin", "http://" + host.adminAddress()}});
    CHECK(same.status == 200);

    // The right token works; the admin API is not on the main listener.
    CHECK(host.admin("GET", "/admin/plugins").status == 200);
    expectError(httpRequest(host.mainAddress(), "GET", "/admin/plugins", "", {{"Authorization", "Bearer " + host.token()}}), 404, "no_route");
}

TEST_CASE("admin API: list and describe report name, version, ABI, generation, sha256, routes, state and requests", "[admin]")
{
    TerrariumProcess host(quietHost());
    for (int i = 0; i < 3; ++i) REQUIRE(host.get("/echo/count").status == 200);

    HttpResult listed = host.admin("GET", "/admin/plugins");
    REQUIRE(listed.status == 200);
    auto list = listed.json();
    REQUIRE(list->getArray("plugins")->size() == 1);
    CHECK(list->getArray("errors")->size() == 0);
    CHECK(list->getArray("retiring")->size() == 0);
    CHECK(list->getArray("lingering_libraries")->size() == 0);

    HttpResult described = host.admin("GET", "/admin/plugins/echo");
    REQUIRE(described.status == 200);
    for (auto plugin : {list->getArray("plugins")->getObject(0), described.json()})
    {
        CHECK(plugin->getValue<std::string>("name") == "echo");
        CHECK(plugin->getValue<std::string>("version") == "1.0.0");
        CHECK(plugin->getValue<std::string>("abi") == TERRARIUM_EXPECTED_ABI);
        CHECK(plugin->getValue<std::int64_t>("generation") == 1);
        CHECK(plugin->getValue<std::string>("state") == "serving");
        CHECK(plugin->getValue<std::string>("file") == "echo.so");
        std::string sha = plugin->getValue<std::string>("sha256");
        CHECK(isHex64(sha));
        CHECK(sha == sha256OfFile(ECHO_PLUGIN_PATH));
        CHECK(sha == sha256OfFile(host.pluginsDir() + "/echo.so"));

        // It runs from a private copy in the state dir, named after the hash, not from the drop-in file.
        std::string library = plugin->getValue<std::string>("library");
        CHECK(library.rfind(host.stateDir() + "/cache/", 0) == 0);
        CHECK(library.find(sha) != std::string::npos);
        CHECK(host.mapsContain(library));
        CHECK_FALSE(host.mapsContain(host.pluginsDir() + "/echo.so"));

        auto routes = plugin->getArray("routes");
        REQUIRE(routes->size() == 1);
        CHECK(routes->getObject(0)->getValue<std::string>("prefix") == "/echo");
        CHECK(routes->getObject(0)->getValue<std::string>("listener") == "main");
        CHECK(routes->getObject(0)->getValue<bool>("strip_prefix"));

        auto caps = plugin->getObject("capabilities");
        CHECK(caps->getValue<bool>("snapshot"));

        auto requests = plugin->getObject("requests");
        CHECK(requests->getValue<std::int64_t>("total") == 3);
        CHECK(requests->getValue<std::int64_t>("in_flight") == 0);
        CHECK(requests->getObject("by_class")->getValue<std::int64_t>("2xx") == 3);
        CHECK(plugin->getObject("counters")->getValue<std::int64_t>("requests") == 3);
        CHECK(plugin->getValue<std::int64_t>("reloads") == 0);
    }
}

TEST_CASE("admin API: POST /admin/plugins loads a file of the plugins directory, with or without config", "[admin]")
{
    TerrariumProcess host(quietHost(false));
    host.dropPlugin(ECHO_PLUGIN_PATH, "echo.so");
    CHECK(host.get("/echo/").status == 404);   // the watcher is off: nothing loads it by itself

    SECTION("without config")
    {
        HttpResult load = host.admin("POST", "/admin/plugins", R"({"file":"echo.so"})");
        REQUIRE(load.status == 201);
        auto info = load.json();
        CHECK(info->getValue<std::string>("name") == "echo");
        CHECK(info->getValue<std::int64_t>("generation") == 1);

        HttpResult answer = host.get("/echo/hello?x=1");
        REQUIRE(answer.status == 200);
        CHECK(answer.header("X-Echo-Version") == "1.0.0");
        auto body = answer.json();
        CHECK(body->getValue<std::string>("path") == "/hello");
        CHECK(body->getValue<std::string>("original_path") == "/echo/hello");
        CHECK(body->getValue<std::string>("query") == "x=1");
        CHECK_FALSE(body->has("greeting"));
        CHECK(host.waitForLog("loaded plugin 'echo' 1.0.0"));

        // Loading it a second time is a conflict.
        expectError(host.admin("POST", "/admin/plugins", R"({"file":"echo.so"})"), 409, "already_loaded");
        CHECK(host.get("/echo/").status == 200);
    }
    SECTION("with config")
    {
        HttpResult load = host.admin("POST", "/admin/plugins", R"({"file":"echo.so","config":{"greeting":"loaded by hand"}})");
        REQUIRE(load.status == 201);
        HttpResult answer = host.get("/echo/");
        REQUIRE(answer.status == 200);
        CHECK(answer.json()->getValue<std::string>("greeting") == "loaded by hand");
    }
}

TEST_CASE("admin API: reload makes a new generation and keeps the served counter", "[admin][reload]")
{
    TerrariumProcess host(quietHost());
    for (int i = 1; i <= 3; ++i)
    {
        HttpResult answer = host.get("/echo/");
        REQUIRE(answer.status == 200);
        CHECK(answer.json()->getValue<std::int64_t>("served") == i);
    }
    std::string oldLibrary = host.admin("GET", "/admin/plugins/echo").json()->getValue<std::string>("library");

    SECTION("same file")
    {
        HttpResult reload = host.admin("POST", "/admin/plugins/echo/reload");
        REQUIRE(reload.status == 200);
        auto info = reload.json();
        CHECK(info->getValue<std::int64_t>("generation") == 2);
        CHECK(info->getValue<std::int64_t>("reloads") == 1);
        CHECK(info->getValue<std::string>("state") == "serving");

        HttpResult answer = host.get("/echo/");
        REQUIRE(answer.status == 200);
        CHECK(answer.json()->getValue<std::int64_t>("served") == 4);   // restored from generation 1
        CHECK(host.waitForLog("state handed from generation 1 to 2"));

        // Same bytes, same cached library: it stays mapped.
        CHECK(info->getValue<std::string>("library") == oldLibrary);
        CHECK(host.mapsContain(oldLibrary));
    }
    SECTION("new build of the file, with new config")
    {
        host.dropPlugin(ECHO_V2_PLUGIN_PATH, "echo.so");
        HttpResult reload = host.admin("POST", "/admin/plugins/echo/reload", R"({"config":{"greeting":"second"}})");
        REQUIRE(reload.status == 200);
        auto info = reload.json();
        CHECK(info->getValue<std::int64_t>("generation") == 2);
        CHECK(info->getValue<std::string>("version") == "2.0.0");
        CHECK(info->getValue<std::string>("sha256") == sha256OfFile(ECHO_V2_PLUGIN_PATH));

        HttpResult answer = host.get("/echo/");
        REQUIRE(answer.status == 200);
        CHECK(answer.header("X-Echo-Version") == "2.0.0");
        auto body = answer.json();
        CHECK(body->getValue<std::string>("version") == "2.0.0");
        CHECK(body->getValue<std::string>("greeting") == "second");
        CHECK(body->getValue<std::int64_t>("served") == 4);

        // The first build's library has left the process.
        CHECK(info->getValue<std::string>("library") != oldLibrary);
        CHECK_FALSE(host.mapsContain(oldLibrary));
        CHECK_FALSE(Poco::File(oldLibrary).exists());

        // A later reload without config keeps the config it was given.
        REQUIRE(host.admin("POST", "/admin/plugins/echo/reload").status == 200);
        CHECK(host.get("/echo/").json()->getValue<std::string>("greeting") == "second");
    }
}

TEST_CASE("admin API: DELETE unloads the plugin and its library leaves the process", "[admin]")
{
    TerrariumProcess host(quietHost());
    REQUIRE(host.get("/echo/").status == 200);
    std::string library = host.admin("GET", "/admin/plugins/echo").json()->getValue<std::string>("library");
    REQUIRE(host.mapsContain(library));

    HttpResult unload = host.admin("DELETE", "/admin/plugins/echo");
    REQUIRE(unload.status == 200);
    auto body = unload.json();
    CHECK(body->getValue<std::string>("unloaded") == "echo");
    CHECK(body->getValue<bool>("library_closed"));

    HttpResult gone = host.get("/echo/");
    CHECK(gone.status == 404);
    CHECK(gone.json()->getValue<std::string>("error") == "no_route");
    CHECK_FALSE(host.mapsContain(library));
    CHECK_FALSE(Poco::File(library).exists());   // the cached copy is removed too
    CHECK(host.admin("GET", "/admin/plugins").json()->getArray("plugins")->size() == 0);
    expectError(host.admin("GET", "/admin/plugins/echo"), 404, "not_found");

    // The file is still in the directory: it can be loaded again.
    REQUIRE(host.admin("POST", "/admin/plugins", R"({"file":"echo.so"})").status == 201);
    CHECK(host.get("/echo/").status == 200);
}

TEST_CASE("admin API: refused calls answer a JSON error with a stable code", "[admin][errors]")
{
    TerrariumProcess host(quietHost());

    SECTION("file names that are not plain names in the plugins directory")
    {
        for (const char* body : {R"({"file":"../x.so"})", R"({"file":"/etc/passwd"})", R"({"file":"sub/echo.so"})", R"({"file":".echo.so"})",
                                 R"({"file":".."})", R"({"file":""})"})
        {
            INFO(body);
            expectError(host.admin("POST", "/admin/plugins", body), 400, "invalid_file");
        }
        // An absolute path to a real plugin is refused too.
        expectError(host.admin("POST", "/admin/plugins", std::string(R"({"file":")") + ECHO_V2_PLUGIN_PATH + "\"}"), 400, "invalid_file");
    }
    SECTION("a file that does not exist")
    {
        std::string message = expectError(host.admin("POST", "/admin/plugins", R"({"file":"missing.so"})"), 404, "file_not_found");
        CHECK(message.find("missing.so") != std::string::npos);
    }
    SECTION("bodies that are not the expected JSON object")
    {
        expectError(host.admin("POST", "/admin/plugins", R"({"file":)"), 400, "invalid_json");
        expectError(host.admin("POST", "/admin/plugins", "not json at all"), 400, "invalid_json");
        expectError(host.admin("POST", "/admin/plugins", R"(["echo.so"])"), 400, "invalid_json");
        expectError(host.admin("POST", "/admin/plugins", ""), 400, "invalid_request");
        expectError(host.admin("POST", "/admin/plugins", R"({"file":42})"), 400, "invalid_request");
        expectError(host.admin("POST", "/admin/plugins", R"({"name":"echo.so"})"), 400, "invalid_request");
        expectError(host.admin("POST", "/admin/plugins", R"({"file":"echo.so","config":"greeting"})"), 400, "invalid_request");
        expectError(host.admin("POST", "/admin/plugins/echo/reload", R"({"config":)"), 400, "invalid_json");
    }
    SECTION("methods that are not allowed")
    {
        HttpResult getReload = host.admin("GET", "/admin/plugins/echo/reload");
        expectError(getReload, 405, "method_not_allowed");
        CHECK(getReload.header("Allow") == "POST");
        HttpResult put = host.admin("PUT", "/admin/plugins", R"({"file":"echo.so"})");
        expectError(put, 405, "method_not_allowed");
        CHECK(put.header("Allow") == "GET, POST");
        expectError(host.admin("POST", "/admin/plugins/echo", "{}"), 405, "method_not_allowed");
        expectError(host.admin("DELETE", "/admin/status"), 405, "method_not_allowed");
    }
    SECTION("unknown plugins and resources")
    {
        expectError(host.admin("GET", "/admin/plugins/nope"), 404, "not_found");
        expectError(host.admin("DELETE", "/admin/plugins/nope"), 404, "not_found");
        expectError(host.admin("POST", "/admin/plugins/nope/reload"), 404, "not_found");
        expectError(host.admin("GET", "/admin/nothing"), 404, "not_found");
        expectError(host.admin("GET", "/admin/plugins/echo/nothing"), 404, "not_found");
    }
    // None of it disturbed echo.
    HttpResult answer = host.get("/echo/");
    CHECK(answer.status == 200);
    CHECK(host.admin("GET", "/admin/plugins/echo").json()->getValue<std::int64_t>("generation") == 1);
}

TEST_CASE("admin API: Host and Origin must name the admin listener itself (DNS rebinding)", "[admin][auth]")
{
    TerrariumProcess::Options options = quietHost();
    options.configJson = R"({"watch":{"enabled":false},"admin":{"allowed_hosts":["terrarium-admin","Admin.Example.COM"]}})";
    TerrariumProcess host(options);
    const std::string port = host.adminAddress().substr(host.adminAddress().rfind(':'));

    SECTION("names it answers to")
    {
        for (const std::string& name : std::vector<std::string>{host.adminAddress(), "localhost" + port, "localhost", "LOCALHOST" + port, "terrarium-admin" + port,
                                        "terrarium-admin", "admin.example.com" + port, "admin.example.com."})
        {
            INFO("Host: " << name);
            CHECK(host.admin("GET", "/admin/plugins", "", true, {{"Host", name}}).status == 200);
            CHECK(host.admin("GET", "/admin/plugins", "", true, {{"Host", name}, {"Origin", "http://" + name}}).status == 200);
        }
        CHECK(host.admin("GET", "/admin/plugins", "", true, {{"Origin", "https://terrarium-admin"}}).status == 200);
        CHECK(host.admin("GET", "/admin/plugins", "", true, {{"Origin", "http://localhost" + port}}).status == 200);
    }
    SECTION("a rebound name is refused even when Origin matches Host")
    {
        const std::string evil = "evil.example" + port;
        std::string message = expectError(host.admin("GET", "/admin/plugins", "", true, {{"Host", evil}, {"Origin", "http://" + evil}}), 403,
                                          "foreign_host");
        CHECK(message.find("admin.allowed_hosts") != std::string::npos);
        expectError(host.admin("DELETE", "/admin/plugins/echo", "", true, {{"Host", evil}}), 403, "foreign_host");
        expectError(host.admin("POST", "/admin/plugins/echo/reload", "", true, {{"Host", "127.0.0.2" + port}}), 403, "foreign_host");
        expectError(host.admin("GET", "/admin/plugins", "", true, {{"Host", "localhost.evil.example" + port}}), 403, "foreign_host");
        expectError(host.admin("GET", "/admin/plugins", "", true, {{"Host", "localhost:x"}}), 403, "foreign_host");
        CHECK(host.waitForLog("foreign Host '" + evil + "'"));
        CHECK(host.get("/echo/").status == 200);
        CHECK(host.admin("GET", "/admin/plugins/echo").json()->getValue<std::int64_t>("generation") == 1);
    }
    SECTION("an Origin naming another host is refused")
    {
        for (const std::string& origin : std::vector<std::string>{"http://evil.example", "http://evil.example" + port, "null",
                                          "ftp://localhost" + port, "http://localhost.evil.example" + port})
        {
            INFO("Origin: " << origin);
            expectError(host.admin("GET", "/admin/plugins", "", true, {{"Origin", origin}}), 403, "foreign_origin");
        }
    }
    SECTION("/metrics stays open to scrapers under any name")
    {
        CHECK(host.admin("GET", "/metrics", "", false, {{"Host", "prometheus-target.example" + port}}).status == 200);
    }
}

TEST_CASE("admin API: a file name with a NUL or control character is refused", "[admin][errors]")
{
    TerrariumProcess host(quietHost(false));
    host.dropPlugin(ECHO_PLUGIN_PATH, "echo.so");
    for (const char* body : {R"({"file":"echo.so\u0000.txt"})", R"({"file":"echo.so\u0000"})", R"({"file":"echo\u0001.so"})",
                             R"({"file":"echo.so\n"})", R"({"file":"echo\u007f.so"})"})
    {
        INFO(body);
        std::string message = expectError(host.admin("POST", "/admin/plugins", body), 400, "invalid_file");
        CHECK(message.find("control character") != std::string::npos);
        CHECK(message.find('\0') == std::string::npos);
    }
    CHECK(host.get("/echo/").status == 404);   // nothing was loaded
    CHECK(host.admin("GET", "/admin/plugins").json()->getArray("plugins")->size() == 0);
    Poco::File cache(host.stateDir() + "/cache");
    std::vector<std::string> copies;
    if (cache.exists()) cache.list(copies);
    CHECK(copies.empty());
}

TEST_CASE("admin API: a symbolic link out of the plugins directory is refused unless plugins_link_dirs names its target's directory",
          "[admin][errors]")
{
    TempDir outside;
    const std::string target = outside.file("echo.so");
    Poco::File(ECHO_PLUGIN_PATH).copyTo(target);

    SECTION("refused by the admin API and by the directory watcher")
    {
        TerrariumProcess host(quietHost(false));
        REQUIRE(::symlink(target.c_str(), (host.pluginsDir() + "/linked.so").c_str()) == 0);
        std::string message = expectError(host.admin("POST", "/admin/plugins", R"({"file":"linked.so"})"), 400, "link_outside_plugins_dir");
        CHECK(message.find(target) != std::string::npos);
        CHECK(message.find("plugins_link_dirs") != std::string::npos);
        CHECK(host.get("/echo/").status == 404);

        // A link to a file inside the plugins directory is fine.
        host.dropPlugin(ECHO_PLUGIN_PATH, "echo-1.0.so");
        REQUIRE(::symlink("echo-1.0.so", (host.pluginsDir() + "/echo.so").c_str()) == 0);
        CHECK(host.admin("POST", "/admin/plugins", R"({"file":"echo.so"})").status == 201);
        CHECK(host.get("/echo/").status == 200);
    }
    SECTION("the watcher logs it and records it for the file")
    {
        TerrariumProcess host;
        REQUIRE(::symlink(target.c_str(), (host.pluginsDir() + "/linked.so").c_str()) == 0);
        CHECK(host.waitForLog("cannot load linked.so: 'linked.so' is a symbolic link to " + target));
        auto errors = host.admin("GET", "/admin/plugins").json()->getArray("errors");
        REQUIRE(errors->size() == 1);
        CHECK(errors->getObject(0)->getValue<std::string>("file") == "linked.so");
        CHECK(errors->getObject(0)->getValue<std::string>("error") == "link_outside_plugins_dir");
        CHECK(host.get("/echo/").status == 404);
    }
    SECTION("allowed by plugins_link_dirs")
    {
        TerrariumProcess::Options options = quietHost(false);
        options.configJson = R"({"watch":{"enabled":false},"plugins_link_dirs":[")" + outside.path() + R"("]})";
        TerrariumProcess host(options);
        REQUIRE(::symlink(target.c_str(), (host.pluginsDir() + "/linked.so").c_str()) == 0);
        CHECK(host.admin("POST", "/admin/plugins", R"({"file":"linked.so"})").status == 201);
        CHECK(host.get("/echo/").status == 200);
    }
}

TEST_CASE("admin API: the per-file errors keep the latest error of at most 64 files", "[admin][errors]")
{
    TerrariumProcess host(quietHost());
    for (int round = 0; round < 2; ++round)
        for (int i = 0; i < 80; ++i)
            expectError(host.admin("POST", "/admin/plugins", R"({"file":"missing-)" + std::to_string(i) + R"(.so"})"), 404, "file_not_found");
    expectError(host.admin("POST", "/admin/plugins", R"({"file":"../x.so"})"), 400, "invalid_file");

    auto errors = host.admin("GET", "/admin/plugins").json()->getArray("errors");
    CHECK(errors->size() == 64);
    std::set<std::string> files;
    for (std::size_t i = 0; i < errors->size(); ++i) files.insert(errors->getObject(i)->getValue<std::string>("file"));
    CHECK(files.size() == errors->size());   // one entry per file
    CHECK(files.count("../x.so") == 1);      // the newest are kept...
    CHECK(files.count("missing-79.so") == 1);
    CHECK(files.count("missing-0.so") == 0);  // ...the oldest forgotten
    CHECK(files.count("missing-16.so") == 0);
    CHECK(files.count("missing-17.so") == 1);
}
