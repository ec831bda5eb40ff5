// logthon through the real terrariumd: persistence across a restart and across hot reloads under
// ingestion load, the 1000-entry ring, the /files proxy to the real file-storage plugin, and the
// host's and plugins' logs arriving in logthon (but never logthon's own).
#include "HttpTestClient.h"
#include "TempDir.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <Poco/File.h>
#include <Poco/JSON/Array.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace terrarium::test;

namespace {

/// logthon alone with logthonConfig; the host ships no logs to it (the tests count what they send).
TerrariumProcess::Options logthonOptions(const std::string& logthonConfig = "{}")
{
    TerrariumProcess::Options options;
    options.plugins = {{LOGTHON_PLUGIN_PATH, "logthon.so"}};
    options.configJson =
        R"({"watch":{"enabled":false},"log":{"logthon":{"enabled":false}},"plugins":{"logthon":{"config":)" + logthonConfig + "}}}";
    return options;
}

std::string record(const std::string& service, const std::string& message)
{
    return R"({"service":")" + service + R"(","message":")" + message + R"("})";
}

/// The entries of GET /api/logthon/logs<query> (REQUIREs 200).
Poco::JSON::Array::Ptr logsOf(const TerrariumProcess& host, const std::string& query = "?limit=10000")
{
    HttpResult answer = host.get("/api/logthon/logs" + query);
    INFO(answer.body);
    REQUIRE(answer.status == 200);
    return answer.json()->getArray("logs");
}

/// What differs between the messages stored (with their counts) and those acknowledged: "" when
/// every acknowledged message is stored exactly once and nothing else is.
std::string differences(const Poco::JSON::Array::Ptr& logs, const std::map<std::string, int>& acknowledged)
{
    std::map<std::string, int> stored;
    for (std::size_t i = 0; i < logs->size(); ++i) ++stored[logs->getObject(static_cast<unsigned>(i))->getValue<std::string>("message")];
    std::string out;
    for (const auto& [message, count] : acknowledged)
    {
        auto found = stored.find(message);
        if (found == stored.end()) out += "lost " + message + "; ";
        else if (found->second != count) out += message + " stored " + std::to_string(found->second) + " times; ";
    }
    for (const auto& [message, count] : stored)
        if (!acknowledged.count(message)) out += "never acknowledged " + message + " stored " + std::to_string(count) + " times; ";
    return out;
}

std::vector<std::uint64_t> idsOf(const Poco::JSON::Array::Ptr& logs)
{
    std::vector<std::uint64_t> ids;
    for (std::size_t i = 0; i < logs->size(); ++i) ids.push_back(logs->getObject(static_cast<unsigned>(i))->getValue<std::uint64_t>("id"));
    return ids;
}

} // namespace

TEST_CASE("logthon: without a database setting the file lies under the host's state directory", "[logthon][persistence]")
{
    TerrariumProcess host(logthonOptions());
    REQUIRE(host.request("POST", "/api/logs", record("custom-client", "first")).status == 200);
    const std::string database = host.stateDir() + "/data/logthon/logthon.db";
    CHECK(waitUntil([&] { return Poco::File(database).exists(); }));
    HttpResult health = host.get("/api/logthon/health");
    CHECK(health.json()->getValue<std::string>("status") == "healthy");
    CHECK(health.json()->getObject("persistence")->getValue<std::string>("database") == database);
}

TEST_CASE("logthon: entries survive a restart of the host", "[logthon][persistence]")
{
    TempDir dir;
    auto options = logthonOptions(R"({"database":")" + dir.file("logthon.db") + R"("})");
    {
        TerrariumProcess host(options);
        REQUIRE(host.request("POST", "/api/logs", record("custom-client", "first")).status == 200);
        REQUIRE(host.request("POST", "/api/logthon/logs", R"([{"service":"a","message":"second"},{"service":"b","message":"third"}])").status == 200);
        REQUIRE(host.terminate() == 0);
    }
    TerrariumProcess again(options);
    auto logs = logsOf(again);
    REQUIRE(logs->size() == 3);
    CHECK(logs->getObject(0)->getValue<std::string>("message") == "first");
    CHECK(logs->getObject(2)->getValue<std::string>("message") == "third");
    REQUIRE(again.request("POST", "/api/logs", record("a", "fourth")).status == 200);
    CHECK(idsOf(logsOf(again)) == std::vector<std::uint64_t>{1, 2, 3, 4});
}

