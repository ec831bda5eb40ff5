// The file-storage plugin in the real terrariumd: the contract through the default routes, the
// guide's POST, raw upload and ranged download, names that try to leave the storage directory, and
// a full disk (a tiny tmpfs, when this process may mount one).
#include "HttpTestClient.h"
#include "RawHttpConnection.h"
#include "TempDir.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/Path.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <string>
#include <sys/mount.h>
#include <unistd.h>
#include <vector>

using namespace terrarium::test;

namespace {

/// terrariumd with file-storage.so storing in storagePath, plus more plugin config members.
TerrariumProcess::Options fileStorageOptions(const std::string& storagePath, const std::string& moreConfig = "")
{
    TerrariumProcess::Options options;
    options.plugins = {{FILE_STORAGE_PLUGIN_PATH, "file-storage.so"}};
    options.configJson = R"({"watch":{"enabled":false},"plugins":{"file-storage":{"config":{"path":")" + storagePath + "\"" +
                         (moreConfig.empty() ? "" : "," + moreConfig) + "}}}}";
    return options;
}

/// One request sent byte for byte as written (no client-side normalisation of the target).
HttpResult rawRequest(const TerrariumProcess& host, const std::string& method, const std::string& target, const std::string& body = "")
{
    RawHttpConnection connection(host.mainAddress());
    connection.send(method + " " + target + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body);
    return connection.readResponse();
}

/// Every path below root whose file name contains part.
std::vector<std::string> findNamed(const std::string& root, const std::string& part)
{
    std::vector<std::string> found;
    std::function<void(const std::string&)> walk = [&](const std::string& dir) {
        std::vector<std::string> names;
        Poco::File(dir).list(names);
        for (const std::string& name : names)
        {
            std::string path = dir + "/" + name;
            if (name.find(part) != std::string::npos) found.push_back(path);
            Poco::File file(path);
            if (file.isDirectory() && !file.isLink()) walk(path);
        }
    };
    walk(root);
    return found;
}

std::vector<std::string> entriesOf(const std::string& dir)
{
    std::vector<std::string> names;
    Poco::File(dir).list(names);
    return names;
}

/// A tmpfs of a few pages mounted on a fresh directory, unmounted when the object goes away.
class TinyTmpfs
{
public:
    explicit TinyTmpfs(const std::string& path) : _path(path)
    {
        Poco::File(path).createDirectories();
        _mounted = ::mount("tmpfs", path.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755") == 0;
        if (!_mounted) _error = std::strerror(errno);
    }
    ~TinyTmpfs()
    {
        if (_mounted) ::umount2(_path.c_str(), MNT_DETACH);
    }
    TinyTmpfs(const TinyTmpfs&) = delete;
    TinyTmpfs& operator=(const TinyTmpfs&) = delete;

    bool mounted() const { return _mounted; }
    const std::string& error() const { return _error; }

private:
    std::string _path;
    bool _mounted = false;
    std::string _error;
};

} // namespace

