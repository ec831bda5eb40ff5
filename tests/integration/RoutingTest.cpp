// Routing from the configuration: extra listeners bound to a plugin, host-based routes, and
// per-plugin route overrides.
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

using namespace terrarium::test;

TEST_CASE("routing: an extra listener bound to a plugin sends it every path unchanged", "[routing][listeners]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch":{"enabled":false},"listeners":[{"name":"direct","listen":"127.0.0.1:0","plugin":"echo"}]})";
    TerrariumProcess host(options);

    std::string direct = host.listenerAddress("direct");
    REQUIRE_FALSE(direct.empty());
    CHECK(direct.rfind("127.0.0.1:", 0) == 0);
    CHECK(direct != host.mainAddress());
    CHECK(direct != host.adminAddress());
    CHECK(host.waitForLog("listener 'direct' on http://" + direct));

    HttpResult answer = httpRequest(direct, "GET", "/anything?q=1");
    REQUIRE(answer.status == 200);
    auto body = answer.json();
    CHECK(body->getValue<std::string>("path") == "/anything");
    CHECK(body->getValue<std::string>("original_path") == "/anything");
    CHECK(body->getValue<std::string>("query") == "q=1");

    // Not even /echo is stripped there, and /health belongs to the plugin on this listener.
    CHECK(httpRequest(direct, "GET", "/echo/x").json()->getValue<std::string>("path") == "/echo/x");
    CHECK(httpRequest(direct, "GET", "/health").json()->getValue<std::string>("plugin") == "echo");
    // The main listener still routes by the plugin's default route.
    CHECK(host.get("/echo/x").json()->getValue<std::string>("path") == "/x");
    CHECK(host.get("/anything").status == 404);

    // The plugin's description lists the listener's route.
    auto routes = host.admin("GET", "/admin/plugins/echo").json()->getArray("routes");
    bool listed = false;
    for (std::size_t i = 0; i < routes->size(); ++i)
    {
        auto r = routes->getObject(static_cast<unsigned>(i));
        if (r->getValue<std::string>("listener") == "direct" && r->getValue<std::string>("prefix") == "/") listed = true;
    }
    CHECK(listed);

    // With the plugin unloaded the listener answers 503 (a route to a plugin that is not loaded).
    REQUIRE(host.admin("DELETE", "/admin/plugins/echo").status == 200);
    HttpResult unavailable = httpRequest(direct, "GET", "/anything");
    CHECK(unavailable.status == 503);
    CHECK(unavailable.json()->getValue<std::string>("error") == "plugin_unavailable");
    CHECK(unavailable.header("Retry-After") == "1");
}

TEST_CASE("routing: a host-bound route sends that host's requests to the plugin and no one else's", "[routing][host]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson =
        R"({"routes":[{"prefix":"/","plugin":"echo","host":"mycoolwebsite.company.com","strip_prefix":false}]})";
    TerrariumProcess host(options);

    for (const char* hostHeader : {"mycoolwebsite.company.com", "MyCoolWebsite.Company.com", "mycoolwebsite.company.com:8080"})
    {
        INFO("Host: " << hostHeader);
        HttpResult answer = host.get("/foo", {{"Host", hostHeader}});
        REQUIRE(answer.status == 200);
        auto body = answer.json();
        CHECK(body->getValue<std::string>("path") == "/foo");
        CHECK(body->getValue<std::string>("original_path") == "/foo");
        CHECK(body->getObject("headers")->getValue<std::string>("Host") == hostHeader);
    }
    // The host route wins over the plugin's default route for that host: nothing is stripped.
    CHECK(host.get("/echo/x", {{"Host", "mycoolwebsite.company.com"}}).json()->getValue<std::string>("path") == "/echo/x");

    // Other hosts have no route for /foo; they still reach echo through its default route.
    for (const char* other : {"othersite.company.com", "company.com", "127.0.0.1"})
    {
        INFO("Host: " << other);
        HttpResult missing = host.get("/foo", {{"Host", other}});
        CHECK(missing.status == 404);
        CHECK(missing.json()->getValue<std::string>("error") == "no_route");
        CHECK(host.get("/echo/x", {{"Host", other}}).json()->getValue<std::string>("path") == "/x");
    }
    HttpResult byAddress = host.get("/foo");   // Host: 127.0.0.1:<port>
    CHECK(byAddress.status == 404);
    // /health and /ready stay the host's on the main listener, whatever the Host.
    CHECK(host.get("/health", {{"Host", "mycoolwebsite.company.com"}}).json()->getValue<std::string>("status") == "alive");
}

TEST_CASE("routing: plugins.<name>.routes replaces the plugin's default routes and plugins.<name>.config reaches it", "[routing][config]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson =
        R"({"plugins":{"echo":{"config":{"greeting":"configured"},"routes":[{"prefix":"/api/v1"},{"prefix":"/raw","strip_prefix":false}]}}})";
    TerrariumProcess host(options);

    HttpResult api = host.get("/api/v1/items");
    REQUIRE(api.status == 200);
    CHECK(api.json()->getValue<std::string>("path") == "/items");
    CHECK(api.json()->getValue<std::string>("greeting") == "configured");
    CHECK(host.get("/raw/x").json()->getValue<std::string>("path") == "/raw/x");
    CHECK(host.get("/echo/").status == 404);
    // Prefixes match on segment boundaries.
    CHECK(host.get("/api/v10").status == 404);
    CHECK(host.get("/rawer").status == 404);
}

TEST_CASE("routing: a configured route to a plugin that is not loaded answers 503 until it is", "[routing][config]")
{
    TerrariumProcess::Options options;
    options.configJson = R"({"watch":{"enabled":false},"routes":[{"prefix":"/svc","plugin":"echo"}]})";
    TerrariumProcess host(options);
    HttpResult unavailable = host.get("/svc/x");
    CHECK(unavailable.status == 503);
    CHECK(unavailable.json()->getValue<std::string>("error") == "plugin_unavailable");

    host.dropPlugin(ECHO_PLUGIN_PATH, "echo.so");
    REQUIRE(host.admin("POST", "/admin/plugins", R"({"file":"echo.so"})").status == 201);
    HttpResult answer = host.get("/svc/x");
    REQUIRE(answer.status == 200);
    CHECK(answer.json()->getValue<std::string>("path") == "/x");
}