TEST_CASE("logthon: hot reloads under ingestion load lose no entry and store none twice, ids stay unique and increasing",
          "[logthon][reload][persistence]")
{
    TempDir dir;
    auto options = logthonOptions(R"({"database":")" + dir.file("logthon.db") + R"(","max_logs":100000})");
    constexpr int writers = 3;
    constexpr int maxPerWriter = 8000;   // below GET /logs's largest limit per service
    std::map<std::string, int> acknowledged;
    std::atomic<int> posted{0};
    /// Every writer's entries (one service each), and whether ids increase with no repeat overall.
    auto everything = [&](const TerrariumProcess& host, bool& idsIncrease) {
        Poco::JSON::Array::Ptr all = new Poco::JSON::Array;
        std::vector<std::uint64_t> allIds;
        idsIncrease = true;
        for (int w = 0; w < writers; ++w)
        {
            auto logs = logsOf(host, "?service=load-w" + std::to_string(w) + "&limit=10000");
            std::vector<std::uint64_t> ids = idsOf(logs);
            idsIncrease = idsIncrease && std::adjacent_find(ids.begin(), ids.end(), [](std::uint64_t a, std::uint64_t b) { return a >= b; }) == ids.end();
            allIds.insert(allIds.end(), ids.begin(), ids.end());
            for (std::size_t i = 0; i < logs->size(); ++i) all->add(logs->get(static_cast<unsigned>(i)));
        }
        std::sort(allIds.begin(), allIds.end());
        idsIncrease = idsIncrease && std::adjacent_find(allIds.begin(), allIds.end()) == allIds.end();
        return all;
    };
    {
        TerrariumProcess host(options);
        std::atomic<bool> stop{false};
        std::atomic<int> failures{0};
        std::vector<std::vector<std::string>> sent(writers);
        std::vector<std::thread> threads;
        for (int w = 0; w < writers; ++w)
            threads.emplace_back([&, w] {
                HttpTestClient client(host.mainAddress());
                const std::string service = "load-w" + std::to_string(w);
                for (int n = 0; (!stop.load() || n < 50) && n < maxPerWriter; ++n)
                {
                    std::string message = "w" + std::to_string(w) + "-" + std::to_string(n);
                    const bool batch = n % 10 == 9;
                    HttpResult answer = batch ? client.request("POST", "/api/logs", "[" + record(service, message + "a") + "," + record(service, message + "b") + "]")
                                              : client.request("POST", "/api/logs", record(service, message));
                    if (answer.status != 200)
                    {
                        ++failures;
                        continue;
                    }
                    if (batch)
                    {
                        sent[w].push_back(message + "a");
                        sent[w].push_back(message + "b");
                    }
                    else
                        sent[w].push_back(message);
                    ++posted;
                }
            });
        REQUIRE(waitUntil([&] { return posted.load() >= 3 * writers * 20; }));
        for (int reload = 0; reload < 3; ++reload)
        {
            HttpResult answer = host.admin("POST", "/admin/plugins/logthon/reload");
            INFO(answer.body);
            REQUIRE(answer.status == 200);
        }
        stop = true;
        for (auto& thread : threads) thread.join();
        CHECK(failures.load() == 0);
        CHECK(host.waitForLog("log entries taken over"));   // restore() ran
        for (const auto& messages : sent)
            for (const auto& message : messages) ++acknowledged[message];

        bool idsIncrease = false;
        CHECK(differences(everything(host, idsIncrease), acknowledged) == "");
        CHECK(idsIncrease);
        REQUIRE(host.terminate() == 0);
    }
    TerrariumProcess again(options);
    bool idsIncrease = false;
    auto logs = everything(again, idsIncrease);
    CHECK(differences(logs, acknowledged) == "");
    CHECK(idsIncrease);
    std::uint64_t last = 0;
    for (std::uint64_t id : idsOf(logs)) last = std::max(last, id);
    REQUIRE(again.request("POST", "/api/logs", record("load", "after restart")).status == 200);
    CHECK(idsOf(logsOf(again, "?limit=1")).front() > last);
}

