// Writes that fail (a full disk, injected through the FileWriter seam), concurrent creates, and
// what a crash in the middle of a write leaves behind.
#include "FileStorageFixture.h"
#include "FullDiskWriter.h"

#include <Poco/File.h>
#include <Poco/Timestamp.h>

#include <atomic>
#include <cerrno>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unistd.h>
#include <algorithm>

using namespace filestorage::test;

TEST_CASE("file-storage: a full disk answers 507 and leaves no partial file", "[file-storage][enospc]")
{
    StorageFixture fixture;
    fixture.put("existing.txt", "the old content");
    fixture.plugin().storage().useWriter(std::make_shared<FullDiskWriter>(10));
    const std::string content(100, 'x');
    const std::string expected = R"({"detail":"Insufficient storage: No space left on device"})";

    SECTION("PUT /files")
    {
        FakeResponse r = fixture.create(content);
        CHECK(r.status == 507);
        CHECK(r.body == expected);
        CHECK(r.header("Content-Type") == std::string("application/json"));
    }
    SECTION("POST /files over an existing file keeps the old one whole")
    {
        FakeResponse r = fixture.host.call("POST", "/api/storage/files", R"({"filename":"existing.txt","content":")" + content + "\"}");
        CHECK(r.status == 507);
        CHECK(r.body == expected);
    }
    SECTION("a raw upload")
    {
        FakeResponse r = fixture.host.call("PUT", "/api/storage/files/big.bin", content);
        CHECK(r.status == 507);
        CHECK(r.body == expected);
    }
    CHECK(fixture.entries() == std::vector<std::string>{"existing.txt"});   // no temporary file either
    CHECK(fixture.read("existing.txt") == "the old content");
    CHECK(fixture.host.counter("storage_full") == 1);
    CHECK(fixture.host.logged("No space left on device"));
    CHECK(fixture.host.logged(" - 507 ("));
    CHECK(fixture.host.call("GET", "/api/storage/health").status == 200);   // still serving
}

TEST_CASE("file-storage: a failing fsync leaves no file either", "[file-storage][enospc]")
{
    StorageFixture fixture;
    SECTION("no space at fsync (delayed allocation): 507")
    {
        fixture.plugin().storage().useWriter(std::make_shared<FullDiskWriter>(1000, ENOSPC));
        CHECK(fixture.create("content").status == 507);
    }
    SECTION("an I/O error: 500 naming it")
    {
        fixture.plugin().storage().useWriter(std::make_shared<FullDiskWriter>(1000, EIO));
        FakeResponse r = fixture.host.call("PUT", "/api/storage/files/a.txt", "content");
        CHECK(r.status == 500);
        CHECK(detailOf(r) == "Storage error: fsync: Input/output error");
    }
    CHECK(fixture.entries().empty());
}

TEST_CASE("file-storage: concurrent creates never lose or corrupt a file", "[file-storage][concurrency]")
{
    // FakeHost::call() is thread-safe (fake_host.hpp); Catch2's assertions are not, so the threads
    // only record what they got and the checks run afterwards.
    constexpr int threads = 8;
    constexpr int perThread = 25;
    StorageFixture fixture(FlatConfig{{"max_files", "1000"}});
    std::mutex mutex;
    std::map<std::string, std::string> stored;   // name -> content sent
    std::vector<std::string> failures;
    std::atomic<bool> go{false};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
    {
        workers.emplace_back([&, t] {
            while (!go.load()) std::this_thread::yield();
            for (int i = 0; i < perThread; ++i)
            {
                const std::string content = "thread " + std::to_string(t) + " file " + std::to_string(i) + " " + std::string(100 + i, static_cast<char>('a' + t));
                FakeResponse r = (i % 3 == 2)
                    ? fixture.host.call("POST", "/api/storage/files",
                                        R"({"filename":"t)" + std::to_string(t) + "-" + std::to_string(i) + R"(.txt","content":")" + content + "\"}")
                    : fixture.create(content, R"("filename_prefix":"same")");
                std::lock_guard<std::mutex> lock(mutex);
                if (r.status != 200)
                {
                    failures.push_back(std::to_string(r.status) + " " + r.body);
                    continue;
                }
                auto body = terrarium::json::parseObject(r.body);
                std::string name = body->has("file_id") ? body->getValue<std::string>("file_id") : body->getValue<std::string>("filename");
                if (!stored.emplace(name, content).second) failures.push_back("name answered twice: " + name);
            }
        });
    }
    go = true;
    for (auto& worker : workers) worker.join();

    std::string failureText;
    for (const auto& failure : failures) failureText += failure + "\n";
    INFO(failureText);
    CHECK(failures.empty());
    CHECK(stored.size() == threads * perThread);
    CHECK(fixture.entries().size() == threads * perThread);   // and no temporary file left
    for (const auto& [name, content] : stored)
    {
        INFO(name);
        CHECK(fixture.read(name) == content);
    }
}

TEST_CASE("file-storage: concurrent creates with rotation end with exactly max_files whole files", "[file-storage][concurrency][rotation]")
{
    StorageFixture fixture(FlatConfig{{"max_files", "5"}});
    std::vector<std::thread> workers;
    std::atomic<int> ok{0};
    for (int t = 0; t < 6; ++t)
        workers.emplace_back([&, t] {
            for (int i = 0; i < 10; ++i)
                if (fixture.create("whole content " + std::to_string(t)).status == 200) ++ok;
        });
    for (auto& worker : workers) worker.join();
    CHECK(ok == 60);
    std::vector<std::string> names = fixture.entries();
    CHECK(names.size() == 5);
    for (const auto& name : names) CHECK(fixture.read(name).rfind("whole content ", 0) == 0);
}

TEST_CASE("file-storage: temporary files a crash left are removed at start, recent ones kept", "[file-storage][staging]")
{
    terrarium::test::ScratchDir scratch;
    const std::string stale = scratch.write("store/.upload-1-1-dead", "half a file");
    const std::string recent = scratch.write("store/.upload-2-2-live", "being written by another generation");
    Poco::Timestamp twoHoursAgo;
    twoHoursAgo -= Poco::Timestamp::TimeDiff(7200) * Poco::Timestamp::resolution();
    Poco::File(stale).setLastModified(twoHoursAgo);

    FakeHost host(&terrarium_plugin_entry, FlatConfig{{"path", scratch.file("store")}});
    host.start();
    CHECK_FALSE(Poco::File(stale).exists());
    CHECK(Poco::File(recent).exists());
    CHECK(host.logged("file storage ready"));
    auto ready = host.logs();
    auto record = std::find_if(ready.begin(), ready.end(), [](const auto& r) { return r.message == "file storage ready"; });
    REQUIRE(record != ready.end());
    CHECK(record->field("stale_temporary_files_removed") == std::string("1"));
    CHECK(bodyOf(host.call("GET", "/api/storage/files"))->getValue<int>("count") == 0);
}
