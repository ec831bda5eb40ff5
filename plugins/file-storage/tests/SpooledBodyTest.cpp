// Request bodies the host spooled into a file (ABI 1.3, FakeHost::spoolBodies): raw uploads take
// the spool file itself (renamed into place, or copied from another file system), the JSON API
// reads a spooled body up to its bound (413 beyond), and a full disk still leaves nothing behind.
#include "FileStorageFixture.h"
#include "FullDiskWriter.h"

#include <Poco/File.h>

#include <sys/stat.h>

using namespace filestorage::test;

namespace {

/// size bytes that differ from block to block, NUL and high bytes included.
std::string pattern(std::size_t size)
{
    std::string data(size, '\0');
    for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 131 + i / 4096) % 256);
    return data;
}

/// A storage fixture whose host spools bodies above threshold bytes into its own directory.
struct SpoolingFixture : StorageFixture
{
    explicit SpoolingFixture(std::uint64_t threshold = 1024, FlatConfig extra = {}) : StorageFixture(std::move(extra))
    {
        Poco::File(spoolPath()).createDirectories();
        host.spoolBodies(spoolPath(), threshold);
    }

    std::string spoolPath() const { return dir.file("spool"); }

    std::vector<std::string> spoolEntries() const { return dir.names("spool"); }

    unsigned modeOf(const std::string& name) const
    {
        struct stat info;
        REQUIRE(::stat((storagePath() + "/" + name).c_str(), &info) == 0);
        return info.st_mode & 07777;
    }
};

} // namespace

TEST_CASE("file-storage: a spooled raw upload is the spool file itself, renamed into place", "[file-storage][spool]")
{
    SpoolingFixture fixture;
    const std::string big = pattern(300 * 1024);
    FakeResponse created = fixture.host.call("PUT", "/api/storage/files/big.bin", big);
    REQUIRE(created.status == 201);
    const std::string spooled = fixture.host.lastBodyFile();
    CHECK_FALSE(spooled.empty());
    CHECK_FALSE(Poco::File(spooled).exists());   // taken by the plugin, not removed by the host
    CHECK(bodyOf(created)->getValue<std::size_t>("size") == big.size());
    CHECK(fixture.read("big.bin") == big);
    CHECK(fixture.entries() == std::vector<std::string>{"big.bin"});   // no temporary file left
    CHECK(fixture.spoolEntries().empty());

    SECTION("with the mode of a file written from memory, not the spool file's 0600")
    {
        REQUIRE(fixture.host.call("PUT", "/api/storage/files/small.bin", "in memory").status == 201);
        CHECK(fixture.modeOf("big.bin") == fixture.modeOf("small.bin"));
    }
    SECTION("replacing a file: 200, a new ETag, the download answers the new bytes")
    {
        const std::string other = pattern(200 * 1024).substr(7);
        FakeResponse replaced = fixture.host.call("PUT", "/api/storage/files/big.bin", other);
        CHECK(replaced.status == 200);
        CHECK(replaced.header("ETag") != created.header("ETag"));
        FakeResponse got = fixture.host.call("GET", "/api/storage/files/big.bin/raw");
        CHECK(got.status == 200);
        CHECK(got.body == other);
        CHECK(fixture.entries() == std::vector<std::string>{"big.bin"});
    }
}

TEST_CASE("file-storage: a spooled raw upload over max_raw_size is 413 and leaves neither a file nor the spool file", "[file-storage][spool]")
{
    SpoolingFixture fixture(16, FlatConfig{{"max_raw_size", "100"}});
    CHECK(fixture.host.call("PUT", "/api/storage/files/fits.bin", pattern(100)).status == 201);
    FakeResponse r = fixture.host.call("PUT", "/api/storage/files/over.bin", pattern(101));
    CHECK(r.status == 413);
    CHECK(r.body == R"({"detail":"File exceeds maximum raw size of 100 bytes"})");
    CHECK_FALSE(fixture.host.lastBodyFile().empty());
    CHECK(fixture.entries() == std::vector<std::string>{"fits.bin"});
    CHECK(fixture.spoolEntries().empty());
}

