// GET /admin/events: the bounded history of plugin loads, reloads and unloads (LifecycleHistory),
// the refused ones included.
#include "ExpectError.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>

#include <string>

using namespace terrarium::test;

namespace {

Poco::JSON::Array::Ptr events(const TerrariumProcess& host, const std::string& query = "")
{
    HttpResult answer = host.admin("GET", "/admin/events" + query);
    INFO("body: " << answer.body);
    REQUIRE(answer.status == 200);
    return answer.json()->getArray("events");
}

} // namespace

TEST_CASE("admin events: loads, reloads, refused reloads and unloads are recorded with generation, result and duration", "[admin][events]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch":{"enabled":false}})";
    TerrariumProcess host(options);

    auto initial = events(host);
    REQUIRE(initial->size() == 1);
    auto load = initial->getObject(0);
    CHECK(load->getValue<std::string>("action") == "load");
    CHECK(load->getValue<std::string>("plugin") == "echo");
    CHECK(load->getValue<std::string>("file") == "echo.so");
    CHECK(load->getValue<int>("generation") == 1);
    CHECK(load->getValue<int>("previous_generation") == 0);
    CHECK(load->getValue<std::string>("result") == "ok");
    CHECK(load->getValue<double>("duration_ms") >= 0);
    CHECK_FALSE(load->getValue<std::string>("at").empty());
    std::uint64_t loadId = load->getValue<std::uint64_t>("id");

    REQUIRE(host.admin("POST", "/admin/plugins/echo/reload").status == 200);
    host.dropPlugin(fixturePath("not-elf.so"), "echo.so");
    expectError(host.admin("POST", "/admin/plugins/echo/reload"), 422, "not_elf");
    expectError(host.admin("POST", "/admin/plugins", R"({"file":"missing.so"})"), 404, "file_not_found");
    REQUIRE(host.admin("DELETE", "/admin/plugins/echo").status == 200);

    auto later = events(host, "?since=" + std::to_string(loadId));
    INFO(host.admin("GET", "/admin/events").body);
    REQUIRE(later->size() == 4);
    auto reload = later->getObject(0);
    CHECK(reload->getValue<std::string>("action") == "reload");
    CHECK(reload->getValue<int>("previous_generation") == 1);
    CHECK(reload->getValue<int>("generation") == 2);
    CHECK(reload->getValue<std::string>("result") == "ok");
    auto refused = later->getObject(1);
    CHECK(refused->getValue<std::string>("action") == "reload");
    CHECK(refused->getValue<std::string>("plugin") == "echo");
    CHECK(refused->getValue<std::string>("result") == "not_elf");
    CHECK(refused->getValue<int>("generation") == 2);   // the generation that kept serving
    CHECK_FALSE(refused->getValue<std::string>("message").empty());
    auto missing = later->getObject(2);
    CHECK(missing->getValue<std::string>("action") == "load");
    CHECK(missing->getValue<std::string>("file") == "missing.so");
    CHECK(missing->getValue<std::string>("result") == "file_not_found");
    auto unload = later->getObject(3);
    CHECK(unload->getValue<std::string>("action") == "unload");
    CHECK(unload->getValue<int>("previous_generation") == 2);
    CHECK(unload->getValue<int>("generation") == 0);
    CHECK(unload->getValue<std::uint64_t>("id") == loadId + 4);

    auto whole = host.admin("GET", "/admin/events").json();
    CHECK(whole->getValue<int>("capacity") == 100);
    CHECK(whole->getValue<int>("recorded") == 5);
    CHECK(events(host, "?since=" + std::to_string(loadId + 4))->size() == 0);

    expectError(host.admin("GET", "/admin/events?since=x"), 400, "invalid_request");
    expectError(host.admin("POST", "/admin/events", "{}"), 405, "method_not_allowed");
}
