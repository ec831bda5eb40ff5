// Bodies in files (ABI 1.3) through the real terrariumd and the files fixture plugin: a 256 MiB
// upload (spooled, taken by rename) and download (sendfile) with the host's memory growing far
// below the file's size; Range (206) and HEAD; descriptors closed when a client goes away in the
// middle of a download; spooled uploads over the limit (413) or abandoned halfway leave no spool
// file; stale spool files removed at start-up; a download over TLS (read and encrypt); a file
// answer to an in-process call.
#include "FileTransfer.h"
#include "HttpTestClient.h"
#include "RawHttpConnection.h"
#include "TempDir.h"
#include "TerrariumProcess.h"
#include "TestCertificate.h"

#include <catch2/catch.hpp>

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

using namespace terrarium::test;

namespace {

const std::size_t MiB = 1024 * 1024;

/// terrariumd with files.so serving storage, bodies above 64 KiB spooled up to spoolLimit.
TerrariumProcess::Options filesHost(const TempDir& storage, std::uint64_t spoolLimit = 1ull << 30, const std::string& extra = "")
{
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath("files.so"), "files.so"}};
    options.configJson = R"({"log": {"level": "warning"}, "plugins": {"files": {"config": {"dir": ")" + storage.path() +
                         R"("}, "spool": {"threshold_bytes": 65536, "max_bytes": )" + std::to_string(spoolLimit) + "}}}" + extra + "}";
    return options;
}

/// Waits until the host's descriptors are back to baseline (connections of earlier requests are
/// closed asynchronously).
bool descriptorsBackTo(const TerrariumProcess& host, std::size_t baseline)
{
    return waitUntil([&] { return host.openFileDescriptors() <= baseline; });
}

/// The host's descriptors open on a file whose path starts with prefix (an unnamed spool file
/// shows as "<spool dir>/#<inode> (deleted)").
std::size_t descriptorsOn(const TerrariumProcess& host, const std::string& prefix)
{
    std::size_t count = 0;
    std::string directory = "/proc/" + std::to_string(host.pid()) + "/fd";
    for (Poco::DirectoryIterator it(directory), end; it != end; ++it)
    {
        char target[4096];
        ssize_t n = ::readlink(it.path().toString().c_str(), target, sizeof target);
        if (n > 0 && std::string(target, static_cast<std::size_t>(n)).rfind(prefix, 0) == 0) ++count;
    }
    return count;
}

} // namespace

TEST_CASE("files: a 256 MiB upload and download, the host's memory growing far below the file's size", "[files][memory]")
{
    TempDir storage;
    TempDir source;
    const std::size_t size = 256 * MiB;
    std::string original = source.file("original.bin");
    writePattern(original, size);
    std::string expected = sha256OfFile(original);
    TerrariumProcess host(filesHost(storage));
    REQUIRE(host.get("/files/warm-up").status == 404);
    const std::size_t before = host.peakResidentKiB();

    HttpResult stored = upload(host.mainAddress(), "/files/big.bin", original);
    INFO(stored.body);
    REQUIRE(stored.status == 201);
    CHECK(stored.json()->getValue<std::uint64_t>("bytes") == size);
    CHECK(stored.json()->getValue<bool>("renamed"));   // the spooled file itself, renamed into place
    CHECK(sha256OfFile(storage.file("big.bin")) == expected);
    CHECK(entries(host.stateDir() + "/spool").empty());

    Download got = download(host.mainAddress(), "/files/big.bin");
    CHECK(got.status == 200);
    CHECK(got.headers["content-length"] == std::to_string(size));
    CHECK(got.bytes == size);
    CHECK(got.sha256 == expected);

    HttpResult chunked = upload(host.mainAddress(), "/files/chunked.bin", original, true);
    REQUIRE(chunked.status == 201);
    CHECK(chunked.json()->getValue<bool>("renamed"));
    CHECK(sha256OfFile(storage.file("chunked.bin")) == expected);

    const std::size_t after = host.peakResidentKiB();
    INFO("VmHWM before " << before << " KiB, after " << after << " KiB");
    CHECK(after - before < 64 * 1024);
}

TEST_CASE("files: Range answers 206 with the bytes asked, 416 outside the file, and HEAD has the headers only", "[files]")
{
    TempDir storage;
    std::string content(100000, '\0');
    for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>('a' + i % 26);
    {
        std::ofstream out(storage.file("letters.txt"), std::ios::binary);
        out << content;
    }
    TerrariumProcess host(filesHost(storage));

    HttpResult part = host.get("/files/letters.txt", {{"Range", "bytes=1000-1999"}});
    CHECK(part.status == 206);
    CHECK(part.header("Content-Range") == "bytes 1000-1999/100000");
    CHECK(part.header("Content-Length") == "1000");
    CHECK(part.header("Content-Type") == "application/octet-stream");
    CHECK_FALSE(part.header("ETag").empty());
    CHECK(part.body == content.substr(1000, 1000));

    HttpResult tail = host.get("/files/letters.txt", {{"Range", "bytes=-26"}});
    CHECK(tail.status == 206);
    CHECK(tail.body == content.substr(content.size() - 26));

    HttpResult outside = host.get("/files/letters.txt", {{"Range", "bytes=200000-"}});
    CHECK(outside.status == 416);
    CHECK(outside.header("Content-Range") == "bytes */100000");

    RawHttpConnection c(host.mainAddress());
    c.send("HEAD /files/letters.txt HTTP/1.1\r\nHost: test\r\n\r\nGET /files/letters.txt HTTP/1.1\r\nHost: test\r\nRange: bytes=0-4\r\n\r\n");
    HttpResult head = c.readHeadResponse();
    CHECK(head.status == 200);
    CHECK(head.header("Content-Length") == "100000");
    HttpResult next = c.readResponse();   // the HEAD answer carried no body: the next answer follows at once
    CHECK(next.status == 206);
    CHECK(next.body == "abcde");
}

