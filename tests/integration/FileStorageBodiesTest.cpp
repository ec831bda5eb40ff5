// The file-storage plugin with large bodies through the real terrariumd: raw uploads arrive as
// spooled bodies (TRM_PLUGIN_SPOOL_BODIES) and are renamed into the storage directory, downloads go
// out with sendfile; 256 MiB up and down with the host's memory growing far below it; the same over
// TLS; a client gone mid-upload leaves nothing; the JSON API reads a spooled body up to its bound;
// and the spool figures on /metrics.
#include "FileTransfer.h"
#include "HttpTestClient.h"
#include "RawHttpConnection.h"
#include "TempDir.h"
#include "TerrariumProcess.h"
#include "TestCertificate.h"

#include <catch2/catch.hpp>

#include <Poco/File.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SocketAddress.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

using namespace terrarium::test;

namespace {

const std::size_t MiB = 1024 * 1024;

/// terrariumd with file-storage.so storing in storagePath; more is added to the top-level config
/// object, spool to the plugin's block (e.g. R"("spool": {"threshold_bytes": 0})").
TerrariumProcess::Options storageHost(const std::string& storagePath, const std::string& pluginConfig = "", const std::string& spool = "",
                                      const std::string& more = "")
{
    TerrariumProcess::Options options;
    options.plugins = {{FILE_STORAGE_PLUGIN_PATH, "file-storage.so"}};
    options.configJson = R"({"log": {"level": "warning"}, "watch": {"enabled": false}, "plugins": {"file-storage": {"config": {"path": ")" +
                         storagePath + "\"" + (pluginConfig.empty() ? "" : "," + pluginConfig) + "}" + (spool.empty() ? "" : "," + spool) +
                         "}}" + more + "}";
    return options;
}

/// One sample of the host's /metrics page (admin listener); -1 when absent.
double metric(const TerrariumProcess& host, const std::string& sample)
{
    return metricSample(host.admin("GET", "/metrics", "", false).body, sample);
}

/// The names in directory that are temporary files of file-storage (".upload-…").
std::vector<std::string> stagedFiles(const std::string& directory)
{
    std::vector<std::string> names = entries(directory);
    names.erase(std::remove_if(names.begin(), names.end(), [](const std::string& name) { return name.rfind(".upload-", 0) != 0; }),
                names.end());
    return names;
}

} // namespace

TEST_CASE("file-storage: a 256 MiB raw upload and download, the host's memory growing far below the file's size", "[file-storage][memory]")
{
    TempDir storage;
    TempDir source;
    const std::size_t size = 256 * MiB;
    const std::string original = source.file("original.bin");
    writePattern(original, size);
    const std::string expected = sha256OfFile(original);
    TerrariumProcess host(storageHost(storage.path()));
    REQUIRE(host.get("/api/storage/files/warm-up/raw").status == 404);
    const std::size_t before = host.peakResidentKiB();

    HttpResult stored = upload(host.mainAddress(), "/api/storage/files/big.bin", original);
    INFO(stored.body);
    REQUIRE(stored.status == 201);
    CHECK(stored.json()->getValue<std::uint64_t>("size") == size);
    CHECK(sha256OfFile(storage.file("big.bin")) == expected);
    CHECK(entries(host.stateDir() + "/spool").empty());   // the spooled body itself became the file

    Download got = download(host.mainAddress(), "/api/storage/files/big.bin/raw");
    CHECK(got.status == 200);
    CHECK(got.headers["content-length"] == std::to_string(size));
    CHECK(got.bytes == size);
    CHECK(got.sha256 == expected);

    HttpResult chunked = upload(host.mainAddress(), "/api/storage/files/big.bin", original, true);
    REQUIRE(chunked.status == 200);   // replaced
    CHECK(sha256OfFile(storage.file("big.bin")) == expected);
    CHECK(entries(storage.path()) == std::vector<std::string>{"big.bin"});

    const std::size_t after = host.peakResidentKiB();
    INFO("VmHWM before " << before << " KiB, after " << after << " KiB");
    CHECK(after - before < 64 * 1024);
    CHECK(metric(host, "terrarium_spooled_bodies_total") == 2);
    CHECK(metric(host, "terrarium_spooled_body_bytes_total") == 2.0 * size);
    CHECK(metric(host, "terrarium_spooled_bodies_in_progress") == 0);
}

