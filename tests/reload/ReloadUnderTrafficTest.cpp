// Hot reload under traffic: client threads send requests without pause while the echo plugin is
// reloaded back and forth between two builds that answer differently. Every response must be a
// 200, and both builds must have answered.
#include "TerrariumProcess.h"
#include "HttpTestClient.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

using namespace terrarium::test;

namespace {

struct TrafficResult
{
    std::atomic<std::uint64_t> ok{0};
    std::atomic<std::uint64_t> failed{0};
    std::mutex mutex;
    std::set<std::string> versions;
    std::vector<std::string> failures;   /// first few failure descriptions
};

/// Sends requests on keep-alive connections until stop is set.
class Traffic
{
public:
    Traffic(const std::string& address, int threads) : _address(address)
    {
        for (int i = 0; i < threads; ++i) _threads.emplace_back([this, i] { run(i); });
    }
    ~Traffic() { stop(); }

    void stop()
    {
        _stop = true;
        for (auto& t : _threads)
            if (t.joinable()) t.join();
    }

    TrafficResult result;

private:
    void run(int id)
    {
        HttpTestClient client(_address);
        while (!_stop)
        {
            try
            {
                HttpResult r = client.request("GET", "/echo/traffic/" + std::to_string(id));
                if (r.status == 200)
                {
                    result.ok++;
                    std::string version = r.header("X-Echo-Version");
                    std::lock_guard lock(result.mutex);
                    result.versions.insert(version);
                    continue;
                }
                note("status " + std::to_string(r.status) + ": " + r.body);
            }
            catch (const std::exception& e)
            {
                note(std::string("exception: ") + e.what());
            }
        }
    }

    void note(const std::string& what)
    {
        result.failed++;
        std::lock_guard lock(result.mutex);
        if (result.failures.size() < 10) result.failures.push_back(what);
    }

    std::string _address;
    std::atomic<bool> _stop{false};
    std::vector<std::thread> _threads;
};

} // namespace

TEST_CASE("50 hot reloads between two builds under continuous traffic fail no request", "[reload]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch":{"enabled":false},"threads":8})";
    TerrariumProcess host(options);
    REQUIRE(host.get("/echo/").status == 200);

    Traffic traffic(host.mainAddress(), 4);
    REQUIRE(waitUntil([&] { return traffic.result.ok.load() > 20; }));

    std::int64_t generation = 1;
    for (int i = 0; i < 50; ++i)
    {
        const bool second = i % 2 == 0;
        host.dropPlugin(second ? ECHO_V2_PLUGIN_PATH : ECHO_PLUGIN_PATH, "echo.so");
        std::uint64_t before = traffic.result.ok.load();
        HttpResult reload = host.admin("POST", "/admin/plugins/echo/reload");
        REQUIRE(reload.status == 200);
        auto info = reload.json();
        CHECK(info->getValue<std::string>("version") == (second ? "2.0.0" : "1.0.0"));
        CHECK(info->getValue<std::int64_t>("generation") == ++generation);
        // Let traffic reach the new generation before the next switch.
        REQUIRE(waitUntil([&] { return traffic.result.ok.load() > before + 8; }));
    }
    traffic.stop();

    INFO("failures: " << traffic.result.failed.load());
    for (const auto& f : traffic.result.failures) INFO(f);
    CHECK(traffic.result.failed.load() == 0);
    CHECK(traffic.result.ok.load() > 400);
    CHECK(traffic.result.versions.count("1.0.0") == 1);
    CHECK(traffic.result.versions.count("2.0.0") == 1);

    // The old generations are gone: nothing retiring, nothing lingering, one library mapped.
    auto list = host.admin("GET", "/admin/plugins").json();
    CHECK(list->getArray("retiring")->size() == 0);
    CHECK(list->getArray("lingering_libraries")->size() == 0);
    auto plugin = list->getArray("plugins")->getObject(0);
    CHECK(plugin->getValue<std::int64_t>("reloads") == 50);
    CHECK(host.mapsContain(plugin->getValue<std::string>("library")));
    CHECK_FALSE(host.log().find("still mapped") != std::string::npos);
}

TEST_CASE("replacing the file in the plugins directory hot-reloads under traffic without failures", "[reload][watch]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    TerrariumProcess host(options);
    REQUIRE(host.get("/echo/").status == 200);

    Traffic traffic(host.mainAddress(), 3);
    for (int i = 0; i < 6; ++i)
    {
        const std::string expected = i % 2 == 0 ? "2.0.0" : "1.0.0";
        host.dropPlugin(i % 2 == 0 ? ECHO_V2_PLUGIN_PATH : ECHO_PLUGIN_PATH, "echo.so");
        REQUIRE(waitUntil([&] {
            return host.admin("GET", "/admin/plugins/echo").json()->getValue<std::string>("version") == expected;
        }));
        std::uint64_t before = traffic.result.ok.load();
        REQUIRE(waitUntil([&] { return traffic.result.ok.load() > before + 8; }));
    }
    traffic.stop();
    for (const auto& f : traffic.result.failures) INFO(f);
    CHECK(traffic.result.failed.load() == 0);
    CHECK(traffic.result.versions.size() == 2);
    CHECK(host.admin("GET", "/admin/plugins/echo").json()->getValue<std::int64_t>("generation") == 7);
}