TEST_CASE("logthon: 1001 entries into a 1000-entry ring keep the latest 1000", "[logthon][retention]")
{
    TerrariumProcess host(logthonOptions());
    std::string batch = "[";
    for (int i = 0; i < 1000; ++i) batch += (i ? "," : "") + record("busy", std::to_string(i));
    batch += "]";
    REQUIRE(host.request("POST", "/api/logs", batch).status == 200);
    REQUIRE(host.request("POST", "/api/logs", record("busy", "1000")).status == 200);
    HttpResult info = host.get("/api/logthon/storage/info");
    REQUIRE(info.status == 200);
    CHECK(info.json()->getObject("busy")->getValue<int>("count") == 1000);
    CHECK(info.json()->getObject("busy")->getValue<bool>("is_full"));
    auto ids = idsOf(logsOf(host, "?service=busy&limit=10000"));
    REQUIRE(ids.size() == 1000);
    CHECK(ids.front() == 2);
    CHECK(ids.back() == 1001);
}

TEST_CASE("logthon: /files is proxied to the real file-storage plugin, without it 503", "[logthon][files]")
{
    TempDir dir;
    TerrariumProcess::Options options;
    options.plugins = {{LOGTHON_PLUGIN_PATH, "logthon.so"}, {FILE_STORAGE_PLUGIN_PATH, "file-storage.so"}};
    options.configJson = R"({"watch":{"enabled":false},"plugins":{"file-storage":{"config":{"path":")" + dir.file("files") + R"("}}}})";
    TerrariumProcess host(options);
    HttpResult created = host.request("PUT", "/api/storage/files", R"({"content":"hello","filename_prefix":"note"})");
    REQUIRE(created.status == 200);
    const std::string name = created.json()->getValue<std::string>("filename");

    HttpResult list = host.get("/api/logthon/files");
    REQUIRE(list.status == 200);
    CHECK(list.json()->getValue<int>("count") == 1);
    HttpResult file = host.get("/api/logthon/files/" + name);
    REQUIRE(file.status == 200);
    CHECK(file.json()->getValue<std::string>("content") == "hello");
    CHECK(host.get("/api/logthon/files/missing.txt").status == 404);
    HttpResult removed = host.request("DELETE", "/api/logthon/files/" + name);
    CHECK(removed.status == 200);
    CHECK(host.get("/api/storage/files").json()->getValue<int>("count") == 0);

    REQUIRE(host.admin("DELETE", "/admin/plugins/file-storage").status == 200);
    HttpResult gone = host.get("/api/logthon/files");
    CHECK(gone.status == 503);
    CHECK(gone.json()->getValue<std::string>("error") == "file_storage_unavailable");
}

TEST_CASE("logthon: the host's and the plugins' logs arrive in logthon loaded in the same host, its own never do", "[logthon][shipping]")
{
    TempDir dir;
    TerrariumProcess::Options options;
    options.plugins = {{LOGTHON_PLUGIN_PATH, "logthon.so"}, {FILE_STORAGE_PLUGIN_PATH, "file-storage.so"}};
    options.configJson = R"({"watch":{"enabled":false},"plugins":{"file-storage":{"config":{"path":")" + dir.file("files") + R"("}}}})";
    TerrariumProcess host(options);
    REQUIRE(host.get("/api/storage/files").status == 200);
    REQUIRE(host.request("POST", "/api/logs", "not json").status == 400);   // logthon logs a refusal
    CHECK(waitUntil([&] { return logsOf(host, "?service=file-storage&limit=100")->size() > 0; }));
    CHECK(waitUntil([&] { return logsOf(host, "?service=host&limit=100")->size() > 0; }));
    bool sawRequestLine = false;
    auto fileStorage = logsOf(host, "?service=file-storage&limit=100");
    for (std::size_t i = 0; i < fileStorage->size(); ++i)
        if (fileStorage->getObject(static_cast<unsigned>(i))->getValue<std::string>("message").find("API GET /files") == 0) sawRequestLine = true;
    CHECK(sawRequestLine);
    REQUIRE(host.request("POST", "/api/logs", record("marker", "after")).status == 200);
    CHECK(waitUntil([&] { return host.log().find("request refused") != std::string::npos; }));
    CHECK(logsOf(host, "?service=logthon&limit=100")->size() == 0);
}