TEST_CASE("file-storage: the contract through /api/file-storage and /api/storage", "[file-storage]")
{
    TempDir dir;
    const std::string store = dir.file("data/store");
    TerrariumProcess host(fileStorageOptions(store, R"("max_files":3)"));

    HttpResult service = host.get("/api/file-storage/");
    REQUIRE(service.status == 200);
    CHECK(service.json()->getValue<std::string>("service") == "File Storage API");
    HttpResult health = host.get("/api/storage/health");
    REQUIRE(health.status == 200);
    CHECK(health.json()->getValue<std::string>("status") == "healthy");
    CHECK(health.json()->getValue<std::string>("storage_path") == store);
    CHECK(health.json()->getValue<int>("max_files") == 3);

    HttpResult created = host.request("PUT", "/api/file-storage/files",
                                      R"({"filename_prefix":"2025-01-12_10-30-00","content":"Custom Client generated file\n","extension":".txt"})",
                                      {{"Content-Type", "application/json"}});
    REQUIRE(created.status == 200);
    const std::string name = created.json()->getValue<std::string>("filename");
    CHECK(name.rfind("2025-01-12_10-30-00_", 0) == 0);
    CHECK(created.json()->getValue<std::string>("message") == "File '" + name + "' created successfully");
    CHECK(readFile(store + "/" + name) == "Custom Client generated file\n");

    HttpResult listed = host.get("/api/storage/files");
    REQUIRE(listed.status == 200);
    CHECK(listed.json()->getValue<int>("count") == 1);
    CHECK(listed.json()->getArray("files")->getObject(0)->getValue<std::string>("content_preview") == "Custom Client generated file\n");

    HttpResult read = host.get("/api/file-storage/files/" + name);
    REQUIRE(read.status == 200);
    CHECK(read.json()->getValue<std::string>("content") == "Custom Client generated file\n");
    CHECK(host.get("/api/storage/files/missing.txt").body == R"({"detail":"File 'missing.txt' not found"})");

    HttpResult info = host.get("/api/storage/info");
    REQUIRE(info.status == 200);
    CHECK(info.json()->getValue<int>("total_files") == 1);
    CHECK(info.json()->getValue<std::string>("newest_file") == name);

    HttpResult deleted = host.request("DELETE", "/api/storage/files/" + name);
    CHECK(deleted.status == 200);
    CHECK(deleted.json()->getValue<std::string>("message") == "File '" + name + "' deleted successfully");
    CHECK(host.request("DELETE", "/api/storage/files/" + name).status == 404);

    for (int i = 0; i < 5; ++i)
        REQUIRE(host.request("PUT", "/api/storage/files", R"({"content":"n)" + std::to_string(i) + "\"}").status == 200);
    CHECK(entriesOf(store).size() == 3);   // rotated to max_files
    HttpResult cleared = host.request("DELETE", "/api/file-storage/files");
    REQUIRE(cleared.status == 200);
    CHECK(cleared.json()->getValue<std::string>("message") == "Cleared 3 files from storage");
    CHECK(entriesOf(store).empty());

    HttpResult invalid = host.request("PUT", "/api/storage/files", R"({"content":5})");
    CHECK(invalid.status == 422);
    CHECK(host.waitForLog("API PUT /files - 422 ("));
    CHECK(host.waitForLog("API GET /files - 200 ("));
}

TEST_CASE("file-storage: the guide's POST /api/storage/files", "[file-storage]")
{
    TempDir dir;
    TerrariumProcess host(fileStorageOptions(dir.file("store")));
    HttpResult r = host.request("POST", "/api/storage/files",
                                R"({"filename":"test.txt","content":"Hello, World!","metadata":{"author":"system","timestamp":"2025-01-12T10:30:00Z"}})",
                                {{"Content-Type", "application/json"}});
    REQUIRE(r.status == 200);
    CHECK(r.body == R"({"success":true,"file_id":"test.txt","message":"File created successfully"})");
    CHECK(readFile(dir.file("store/test.txt")) == "Hello, World!");
    CHECK(host.get("/api/file-storage/files/test.txt").json()->getValue<std::string>("content") == "Hello, World!");
}

TEST_CASE("file-storage: a raw upload and a ranged download", "[file-storage][raw]")
{
    TempDir dir;
    TerrariumProcess host(fileStorageOptions(dir.file("store")));
    std::string blob;
    for (int i = 0; i < 100000; ++i) blob += static_cast<char>(i * 7 % 256);

    HttpResult uploaded = host.request("PUT", "/api/storage/files/blob.bin", blob, {{"Content-Type", "application/octet-stream"}});
    REQUIRE(uploaded.status == 201);
    const std::string tag = uploaded.header("ETag");
    CHECK(!tag.empty());
    CHECK(readFile(dir.file("store/blob.bin")) == blob);

    HttpResult whole = host.get("/api/storage/files/blob.bin/raw");
    REQUIRE(whole.status == 200);
    CHECK(whole.body == blob);
    CHECK(whole.header("Content-Type") == "application/octet-stream");
    CHECK(whole.header("Content-Length") == std::to_string(blob.size()));
    CHECK(whole.header("ETag") == tag);

    HttpResult part = host.get("/api/file-storage/files/blob.bin/raw", {{"Range", "bytes=1000-1999"}});
    REQUIRE(part.status == 206);
    CHECK(part.header("Content-Range") == "bytes 1000-1999/100000");
    CHECK(part.header("Content-Length") == "1000");
    CHECK(part.body == blob.substr(1000, 1000));
    HttpResult tail = host.get("/api/storage/files/blob.bin/raw", {{"Range", "bytes=-10"}});
    REQUIRE(tail.status == 206);
    CHECK(tail.body == blob.substr(blob.size() - 10));
    HttpResult beyond = host.get("/api/storage/files/blob.bin/raw", {{"Range", "bytes=100000-"}});
    CHECK(beyond.status == 416);
    CHECK(beyond.header("Content-Range") == "bytes */100000");

    HttpResult notModified = host.get("/api/storage/files/blob.bin/raw", {{"If-None-Match", tag}});
    CHECK(notModified.status == 304);
    CHECK(notModified.body.empty());
}

