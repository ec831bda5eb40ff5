// State across hot reloads: a plugin with snapshot and restore (fixture counter.so, whose restore()
// is slow on purpose) must never be seen without its state. The host holds the new generation's
// requests until restore() returns (without a handler thread), past its bound serves them anyway,
// and serves at once a plugin that declares serveDuringRestore (counter-live.so).
#include "HttpTestClient.h"
#include "TempDir.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

using namespace terrarium::test;

namespace {

/// Readers that hit /counter/hit without pause; each checks that the count it reads only grows.
class CounterReaders
{
public:
    CounterReaders(const std::string& address, int threads) : _address(address)
    {
        for (int i = 0; i < threads; ++i) _threads.emplace_back([this] { run(); });
    }
    ~CounterReaders() { stop(); }

    void stop()
    {
        _stop = true;
        for (auto& t : _threads)
            if (t.joinable()) t.join();
    }

    std::atomic<std::uint64_t> ok{0};
    std::atomic<std::uint64_t> failed{0};
    std::atomic<std::uint64_t> backwards{0};
    std::mutex mutex;
    std::vector<std::string> problems;   /// first few descriptions

private:
    void run()
    {
        HttpTestClient client(_address);
        std::int64_t last = 0;
        while (!_stop)
        {
            try
            {
                HttpResult r = client.request("GET", "/counter/hit");
                if (r.status != 200)
                {
                    note(failed, "status " + std::to_string(r.status) + ": " + r.body);
                    continue;
                }
                std::int64_t count = r.json()->getValue<std::int64_t>("count");
                if (count <= last) note(backwards, "read " + std::to_string(count) + " after " + std::to_string(last) + ": " + r.body);
                last = count;
                ok++;
            }
            catch (const std::exception& e)
            {
                note(failed, std::string("exception: ") + e.what());
            }
        }
    }

    void note(std::atomic<std::uint64_t>& counter, const std::string& what)
    {
        counter++;
        std::lock_guard lock(mutex);
        if (problems.size() < 10) problems.push_back(what);
    }

    std::string _address;
    std::atomic<bool> _stop{false};
    std::vector<std::thread> _threads;
};

/// The plugin's description from the admin API.
Poco::JSON::Object::Ptr describe(const TerrariumProcess& host, const std::string& name)
{
    return host.admin("GET", "/admin/plugins/" + name).json();
}

/// A reload started on another thread (the admin call returns once the state was handed over).
std::future<HttpResult> reloadInBackground(const TerrariumProcess& host, const std::string& name)
{
    return std::async(std::launch::async, [&host, name] { return host.admin("POST", "/admin/plugins/" + name + "/reload"); });
}

void touch(const std::string& path) { std::ofstream(path) << "go"; }

} // namespace

TEST_CASE("restore hold: no read of a stateful plugin goes backwards across 20 reloads under load", "[reload][restore]")
{
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath("counter.so"), "counter.so"}};
    options.configJson = R"({"watch": {"enabled": false}, "threads": 8,
                             "plugins": {"counter": {"config": {"restore_delay_ms": 30}}}})";
    TerrariumProcess host(options);
    REQUIRE(host.get("/counter/").status == 200);

    CounterReaders readers(host.mainAddress(), 4);
    REQUIRE(waitUntil([&] { return readers.ok.load() > 20; }));
    for (int i = 0; i < 20; ++i)
    {
        std::uint64_t before = readers.ok.load();
        HttpResult reload = host.admin("POST", "/admin/plugins/counter/reload");
        REQUIRE(reload.status == 200);
        CHECK(reload.json()->getValue<std::int64_t>("generation") == i + 2);
        REQUIRE(waitUntil([&] { return readers.ok.load() > before + 8; }));
    }
    readers.stop();

    std::string problems;
    for (const auto& p : readers.problems) problems += p + "\n";
    INFO(problems);
    CHECK(readers.failed.load() == 0);
    CHECK(readers.backwards.load() == 0);
    auto requests = describe(host, "counter")->getObject("requests");
    CHECK(requests->getValue<std::int64_t>("held") == 0);
    CHECK(requests->getValue<std::int64_t>("held_total") > 0);
    CHECK(requests->getValue<std::int64_t>("held_past_bound") == 0);
    // The log pipeline writes a moment after the reload answered.
    CHECK(waitUntil([&] { return host.log().find("state handed from generation 20 to 21") != std::string::npos; }));
    std::string metrics = host.admin("GET", "/metrics", "", false).body;
    CHECK(metricSample(metrics, "terrarium_plugin_requests_held_total{plugin=\"counter\"}") == requests->getValue<double>("held_total"));
    CHECK(metricSample(metrics, "terrarium_plugin_requests_unrestored_total{plugin=\"counter\"}") == 0);
}

