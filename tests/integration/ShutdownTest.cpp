// Graceful shutdown: SIGTERM/SIGINT let in-flight requests finish, destroy the plugins and exit 0.
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <Poco/File.h>

#include <atomic>
#include <thread>

using namespace terrarium::test;

namespace {

/// One request on its own thread; result and error are read after join().
class BackgroundRequest
{
public:
    BackgroundRequest(std::string address, std::string path)
        : _thread([this, address = std::move(address), path = std::move(path)] {
              try
              {
                  result = httpRequest(address, "GET", path, "", {}, Poco::Timespan(60, 0));
              }
              catch (const std::exception& e)
              {
                  error = e.what();
              }
              done = true;
          })
    {
    }
    ~BackgroundRequest() { join(); }
    void join()
    {
        if (_thread.joinable()) _thread.join();
    }

    HttpResult result;
    std::string error;
    std::atomic<bool> done{false};

private:
    std::thread _thread;
};

std::int64_t slowInFlight(const TerrariumProcess& host)
{
    return host.admin("GET", "/admin/plugins/slow").json()->getObject("requests")->getValue<std::int64_t>("in_flight");
}

} // namespace

TEST_CASE("shutdown: SIGTERM lets an in-flight request finish, then exits 0", "[shutdown]")
{
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath("slow.so"), "slow.so"}};
    TerrariumProcess host(options);
    REQUIRE(host.get("/slow/?ms=0").status == 200);

    // The request sleeps 4 s in the plugin; SIGTERM is sent as soon as the host counts it in flight.
    BackgroundRequest slow(host.mainAddress(), "/slow/?ms=4000");
    REQUIRE(waitUntil([&] { return slowInFlight(host) == 1; }));

    int code = host.terminate(SIGTERM, Poco::Timespan(30, 0));
    slow.join();
    INFO(host.log());
    CHECK(code == 0);
    CHECK(slow.error.empty());
    CHECK(slow.result.status == 200);
    CHECK(slow.result.body == "slow done");
    CHECK(slow.result.header("Connection") == "close");

    std::string log = host.log();
    CHECK(log.find("shutting down: draining 1 in-flight requests") != std::string::npos);
    CHECK(log.find("stopped") != std::string::npos);
    CHECK(log.find("slow: draining") != std::string::npos);           // the plugin's drain() ran
    CHECK(log.find("unloading plugin 'slow'") != std::string::npos);  // and it was unloaded
    CHECK(log.find("still running after the shutdown deadline") == std::string::npos);
    CHECK_FALSE(Poco::File(host.stateDir() + "/listeners.json").exists());
    CHECK(host.terminate() == 0);   // idempotent
}

TEST_CASE("shutdown: SIGINT shuts down gracefully and exits 0", "[shutdown]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    TerrariumProcess host(options);
    REQUIRE(host.get("/echo/").status == 200);
    CHECK(host.terminate(SIGINT) == 0);
    std::string log = host.log();
    INFO(log);
    CHECK(log.find("shutting down") != std::string::npos);
    CHECK(log.find("unloading plugin 'echo'") != std::string::npos);
    CHECK(log.find("stopped") != std::string::npos);
    CHECK_FALSE(host.running());
}

TEST_CASE("shutdown: gives up on requests that outlive shutdown_timeout_ms and still exits 0", "[shutdown]")
{
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath("slow.so"), "slow.so"}};
    options.configJson = R"({"shutdown_timeout_ms":300})";
    TerrariumProcess host(options);

    BackgroundRequest slow(host.mainAddress(), "/slow/?ms=8000");
    REQUIRE(waitUntil([&] { return slowInFlight(host) == 1; }));
    int code = host.terminate(SIGTERM, Poco::Timespan(30, 0));
    slow.join();
    INFO(host.log());
    CHECK(code == 0);
    CHECK(host.waitForLog("1 requests still running after the shutdown deadline"));
    // The abandoned request gets no answer: its connection is closed under it.
    CHECK(slow.result.status == 0);
    CHECK_FALSE(slow.error.empty());
}
