// The ABI 1.3 wrapper for bodies in files (Response::sendFile, Request::bodyFile, spoolBodies)
// through FakeHost, with the files fixture plugin compiled in (built with
// TERRARIUM_PLUGIN_MIN_ABI_MINOR 2, so that it also runs on an emulated 1.2 host, where sendFile
// falls back to a body in memory and no body is spooled).
#include <terrarium/testing/fake_host.hpp>

#include "ScratchDir.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/FileStream.h>
#include <Poco/StreamCopier.h>

#include <catch2/catch.hpp>

#include <string>

#include <fcntl.h>
#include <unistd.h>

using terrarium::testing::FakeHost;
using terrarium::test::ScratchDir;

namespace {

std::string pattern(std::size_t size)
{
    std::string text(size, '\0');
    for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>(i * 31 % 251);
    return text;
}

void writeFile(const std::string& path, const std::string& content)
{
    Poco::FileOutputStream out(path, std::ios::binary | std::ios::trunc);
    out << content;
}

std::string readWhole(const std::string& path)
{
    Poco::FileInputStream in(path, std::ios::binary);
    std::string text;
    Poco::StreamCopier::copyToString(in, text);
    return text;
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

std::string config(const ScratchDir& dir) { return "{\"dir\":\"" + dir.path() + "\"}"; }

} // namespace

TEST_CASE("sendFile: the whole file or one range, by descriptor, closed afterwards", "[sdk][files]")
{
    ScratchDir dir;
    std::string content = pattern(100000);
    writeFile(dir.file("data.bin"), content);
    FakeHost host(&terrarium_plugin_entry, config(dir));
    host.start();

    auto r = host.call("GET", "/files/data.bin");
    CHECK(r.status == 200);
    CHECK(r.body == content);
    REQUIRE(r.file);
    CHECK(r.file->offset == 0);
    CHECK(r.file->length == content.size());
    CHECK(::fcntl(r.file->descriptor, F_GETFD) == -1);
    CHECK(r.header("Content-Type") == "application/octet-stream");
    CHECK(r.header("ETag").value_or("").rfind("\"100000-", 0) == 0);

    r = host.call("GET", "/files/data.bin", {}, {{"Range", "bytes=1000-1999"}});
    CHECK(r.status == 206);
    CHECK(r.header("Content-Range") == "bytes 1000-1999/100000");
    CHECK(r.body == content.substr(1000, 1000));
    REQUIRE(r.file);
    CHECK(r.file->offset == 1000);
    CHECK(r.file->length == 1000);

    r = host.call("GET", "/files/data.bin", {}, {{"Range", "bytes=-10"}});
    CHECK(r.status == 206);
    CHECK(r.body == content.substr(99990));

    r = host.call("GET", "/files/data.bin", {}, {{"Range", "bytes=100000-"}});
    CHECK(r.status == 416);
    CHECK(r.header("Content-Range") == "bytes */100000");

    r = host.call("GET", "/files/none.bin");
    CHECK(r.status == 404);
    CHECK(host.closedFiles() == 3);
}

TEST_CASE("spoolBodies: a spooled body is taken by rename, and one not taken is removed after handle()", "[sdk][files]")
{
    ScratchDir dir;
    ScratchDir spool;
    FakeHost host(&terrarium_plugin_entry, config(dir));
    host.start();
    REQUIRE((host.descriptor()->flags & TRM_PLUGIN_SPOOL_BODIES) != 0);
    host.spoolBodies(spool.path(), 100);

    std::string content = pattern(5000);
    auto r = host.call("PUT", "/files/up.bin", content);
    CHECK(r.status == 201);
    CHECK(r.body == "{\"name\":\"up.bin\",\"bytes\":5000,\"renamed\":true}");
    CHECK(readWhole(dir.file("up.bin")) == content);
    std::string spooled = host.lastBodyFile();
    CHECK(spooled.rfind(spool.path() + "/", 0) == 0);
    CHECK_FALSE(exists(spooled));

    r = host.call("PUT", "/files/small.bin", "tiny");   // at or below the threshold: in memory
    CHECK(r.body == "{\"name\":\"small.bin\",\"bytes\":4,\"renamed\":false}");
    CHECK(host.lastBodyFile() == spooled);

    r = host.call("GET", "/files/up.bin", pattern(500));   // spooled, not taken: removed
    CHECK(r.status == 200);
    CHECK(host.lastBodyFile() != spooled);
    CHECK_FALSE(exists(host.lastBodyFile()));
    CHECK(Poco::DirectoryIterator(spool.path()) == Poco::DirectoryIterator());
}

TEST_CASE("on a 1.2 host sendFile sends the range from memory and nothing is spooled", "[sdk][files]")
{
    ScratchDir dir;
    ScratchDir spool;
    std::string content = pattern(70000);
    writeFile(dir.file("data.bin"), content);
    FakeHost host(&terrarium_plugin_entry, config(dir));
    host.emulateAbi12();
    host.start();
    host.spoolBodies(spool.path(), 0);

    auto r = host.call("GET", "/files/data.bin", {}, {{"Range", "bytes=10-20009"}});
    CHECK(r.status == 206);
    CHECK(r.body == content.substr(10, 20000));
    CHECK_FALSE(r.file);

    r = host.call("PUT", "/files/copy.bin", content);
    CHECK(r.body == "{\"name\":\"copy.bin\",\"bytes\":70000,\"renamed\":false}");
    CHECK(host.lastBodyFile().empty());
}