TEST_CASE("restore hold: a held request takes no handler thread and runs once restore() returned", "[reload][restore]")
{
    TempDir scratch;
    const std::string release = scratch.file("release-restore");
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath("counter.so"), "counter.so"}, {ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch": {"enabled": false}, "threads": 1, "io_threads": 1,
                             "plugins": {"counter": {"config": {"restore_wait_file": ")" + release + R"("}}}})";
    TerrariumProcess host(options);
    REQUIRE(host.get("/counter/hit").json()->getValue<std::int64_t>("count") == 1);

    auto reload = reloadInBackground(host, "counter");
    REQUIRE(waitUntil([&] { return describe(host, "counter")->getValue<std::int64_t>("generation") == 2; }));
    auto held = std::async(std::launch::async, [&] { return host.get("/counter/hit"); });
    REQUIRE(waitUntil([&] { return describe(host, "counter")->getObject("requests")->getValue<std::int64_t>("held") == 1; }));

    // The one handler thread is free: another plugin answers while the counter's request waits.
    CHECK(host.get("/echo/meanwhile").status == 200);
    CHECK(held.wait_for(std::chrono::seconds(0)) == std::future_status::timeout);

    touch(release);
    HttpResult answer = held.get();
    REQUIRE(answer.status == 200);
    CHECK(answer.json()->getValue<std::int64_t>("count") == 2);
    CHECK(answer.json()->getValue<bool>("restored"));
    CHECK(reload.get().status == 200);
}

TEST_CASE("restore hold: past restore_hold_ms a held request is served by the new generation", "[reload][restore]")
{
    TempDir scratch;
    const std::string release = scratch.file("release-restore");
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath("counter.so"), "counter.so"}};
    options.configJson = R"({"watch": {"enabled": false}, "restore_hold_ms": 200,
                             "plugins": {"counter": {"config": {"restore_wait_file": ")" + release + R"("}}}})";
    TerrariumProcess host(options);
    REQUIRE(host.get("/counter/hit").status == 200);

    auto reload = reloadInBackground(host, "counter");
    REQUIRE(waitUntil([&] { return describe(host, "counter")->getValue<std::int64_t>("generation") == 2; }));
    HttpResult answer = host.get("/counter/hit");
    REQUIRE(answer.status == 200);
    CHECK_FALSE(answer.json()->getValue<bool>("restored"));
    CHECK(describe(host, "counter")->getObject("requests")->getValue<std::int64_t>("held_past_bound") >= 1);
    CHECK(host.waitForLog("served before restore() returned"));

    touch(release);
    CHECK(reload.get().status == 200);
    CHECK(host.get("/counter/").json()->getValue<bool>("restored"));
}

TEST_CASE("restore hold: a plugin declaring serveDuringRestore is served while restore() runs", "[reload][restore]")
{
    TempDir scratch;
    const std::string release = scratch.file("release-restore");
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath("counter-live.so"), "counter-live.so"}};
    options.configJson = R"({"watch": {"enabled": false},
                             "plugins": {"counter-live": {"config": {"restore_wait_file": ")" + release + R"("}}}})";
    TerrariumProcess host(options);
    REQUIRE(host.get("/counter-live/hit").status == 200);
    CHECK(describe(host, "counter-live")->getObject("capabilities")->getValue<bool>("serve_during_restore"));

    auto reload = reloadInBackground(host, "counter-live");
    CHECK(waitUntil([&] { return host.get("/counter-live/hit").json()->getValue<bool>("restoring"); }));
    CHECK(describe(host, "counter-live")->getObject("requests")->getValue<std::int64_t>("held_total") == 0);

    touch(release);
    CHECK(reload.get().status == 200);
    HttpResult after = host.get("/counter-live/");
    CHECK(after.json()->getValue<bool>("restored"));
    CHECK(after.json()->getValue<std::int64_t>("count") >= 2);   // the merge keeps what was counted during restore
}

TEST_CASE("restore hold: a 1.2 plugin with state (its descriptor ends before flags) is held and keeps its count", "[reload][restore][abi]")
{
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath("abi12.so"), "abi12.so"}};
    options.configJson = R"({"watch": {"enabled": false}})";
    TerrariumProcess host(options);
    for (int i = 1; i <= 3; ++i) REQUIRE(host.get("/abi12/x").json()->getValue<int>("count") == i);

    Poco::JSON::Object::Ptr reloaded = host.admin("POST", "/admin/plugins/abi12/reload").json();
    CHECK(reloaded->getValue<std::string>("abi") == "1.2");
    CHECK(reloaded->getValue<std::int64_t>("generation") == 2);
    CHECK_FALSE(reloaded->getObject("capabilities")->getValue<bool>("serve_during_restore"));
    CHECK(host.get("/abi12/x").json()->getValue<int>("count") == 4);
}