TEST_CASE("file-storage: a raw upload and download over TLS", "[file-storage][tls]")
{
    Poco::Net::initializeSSL();
    {
        TempDir storage;
        TempDir source;
        const std::size_t size = 8 * MiB + 12345;
        writePattern(source.file("tls.bin"), size);
        const std::string expected = sha256OfFile(source.file("tls.bin"));
        TestCertificate certificate;
        TerrariumProcess::Options options = storageHost(storage.path(), "", "", R"(, "tls": {"cert_file": ")" + certificate.certFile() +
                                                                                     R"(", "key_file": ")" + certificate.keyFile() + R"("})");
        options.waitReady = false;
        TerrariumProcess host(options);
        REQUIRE(waitUntil([&] { return !host.mainAddress().empty(); }, Poco::Timespan(30, 0)));

        auto session = [&] { return tlsSession(host.mainAddress(), certificate.certFile()); };
        REQUIRE(waitUntil([&] { return download(*session(), "/ready").status == 200; }, Poco::Timespan(30, 0)));

        auto keepAlive = session();
        HttpResult stored = upload(*keepAlive, "/api/storage/files/tls.bin", source.file("tls.bin"));
        INFO(stored.body);
        REQUIRE(stored.status == 201);
        CHECK(sha256OfFile(storage.file("tls.bin")) == expected);
        Download whole = download(*keepAlive, "/api/storage/files/tls.bin/raw");   // the same connection
        CHECK(whole.status == 200);
        CHECK(whole.bytes == size);
        CHECK(whole.sha256 == expected);
        Download part = download(*session(), "/api/storage/files/tls.bin/raw", {{"Range", "bytes=100000-199999"}});
        CHECK(part.status == 206);
        CHECK(part.bytes == 100000);
    }
    Poco::Net::uninitializeSSL();
}

TEST_CASE("file-storage: a client that goes away in the middle of an upload leaves no file, no temporary file and no spool file", "[file-storage][spool][leak]")
{
    TempDir storage;
    TerrariumProcess host(storageHost(storage.path()));
    const std::string spool = host.stateDir() + "/spool";
    for (bool chunked : {false, true})
    {
        INFO("chunked: " << chunked);
        {
            RawHttpConnection c(host.mainAddress());
            c.send(chunked ? "PUT /api/storage/files/half.bin HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n" +
                                 std::to_string(8 * MiB) + "\r\n"
                           : "PUT /api/storage/files/half.bin HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(16 * MiB) + "\r\n\r\n");
            c.send(std::string(2 * MiB, 'h'));
            CHECK(waitUntil([&] { return metric(host, "terrarium_spooled_bodies_in_progress") == 1; }));
        }
        CHECK(waitUntil([&] { return metric(host, "terrarium_spooled_bodies_in_progress") == 0; }));
        CHECK(entries(spool).empty());
        CHECK(entries(storage.path()).empty());
    }
    CHECK(host.get("/api/storage/files").json()->getValue<int>("count") == 0);   // still serving
}

TEST_CASE("file-storage: the JSON API reads a spooled body, and refuses one above its bound with 413", "[file-storage][spool]")
{
    TempDir storage;
    TerrariumProcess host(storageHost(storage.path(), R"("max_size": 100000)", R"("spool": {"threshold_bytes": 0})"));
    const std::string content(100000, 'c');
    HttpResult created = host.request("PUT", "/api/storage/files", R"({"content":")" + content + R"(","filename_prefix":"spooled"})",
                                      {{"Content-Type", "application/json"}});
    INFO(created.body);
    REQUIRE(created.status == 200);
    CHECK(readFile(storage.file(created.json()->getValue<std::string>("filename"))) == content);
    HttpResult named = host.request("POST", "/api/storage/files", R"({"filename":"named.txt","content":"from a spooled body"})");
    REQUIRE(named.status == 200);
    CHECK(readFile(storage.file("named.txt")) == "from a spooled body");
    CHECK(metric(host, "terrarium_spooled_bodies_total") == 2);

    // The bound: 6 * max_size + 65536 bytes.
    HttpResult over = host.request("PUT", "/api/storage/files", R"({"content":")" + std::string(665537, 'x') + "\"}");
    CHECK(over.status == 413);
    CHECK(over.body == R"({"detail":"Request body exceeds maximum size of 665536 bytes"})");
    HttpResult tooLong = host.request("PUT", "/api/storage/files", R"({"content":")" + std::string(100001, 'y') + "\"}");
    CHECK(tooLong.status == 400);
    CHECK(tooLong.json()->getValue<std::string>("detail") == "File content exceeds maximum size of 100000 bytes");
    CHECK(stagedFiles(storage.path()).empty());
    CHECK(entries(host.stateDir() + "/spool").empty());
}

