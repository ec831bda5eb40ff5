// custom-client's periodic file in file-storage through FakeHost's service calls: the PUT and its
// body, failures logged and retried at the next tick, and the thread woken and joined on stop.
#include "FileCreator.h"

#include "Eventually.h"

#include <terrarium/testing/fake_host.hpp>

#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <regex>
#include <string>

using terrarium::sink::FileCreator;
using terrarium::testing::FakeHost;
using terrarium::testing::FakeServiceCall;
using terrarium::testing::FakeServiceReply;
using terrarium::test::eventually;

namespace {

std::string config(int intervalMs, const std::string& extra = "")
{
    return R"({"request_log_dir":"","file_interval_ms":)" + std::to_string(intervalMs) + extra + "}";
}

FakeServiceReply reply(int status, std::string body = R"({"filename":"f.txt"})")
{
    FakeServiceReply answer;
    answer.status = status;
    answer.body = std::move(body);
    return answer;
}

FakeServiceReply failure(trm_status result)
{
    FakeServiceReply answer;
    answer.result = result;
    return answer;
}

size_t errorRecords(const FakeHost& host)
{
    size_t count = 0;
    for (const auto& record : host.logs())
        if (record.level == TRM_LOG_ERROR) ++count;
    return count;
}

} // namespace

TEST_CASE("custom-client files: every interval a PUT /files to file-storage with the original's body", "[custom-client][files]")
{
    FakeHost host(&terrarium_plugin_entry, config(20));
    host.onServiceCall([](const FakeServiceCall&) { return reply(200); });
    std::time_t before = std::time(nullptr);
    host.start();
    REQUIRE(eventually([&] { return host.counter("files_created") >= 3; }));
    host.stop();
    std::time_t after = std::time(nullptr);

    for (const FakeServiceCall& call : host.serviceCalls()) {
        INFO(call.body);
        CHECK(call.service == "file-storage");
        CHECK(call.method == "PUT");
        CHECK(call.path == "/files");
        CHECK(call.requestId.empty());   // made on the plugin's own thread, not while serving a request
        CHECK(terrarium::testing::detail::findPair(call.headers, "Content-Type").value_or("") == "application/json");
        Poco::JSON::Parser parser;
        Poco::JSON::Object::Ptr body = parser.parse(call.body).extract<Poco::JSON::Object::Ptr>();
        REQUIRE(body->size() == 3);
        std::string prefix = body->getValue<std::string>("filename_prefix");
        REQUIRE(std::regex_match(prefix, std::regex("[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2}")));
        bool inRange = false;
        for (std::time_t t = before; t <= after; ++t) {
            std::tm local{};
            localtime_r(&t, &local);
            char text[32];
            std::strftime(text, sizeof text, "%Y-%m-%d_%H-%M-%S", &local);
            inRange = inRange || prefix == text;
        }
        CHECK(inRange);
        CHECK(body->getValue<std::string>("content").rfind("Custom Client generated file at " + prefix + "\n", 0) == 0);
        CHECK(body->getValue<std::string>("extension") == ".txt");
    }
    CHECK(host.counter("file_failures") == 0);
    CHECK(host.logged("Successfully created file via file storage API"));
    CHECK(host.liveServiceResponses() == 0);
}