TEST_CASE("files: a client that goes away in the middle of a download leaves no descriptor open", "[files][leak]")
{
    TempDir storage;
    writePattern(storage.file("big.bin"), 64 * MiB);
    TerrariumProcess host(filesHost(storage));
    REQUIRE(host.get("/files/none").status == 404);
    const std::size_t baseline = host.openFileDescriptors();
    REQUIRE(descriptorsBackTo(host, baseline));

    for (int round = 0; round < 3; ++round)
    {
        // The previous round's download is let go once the host notices its client left.
        REQUIRE(waitUntil([&] { return descriptorsOn(host, storage.file("big.bin")) == 0; }));
        Poco::Net::StreamSocket socket{Poco::Net::SocketAddress(host.mainAddress())};
        std::string request = "GET /files/big.bin HTTP/1.1\r\nHost: test\r\n\r\n";
        socket.sendBytes(request.data(), static_cast<int>(request.size()));
        char buffer[65536];
        int received = 0;
        while (received < 1024 * 1024)
        {
            int n = socket.receiveBytes(buffer, sizeof buffer);
            REQUIRE(n > 0);
            received += n;
        }
        // The file is open now; the client leaves without reading the rest.
        CHECK(descriptorsOn(host, storage.file("big.bin")) == 1);
        if (round == 1) socket.setLinger(true, 0);   // once with a reset instead of a close
        socket.close();
    }
    CHECK(waitUntil([&] { return descriptorsOn(host, storage.file("big.bin")) == 0; }));
    CHECK(descriptorsBackTo(host, baseline));
    CHECK(host.get("/files/none").status == 404);   // still serving
}