TEST_CASE("file-storage: raw uploads are bounded by the plugin's spool limit, not max_body_bytes, and refusals are counted", "[file-storage][spool][metrics]")
{
    TempDir storage;
    TempDir source;
    writePattern(source.file("up.bin"), 3 * MiB);
    TerrariumProcess host(storageHost(storage.path(), "", R"("spool": {"threshold_bytes": 65536, "max_bytes": 4194304})",
                                      R"(, "limits": {"max_body_bytes": 1048576})"));
    HttpResult stored = upload(host.mainAddress(), "/api/storage/files/up.bin", source.file("up.bin"));
    INFO(stored.body);
    CHECK(stored.status == 201);   // above max_body_bytes, within the spool limit
    CHECK(sha256OfFile(storage.file("up.bin")) == sha256OfFile(source.file("up.bin")));

    RawHttpConnection c(host.mainAddress());
    c.send("PUT /api/storage/files/big.bin HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(4 * MiB + 1) + "\r\n\r\n");
    HttpResult refused = c.readResponse();
    CHECK(refused.status == 413);
    CHECK(metric(host, "terrarium_spool_refusals_total{reason=\"limit\"}") == 1);
    CHECK(metric(host, "terrarium_spool_refusals_total{reason=\"disk\"}") == 0);
    CHECK(metric(host, "terrarium_spooled_body_bytes_total") == 3.0 * MiB);
    CHECK_FALSE(Poco::File(storage.file("big.bin")).exists());
}

TEST_CASE("file-storage: a route's max_spooled_body_bytes bounds the bodies spooled through it, other routes keep the plugin's limit", "[file-storage][spool]")
{
    TempDir storage;
    TempDir source;
    writePattern(source.file("up.bin"), 2 * MiB);
    TerrariumProcess host(storageHost(storage.path(), "", R"("spool": {"threshold_bytes": 0, "max_bytes": 4194304})",
                                      R"(, "routes": [{"prefix": "/small", "plugin": "file-storage", "max_spooled_body_bytes": 1048576}])"));
    RawHttpConnection c(host.mainAddress());
    c.send("PUT /small/api/storage/files/big.bin HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(2 * MiB) + "\r\n\r\n");
    HttpResult refused = c.readResponse();
    INFO(refused.body);
    CHECK(refused.status == 413);
    CHECK(refused.json()->getValue<std::string>("message").find("1048576") != std::string::npos);
    CHECK_FALSE(Poco::File(storage.file("big.bin")).exists());

    writePattern(source.file("fits.bin"), MiB);
    CHECK(upload(host.mainAddress(), "/small/api/storage/files/fits.bin", source.file("fits.bin")).status == 201);
    HttpResult stored = upload(host.mainAddress(), "/api/storage/files/up.bin", source.file("up.bin"));
    INFO(stored.body);
    CHECK(stored.status == 201);   // the plugin's own routes: its 4 MiB limit
    CHECK(sha256OfFile(storage.file("up.bin")) == sha256OfFile(source.file("up.bin")));
    CHECK(metric(host, "terrarium_spool_refusals_total{reason=\"limit\"}") == 1);
}