TEST_CASE("file-storage: a spool directory on another file system: the body is copied", "[file-storage][spool]")
{
    SpoolingFixture fixture;
    auto writer = FullDiskWriter::crossDevice();
    fixture.plugin().storage().useWriter(writer);
    const std::string big = pattern(200 * 1024 + 3);
    REQUIRE(fixture.host.call("PUT", "/api/storage/files/copied.bin", big).status == 201);
    CHECK(writer->renames == 1);
    CHECK(fixture.read("copied.bin") == big);
    CHECK(fixture.entries() == std::vector<std::string>{"copied.bin"});
    CHECK(fixture.spoolEntries().empty());   // the host removed the spool file the plugin left
}

TEST_CASE("file-storage: a full disk while a spooled body is copied answers 507 and leaves no partial file", "[file-storage][spool][enospc]")
{
    SpoolingFixture fixture;
    fixture.put("existing.bin", "the old content");
    fixture.plugin().storage().useWriter(std::make_shared<FullDiskWriter>(4096, 0, true));
    FakeResponse r = fixture.host.call("PUT", "/api/storage/files/existing.bin", pattern(64 * 1024));
    CHECK(r.status == 507);
    CHECK(r.body == R"({"detail":"Insufficient storage: No space left on device"})");
    CHECK(fixture.entries() == std::vector<std::string>{"existing.bin"});
    CHECK(fixture.read("existing.bin") == "the old content");
    CHECK(fixture.spoolEntries().empty());
    CHECK(fixture.host.counter("storage_full") == 1);
}

TEST_CASE("file-storage: PUT and POST /files read a spooled JSON body", "[file-storage][spool]")
{
    SpoolingFixture fixture(0);
    const std::string content(5000, 'c');
    FakeResponse created = fixture.create(content, R"("filename_prefix":"spooled","extension":".log")");
    REQUIRE(created.status == 200);
    CHECK_FALSE(fixture.host.lastBodyFile().empty());
    const std::string name = bodyOf(created)->getValue<std::string>("filename");
    CHECK(name.rfind("spooled_", 0) == 0);
    CHECK(fixture.read(name) == content);

    FakeResponse named = fixture.host.call("POST", "/api/storage/files", R"({"filename":"named.txt","content":"from a file"})");
    REQUIRE(named.status == 200);
    CHECK(fixture.read("named.txt") == "from a file");

    FakeResponse invalid = fixture.host.call("PUT", "/api/storage/files", R"({"content":5})");
    CHECK(invalid.status == 422);
    CHECK(fixture.spoolEntries().empty());
}

TEST_CASE("file-storage: a JSON body above its bound is 413 without being read, spooled or not", "[file-storage][spool]")
{
    // max_size 10: the bound is 6 * 10 + 65536 bytes.
    const std::string expected = R"({"detail":"Request body exceeds maximum size of 65596 bytes"})";
    const std::string over = R"({"content":")" + std::string(65596, 'x') + "\"}";
    for (bool spooled : {true, false})
    {
        INFO("spooled: " << spooled);
        SpoolingFixture fixture(spooled ? 0 : 1 << 20, FlatConfig{{"max_size", "10"}});
        FakeResponse put = fixture.host.call("PUT", "/api/storage/files", over);
        CHECK(put.status == 413);
        CHECK(put.body == expected);
        FakeResponse post = fixture.host.call("POST", "/api/storage/files", R"({"filename":"a.txt","content":")" + std::string(70000, 'y') + "\"}");
        CHECK(post.status == 413);
        CHECK(post.body == expected);
        // Within the bound, the contract's 400 for content over max_size stands.
        FakeResponse tooLong = fixture.create(std::string(11, 'z'));
        CHECK(tooLong.status == 400);
        CHECK(detailOf(tooLong) == "File content exceeds maximum size of 10 bytes");
        CHECK(fixture.entries().empty());
        CHECK(fixture.spoolEntries().empty());
    }
}
