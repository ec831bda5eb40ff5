// The out-of-tree plugin built by the sdk test against the installed SDK (hello.so) runs on the
// real host. Needs the ctest fixture sdk_hello.
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <Poco/File.h>

using namespace terrarium::test;

TEST_CASE("sdk plugin: the out-of-tree hello.so built against the installed SDK loads through the admin API and answers", "[sdk][admin]")
{
    REQUIRE(Poco::File(SDK_HELLO_PATH).exists());
    TerrariumProcess::Options options;
    options.configJson = R"({"watch":{"enabled":false}})";
    TerrariumProcess host(options);
    host.dropPlugin(SDK_HELLO_PATH, "hello.so");

    HttpResult load = host.admin("POST", "/admin/plugins", R"({"file":"hello.so"})");
    REQUIRE(load.status == 201);
    auto info = load.json();
    CHECK(info->getValue<std::string>("name") == "hello");
    CHECK(info->getValue<std::string>("version") == "1.0.0");
    CHECK(info->getValue<std::string>("abi") == TERRARIUM_EXPECTED_ABI);
    CHECK(info->getValue<std::string>("sha256") == sha256OfFile(SDK_HELLO_PATH));

    HttpResult answer = host.get("/hello/x");
    REQUIRE(answer.status == 200);
    CHECK(answer.header("Content-Type") == "application/json");
    auto body = answer.json();
    CHECK(body->getValue<std::string>("plugin") == "hello");
    CHECK(body->getValue<std::string>("message") == "hello from an out-of-tree plugin");
    CHECK(body->getValue<std::string>("path") == "/x");

    // Its counter is visible in describe.
    auto described = host.admin("GET", "/admin/plugins/hello").json();
    CHECK(described->getObject("counters")->getValue<std::int64_t>("greetings") == 1);

    HttpResult unload = host.admin("DELETE", "/admin/plugins/hello");
    REQUIRE(unload.status == 200);
    CHECK(unload.json()->getValue<bool>("library_closed"));
    CHECK(host.get("/hello/x").status == 404);
}

TEST_CASE("sdk plugin: hello.so reads JSON with terrarium/json.hpp and serves the page embedded in it", "[sdk][json][assets]")
{
    REQUIRE(Poco::File(SDK_HELLO_PATH).exists());
    TerrariumProcess::Options options;
    options.plugins = {{SDK_HELLO_PATH, "hello.so"}};
    TerrariumProcess host(options);

    HttpResult named = host.request("POST", "/hello/x", R"({"name":"Ada"})", {{"Content-Type", "application/json"}});
    REQUIRE(named.status == 200);
    CHECK(named.json()->getValue<std::string>("message") == "hello, Ada");

    HttpResult broken = host.request("POST", "/hello/x", R"({"name":)", {{"Content-Type", "application/json"}});
    CHECK(broken.status == 400);
    CHECK(broken.json()->getValue<std::string>("error") == "invalid_json");
    HttpResult nameless = host.request("POST", "/hello/x", R"({"name":7})");
    CHECK(nameless.status == 400);
    CHECK(nameless.json()->getValue<std::string>("message") == "field 'name' must be a string");

    HttpResult page = host.get("/hello/about.html");
    REQUIRE(page.status == 200);
    CHECK(page.header("Content-Type") == "text/html; charset=utf-8");
    CHECK(page.body.find("<h1>hello</h1>") != std::string::npos);
}