TEST_CASE("custom-client files: the body of one file", "[custom-client][files]")
{
    std::time_t now = 1736677800;
    std::tm local{};
    localtime_r(&now, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d_%H-%M-%S", &local);
    Poco::JSON::Parser parser;
    Poco::JSON::Object::Ptr body = parser.parse(FileCreator::body(now)).extract<Poco::JSON::Object::Ptr>();
    CHECK(FileCreator::body(now).rfind(std::string("{\"filename_prefix\":\"") + stamp + "\",\"content\":", 0) == 0);
    CHECK(body->getValue<std::string>("filename_prefix") == stamp);
    CHECK(body->getValue<std::string>("content").rfind(std::string("Custom Client generated file at ") + stamp + "\n", 0) == 0);
    CHECK(body->getValue<std::string>("extension") == ".txt");
}

TEST_CASE("custom-client files: a failure is logged and the next tick tries again", "[custom-client][files]")
{
    FakeHost host(&terrarium_plugin_entry, config(15));
    std::atomic<int> calls{0};
    host.onServiceCall([&](const FakeServiceCall&) {
        switch (++calls) {
        case 1: return failure(TRM_ERR_UNAVAILABLE);   // file-storage unreachable
        case 2: return reply(500, R"({"detail":"Failed"})");
        case 3: return failure(TRM_ERR_NOT_FOUND);     // no such service
        default: return reply(200);
        }
    });
    host.start();
    REQUIRE(eventually([&] { return host.counter("files_created") >= 1; }));
    host.stop();
    CHECK(host.counter("file_failures") == 3);
    CHECK(host.logged("Failed to create file via file storage API"));
    CHECK(host.logged("TRM_ERR_UNAVAILABLE"));
    CHECK(host.logged("File storage API returned error code: 500"));
    CHECK(host.logged("{\"detail\":\"Failed\"}"));
    CHECK(errorRecords(host) == 3);
    CHECK(host.liveServiceResponses() == 0);
}

TEST_CASE("custom-client files: file_storage_service and file_timeout_ms are passed on, interval 0 creates nothing", "[custom-client][files][config]")
{
    SECTION("another service name and timeout")
    {
        FakeHost host(&terrarium_plugin_entry, config(10, R"(,"file_storage_service":"storage-b","file_timeout_ms":1234)"));
        host.onServiceCall([](const FakeServiceCall&) { return reply(200); });
        host.start();
        REQUIRE(eventually([&] { return !host.serviceCalls().empty(); }));
        host.stop();
        CHECK(host.serviceCalls().front().service == "storage-b");
        CHECK(host.serviceCalls().front().timeoutMs == 1234);
    }
    SECTION("interval 0")
    {
        FakeHost host(&terrarium_plugin_entry, config(0));
        host.onServiceCall([](const FakeServiceCall&) { return reply(200); });
        host.start();
        REQUIRE(eventually([&] { return host.logged("Secrets loaded"); }));
        CHECK(host.call("GET", "/api/custom-client/x").status == 200);
        host.stop();
        CHECK(host.serviceCalls().empty());
    }
    SECTION("malformed values refuse the load")
    {
        for (const char* bad : {R"({"file_interval_ms":-1})", R"({"file_interval_ms":"soon"})", R"({"file_timeout_ms":0})"}) {
            FakeHost host(&terrarium_plugin_entry, bad);
            CHECK(host.tryStart() != TRM_OK);
        }
    }
}

TEST_CASE("custom-client files: stop wakes the thread at once and joins it", "[custom-client][files][shutdown]")
{
    SECTION("waiting for a tick an hour away")
    {
        auto host = std::make_unique<FakeHost>(&terrarium_plugin_entry, config(3600000));
        host->onServiceCall([](const FakeServiceCall&) { return reply(200); });
        host->start();
        REQUIRE(eventually([&] { return host->logged("Secrets loaded"); }));
        auto stopped = std::async(std::launch::async, [&] { host->stop(); });
        REQUIRE(stopped.wait_for(std::chrono::seconds(15)) == std::future_status::ready);   // not an hour
        CHECK(host->serviceCalls().empty());
    }
    SECTION("a file being created is finished first; nothing runs after stop returned")
    {
        FakeHost host(&terrarium_plugin_entry, config(5));
        std::mutex mutex;
        std::condition_variable changed;
        bool entered = false, released = false;
        std::atomic<bool> returned{false};
        host.onServiceCall([&](const FakeServiceCall&) {
            std::unique_lock<std::mutex> lock(mutex);
            entered = true;
            changed.notify_all();
            changed.wait(lock, [&] { return released; });
            returned = true;
            return reply(200);
        });
        host.start();
        {
            std::unique_lock<std::mutex> lock(mutex);
            REQUIRE(changed.wait_for(lock, std::chrono::seconds(15), [&] { return entered; }));
        }
        auto stopped = std::async(std::launch::async, [&] { host.stop(); });
        CHECK(stopped.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);   // still inside the call
        {
            std::lock_guard<std::mutex> lock(mutex);
            released = true;
        }
        changed.notify_all();
        REQUIRE(stopped.wait_for(std::chrono::seconds(15)) == std::future_status::ready);
        CHECK(returned);
        size_t calls = host.serviceCalls().size();
        CHECK(calls == 1);
        CHECK(host.liveServiceResponses() == 0);
    }
}