TEST_CASE("files: a spooled upload over the spool limit is 413 and leaves no spool file", "[files][spool]")
{
    TempDir storage;
    TerrariumProcess host(filesHost(storage, 4 * MiB));
    const std::string spool = host.stateDir() + "/spool";

    SECTION("announced by Content-Length: refused before the body")
    {
        RawHttpConnection c(host.mainAddress());
        c.send("PUT /files/big.bin HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(4 * MiB + 1) + "\r\n\r\nabc");
        HttpResult r = c.readResponse();
        CHECK(r.status == 413);
        CHECK(r.json()->getValue<std::string>("error") == "payload_too_large");
        CHECK(r.json()->getValue<std::string>("message") == "request body of 4194305 bytes exceeds the limit of 4194304 bytes");
    }
    SECTION("chunked: refused at the chunk that passes the limit, the part received removed")
    {
        RawHttpConnection c(host.mainAddress());
        c.send("PUT /files/big.bin HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n");
        const std::string chunk(MiB, 'x');
        for (int i = 0; i < 3; ++i) c.send("100000\r\n" + chunk + "\r\n");
        c.send("200000\r\n");
        HttpResult r = c.readResponse();
        CHECK(r.status == 413);
        CHECK(r.json()->getValue<std::string>("error") == "payload_too_large");
    }
    SECTION("exactly at the limit is stored")
    {
        TempDir source;
        writePattern(source.file("limit.bin"), 4 * MiB);
        HttpResult r = upload(host.mainAddress(), "/files/limit.bin", source.file("limit.bin"));
        CHECK(r.status == 201);
        CHECK(sha256OfFile(storage.file("limit.bin")) == sha256OfFile(source.file("limit.bin")));
    }
    CHECK(waitUntil([&] { return entries(spool).empty(); }));
    CHECK_FALSE(Poco::File(storage.file("big.bin")).exists());
}

TEST_CASE("files: a client that goes away in the middle of a spooled upload leaves no spool file", "[files][spool][leak]")
{
    TempDir storage;
    TerrariumProcess host(filesHost(storage));
    const std::string spool = host.stateDir() + "/spool";
    REQUIRE(host.get("/files/none").status == 404);
    const std::size_t baseline = host.openFileDescriptors();
    REQUIRE(descriptorsBackTo(host, baseline));

    for (bool chunked : {false, true})
    {
        INFO("chunked: " << chunked);
        {
            RawHttpConnection c(host.mainAddress());
            c.send(chunked ? "PUT /files/half.bin HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n" + std::to_string(8 * MiB) + "\r\n"
                           : "PUT /files/half.bin HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(16 * MiB) + "\r\n\r\n");
            c.send(std::string(2 * MiB, 'h'));
            // The host spools (the spool file is open), then the client leaves.
            CHECK(waitUntil([&] { return descriptorsOn(host, spool + "/") == 1; }));
        }
        CHECK(waitUntil([&] { return descriptorsOn(host, spool + "/") == 0; }));
        CHECK(descriptorsBackTo(host, baseline));
        CHECK(entries(spool).empty());
    }
    CHECK_FALSE(Poco::File(storage.file("half.bin")).exists());
}

TEST_CASE("files: spool files left by a host that died are removed at start-up (spool_dir)", "[files][spool]")
{
    TempDir storage;
    TempDir spool;
    std::ofstream(spool.file("body-999999999-1-deadbeef")) << "partial";   // a process that is gone
    std::ofstream(spool.file("keep.txt")) << "not a spool file";
    TerrariumProcess host(filesHost(storage, 1ull << 30, R"(, "spool_dir": ")" + spool.path() + "\""));
    CHECK(entries(spool.path()) == std::vector<std::string>{"keep.txt"});

    TempDir source;
    writePattern(source.file("up.bin"), MiB);
    HttpResult r = upload(host.mainAddress(), "/files/up.bin", source.file("up.bin"));   // spooled there
    CHECK(r.status == 201);
    CHECK(r.json()->getValue<bool>("renamed"));
    CHECK(entries(spool.path()) == std::vector<std::string>{"keep.txt"});
}

TEST_CASE("files: a download over TLS goes through the read-and-encrypt path, ranges too", "[files][tls]")
{
    Poco::Net::initializeSSL();
    {
        TempDir storage;
        writePattern(storage.file("tls.bin"), 8 * MiB + 12345);
        std::string expected = sha256OfFile(storage.file("tls.bin"));
        TestCertificate certificate;
        TerrariumProcess::Options options = filesHost(storage, 1ull << 30, R"(, "tls": {"cert_file": ")" + certificate.certFile() +
                                                                                R"(", "key_file": ")" + certificate.keyFile() + R"("})");
        options.waitReady = false;
        TerrariumProcess host(options);
        REQUIRE(waitUntil([&] { return !host.mainAddress().empty(); }, Poco::Timespan(30, 0)));

        auto session = [&] { return tlsSession(host.mainAddress(), certificate.certFile()); };
        REQUIRE(waitUntil([&] { return !host.mainAddress().empty() && download(*session(), "/ready").status == 200; }, Poco::Timespan(30, 0)));

        Download whole = download(*session(), "/files/tls.bin");
        CHECK(whole.status == 200);
        CHECK(whole.bytes == 8 * MiB + 12345);
        CHECK(whole.sha256 == expected);

        auto keepAlive = session();
        Download part = download(*keepAlive, "/files/tls.bin", {{"Range", "bytes=100000-199999"}});
        CHECK(part.status == 206);
        CHECK(part.bytes == 100000);
        Download again = download(*keepAlive, "/files/tls.bin");   // the same connection, after a partial answer
        CHECK(again.sha256 == expected);
    }
    Poco::Net::uninitializeSSL();
}

TEST_CASE("files: a file answer to an in-process call is read into the caller's response", "[files][in-process]")
{
    TempDir storage;
    std::string text(300000, '\0');
    for (std::size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
    std::ofstream(storage.file("small.bin"), std::ios::binary) << text;
    TerrariumProcess::Options options = filesHost(storage);
    options.plugins.push_back({fixturePath("services-probe.so"), "services-probe.so"});
    TerrariumProcess host(options);
    HttpResult r = host.get("/probe/call?service=files&method=GET&path=/small.bin");
    REQUIRE(r.status == 200);
    auto json = r.json();
    CHECK(json->getValue<int>("status") == 200);
    CHECK(json->getValue<bool>("in_process"));
    CHECK(json->getValue<std::string>("body") == text);
}

TEST_CASE("files: concurrent spooled uploads hold little memory each, also before their headers are parsed", "[files][memory]")
{
    TempDir storage;
    TempDir source;
    writePattern(source.file("up.bin"), 64 * MiB);
    TerrariumProcess host(filesHost(storage));
    REQUIRE(host.get("/files/warm-up").status == 404);
    const std::size_t before = host.peakResidentKiB();

    std::vector<std::thread> clients;
    std::vector<int> statuses(4, 0);
    for (std::size_t i = 0; i < statuses.size(); ++i)
        clients.emplace_back([&, i] { statuses[i] = upload(host.mainAddress(), "/files/up-" + std::to_string(i) + ".bin", source.file("up.bin")).status; });
    for (auto& client : clients) client.join();
    for (int status : statuses) CHECK(status == 201);

    const std::size_t after = host.peakResidentKiB();
    INFO("VmHWM before " << before << " KiB, after " << after << " KiB");
    CHECK(after - before < 24 * 1024);
}
