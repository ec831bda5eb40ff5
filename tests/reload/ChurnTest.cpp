// Churn: 500 load/unload cycles through the admin API. After each unload the library must have
// left the process; open descriptors and resident memory must stay bounded.
#include "Sanitizers.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

using namespace terrarium::test;

TEST_CASE("500 load/unload cycles leak no library, descriptor or memory", "[churn]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch":{"enabled":false}})";
    TerrariumProcess host(options);
    REQUIRE(host.admin("DELETE", "/admin/plugins/echo").status == 200);

    // Bounds, measured after a warm-up so that allocator pools and thread stacks exist:
    constexpr std::size_t fdSlack = 16;          // a few sockets may be in flight
    constexpr std::size_t rssSlackKiB = 32 * 1024;  // 32 MiB
    constexpr int warmup = 20;
    constexpr int cycles = 500;
    std::size_t baselineFds = 0;
    std::size_t baselineRss = 0;
    std::size_t maxFds = 0;
    std::size_t maxRss = 0;

    for (int i = 0; i < cycles; ++i)
    {
        HttpResult load = host.admin("POST", "/admin/plugins", R"({"file":"echo.so"})");
        REQUIRE(load.status == 201);
        std::string library = load.json()->getValue<std::string>("library");
        REQUIRE(host.mapsContain(library));
        REQUIRE(host.get("/echo/churn").status == 200);

        HttpResult unload = host.admin("DELETE", "/admin/plugins/echo");
        REQUIRE(unload.status == 200);
        REQUIRE(unload.json()->getValue<bool>("library_closed"));
        REQUIRE_FALSE(host.mapsContain(library));
        REQUIRE(host.get("/echo/churn").status == 404);

        if (i == warmup)
        {
            baselineFds = host.openFileDescriptors();
            baselineRss = host.residentKiB();
        }
        else if (i > warmup)
        {
            maxFds = std::max(maxFds, host.openFileDescriptors());
            maxRss = std::max(maxRss, host.residentKiB());
        }
    }
    INFO("descriptors: baseline " << baselineFds << ", max " << maxFds);
    INFO("resident KiB: baseline " << baselineRss << ", max " << maxRss);
    CHECK(maxFds <= baselineFds + fdSlack);
    // Under ASan or TSan freed memory stays resident on purpose; LeakSanitizer checks leaks there.
    if (!sanitized) CHECK(maxRss <= baselineRss + rssSlackKiB);

    // Nothing left in the cache once everything is unloaded.
    auto list = host.admin("GET", "/admin/plugins").json();
    CHECK(list->getArray("plugins")->size() == 0);
    CHECK(list->getArray("lingering_libraries")->size() == 0);
}
