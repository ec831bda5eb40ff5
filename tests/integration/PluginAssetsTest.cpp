// A plugin's static files are embedded into its .so (terrarium_plugin_assets()): the library
// serves them from wherever it was copied, with nothing beside it.
#include "HttpTestClient.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <Poco/File.h>

#include <string>

using namespace terrarium::test;

TEST_CASE("assets: echo.so serves its embedded page after being copied on its own", "[assets]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    TerrariumProcess host(options);
    std::vector<std::string> files;
    Poco::File(host.pluginsDir()).list(files);
    CHECK(files == std::vector<std::string>{"echo.so"});

    HttpResult page = host.get("/echo/_static/index.html");
    REQUIRE(page.status == 200);
    CHECK(page.header("Content-Type") == "text/html; charset=utf-8");
    CHECK(page.body.find("<h1>echo</h1>") != std::string::npos);
    CHECK(host.get("/echo/_static/none.js").status == 404);
}