TEST_CASE("file-storage: names that try to leave the storage directory never do", "[file-storage][names]")
{
    TempDir dir;
    const std::string store = dir.file("deep/er/store");
    TerrariumProcess host(fileStorageOptions(store));
    const std::string outside = host.dir();

    struct Attempt
    {
        std::string method;
        std::string target;
        std::string body;
        int status;
    };
    const std::vector<Attempt> attempts = {
        {"PUT", "/api/storage/files/..%2f..%2fescape-1.txt", "evil", 400},
        {"PUT", "/api/storage/files/%2e%2e%2fescape-2.txt", "evil", 400},
        {"PUT", "/api/storage/files/..%2Fescape-3.txt/raw", "evil", 400},
        {"PUT", "/api/storage/files/%2e%2e%5cescape-4.txt", "evil", 400},
        {"PUT", "/api/storage/files/.escape-5.txt", "evil", 400},
        {"PUT", "/api/storage/files/escape-6%00.txt", "evil", 400},
        {"GET", "/api/storage/files/..%2f..%2f..%2fetc%2fpasswd", "", 400},
        {"GET", "/api/storage/files/..%2f..%2f..%2fetc%2fpasswd/raw", "", 400},
        {"DELETE", "/api/storage/files/..%2fconfig.json", "", 400},
        // Dot segments are resolved by the host before routing: they never reach the plugin as such.
        {"PUT", "/api/storage/files/../../escape-7.txt", "evil", 404},
        {"PUT", "/api/storage/files/%2e%2e/escape-8.txt", "evil", 404},
        {"PUT", "/api/storage/files", R"({"content":"evil","filename_prefix":"../../escape-9"})", 400},
        {"PUT", "/api/storage/files", R"({"content":"evil","filename_prefix":"%2e%2e%2fescape-10"})", 400},
        {"POST", "/api/storage/files", R"({"filename":"../../escape-11.txt","content":"evil"})", 400},
        {"POST", "/api/storage/files", R"({"filename":"/tmp/escape-12.txt","content":"evil"})", 400},
    };
    for (const Attempt& attempt : attempts)
    {
        INFO(attempt.method << " " << attempt.target << " " << attempt.body);
        HttpResult r = rawRequest(host, attempt.method, attempt.target, attempt.body);
        CHECK(r.status == attempt.status);
        if (attempt.status == 400) CHECK(r.json()->getValue<std::string>("detail").rfind("Invalid filename", 0) == 0);
    }
    CHECK(findNamed(dir.path(), "escape").empty());
    CHECK(findNamed(outside, "escape").empty());
    CHECK_FALSE(Poco::File("/tmp/escape-12.txt").exists());
    CHECK(entriesOf(store).empty());
    CHECK(host.get("/api/storage/health").status == 200);
}

TEST_CASE("file-storage: FILE_STORAGE_PATH and FILE_STORAGE_MAX_FILES when the config has no key", "[file-storage][config]")
{
    TempDir dir;
    TerrariumProcess::Options options;
    options.plugins = {{FILE_STORAGE_PLUGIN_PATH, "file-storage.so"}};
    options.env = {{"FILE_STORAGE_PATH", dir.file("from-env")}, {"FILE_STORAGE_MAX_FILES", "4"}};
    TerrariumProcess host(options);
    HttpResult health = host.get("/api/storage/health");
    REQUIRE(health.status == 200);
    CHECK(health.json()->getValue<std::string>("storage_path") == dir.file("from-env"));
    CHECK(health.json()->getValue<int>("max_files") == 4);
}

TEST_CASE("file-storage: a full disk answers 507 and leaves no partial file (tmpfs)", "[file-storage][enospc]")
{
    TempDir dir;
    const std::string store = dir.file("tiny");
    TinyTmpfs tmpfs(store);
    if (!tmpfs.mounted())
    {
        WARN("skipped: cannot mount a tmpfs here (" << tmpfs.error() << "); the unit tests cover ENOSPC through an injected writer");
        return;
    }
    TerrariumProcess host(fileStorageOptions(store));
    HttpResult small = host.request("PUT", "/api/storage/files/small.txt", std::string(1000, 's'));
    REQUIRE(small.status == 201);

    HttpResult raw = host.request("PUT", "/api/storage/files/big.bin", std::string(200 * 1024, 'b'));
    CHECK(raw.status == 507);
    CHECK(raw.header("Content-Type") == "application/json");
    CHECK(raw.body == R"({"detail":"Insufficient storage: No space left on device"})");
    HttpResult json = host.request("PUT", "/api/storage/files", R"({"content":")" + std::string(150 * 1024, 'j') + "\"}");
    CHECK(json.status == 507);
    CHECK(entriesOf(store) == std::vector<std::string>{"small.txt"});   // no partial file, no temporary file
    CHECK(readFile(store + "/small.txt") == std::string(1000, 's'));
    CHECK(host.waitForLog("API PUT /files/big.bin - 507 ("));
    CHECK(host.request("PUT", "/api/storage/files/after.txt", "still serving").status == 201);
}

TEST_CASE("file-storage: a spooled upload copied onto a full disk answers 507 and leaves nothing (tmpfs)", "[file-storage][enospc][spool]")
{
    TempDir dir;
    const std::string store = dir.file("tiny");
    TinyTmpfs tmpfs(store);
    if (!tmpfs.mounted())
    {
        WARN("skipped: cannot mount a tmpfs here (" << tmpfs.error() << "); the unit tests cover ENOSPC through an injected writer");
        return;
    }
    TerrariumProcess::Options options;
    options.plugins = {{FILE_STORAGE_PLUGIN_PATH, "file-storage.so"}};
    options.configJson = R"({"watch":{"enabled":false},"plugins":{"file-storage":{"config":{"path":")" + store +
                         R"("},"spool":{"threshold_bytes":0}}}})";
    TerrariumProcess host(options);
    // Every body is spooled into the state directory, on another file system than the tmpfs: copied.
    HttpResult small = host.request("PUT", "/api/storage/files/small.txt", std::string(1000, 's'));
    REQUIRE(small.status == 201);
    HttpResult raw = host.request("PUT", "/api/storage/files/big.bin", std::string(200 * 1024, 'b'));
    CHECK(raw.status == 507);
    CHECK(raw.body == R"({"detail":"Insufficient storage: No space left on device"})");
    CHECK(entriesOf(store) == std::vector<std::string>{"small.txt"});
    CHECK(entriesOf(host.stateDir() + "/spool").empty());
    CHECK(host.request("PUT", "/api/storage/files/after.txt", "still serving").status == 201);
}

TEST_CASE("file-storage: a spool directory without room answers 507 before the plugin and counts the refusal (tmpfs)", "[file-storage][enospc][spool][metrics]")
{
    TempDir dir;
    const std::string spool = dir.file("spool");
    TinyTmpfs tmpfs(spool);
    if (!tmpfs.mounted())
    {
        WARN("skipped: cannot mount a tmpfs here (" << tmpfs.error() << ")");
        return;
    }
    TerrariumProcess::Options options;
    options.plugins = {{FILE_STORAGE_PLUGIN_PATH, "file-storage.so"}};
    options.configJson = R"({"watch":{"enabled":false},"spool_dir":")" + spool + R"(","plugins":{"file-storage":{"config":{"path":")" +
                         dir.file("store") + R"("},"spool":{"threshold_bytes":0}}}})";
    TerrariumProcess host(options);
    HttpResult raw = host.request("PUT", "/api/storage/files/big.bin", std::string(200 * 1024, 'b'));
    CHECK(raw.status == 507);
    CHECK(raw.json()->getValue<std::string>("error") == "insufficient_storage");
    const std::string page = host.admin("GET", "/metrics", "", false).body;
    CHECK(metricSample(page, "terrarium_spool_refusals_total{reason=\"disk\"}") == 1);
    CHECK(metricSample(page, "terrarium_spooled_bodies_in_progress") == 0);
    CHECK(entriesOf(spool).empty());
    CHECK(entriesOf(dir.file("store")).empty());
    CHECK(host.request("PUT", "/api/storage/files/small.txt", "fits").status == 201);
}
