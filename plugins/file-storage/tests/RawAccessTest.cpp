// Raw access beyond the contract: PUT /files/{name} stores any body, GET /files/{name}/raw answers
// the bytes with ETag/If-None-Match, single byte ranges and a content type from the extension.
#include "FileStorageFixture.h"

using namespace filestorage::test;

namespace {

const std::string binary = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(1, '\0') + "\xff\xfe bytes 0123456789";

} // namespace

TEST_CASE("file-storage: PUT /files/{name} stores the body as it is, 201 then 200", "[file-storage][raw]")
{
    StorageFixture fixture;
    FakeResponse created = fixture.host.call("PUT", "/api/file-storage/files/photo.png", binary, {{"Content-Type", "image/png"}});
    REQUIRE(created.status == 201);
    auto body = bodyOf(created);
    CHECK(body->getValue<std::string>("filename") == "photo.png");
    CHECK(body->getValue<std::size_t>("size") == binary.size());
    CHECK(body->getValue<std::string>("message") == "File 'photo.png' stored successfully");
    REQUIRE(created.header("ETag"));
    CHECK(fixture.read("photo.png") == binary);

    FakeResponse replaced = fixture.host.call("PUT", "/api/file-storage/files/photo.png", "short");
    CHECK(replaced.status == 200);
    CHECK(fixture.read("photo.png") == "short");
    CHECK(replaced.header("ETag") != created.header("ETag"));
    CHECK(fixture.entries() == std::vector<std::string>{"photo.png"});

    SECTION("any extension, any size up to max_raw_size, also empty")
    {
        CHECK(fixture.host.call("PUT", "/api/storage/files/archive.tar.gz", binary).status == 201);
        CHECK(fixture.host.call("PUT", "/api/storage/files/no-extension", "").status == 201);
        CHECK(fixture.read("no-extension").empty());
    }
}

TEST_CASE("file-storage: a raw upload over max_raw_size is 413 and stores nothing", "[file-storage][raw]")
{
    StorageFixture fixture(FlatConfig{{"max_raw_size", "8"}});
    CHECK(fixture.host.call("PUT", "/api/storage/files/eight.bin", "12345678").status == 201);
    FakeResponse r = fixture.host.call("PUT", "/api/storage/files/nine.bin", "123456789");
    CHECK(r.status == 413);
    CHECK(r.body == R"({"detail":"File exceeds maximum raw size of 8 bytes"})");
    CHECK(fixture.entries() == std::vector<std::string>{"eight.bin"});
}

TEST_CASE("file-storage: GET /files/{name}/raw answers the bytes with their headers", "[file-storage][raw]")
{
    StorageFixture fixture;
    FakeResponse uploaded = fixture.host.call("PUT", "/api/storage/files/photo.png", binary);
    REQUIRE(uploaded.status == 201);
    FakeResponse r = fixture.host.call("GET", "/api/storage/files/photo.png/raw");
    REQUIRE(r.status == 200);
    CHECK(r.body == binary);
    CHECK(r.header("Content-Type") == std::string("image/png"));
    CHECK(r.header("Content-Length") == std::to_string(binary.size()));
    CHECK(r.header("ETag") == uploaded.header("ETag"));
    CHECK(r.header("Accept-Ranges") == std::string("bytes"));
    CHECK(r.header("Last-Modified").value_or("").find(" GMT") != std::string::npos);
    CHECK(r.header("X-Content-Type-Options") == std::string("nosniff"));
    CHECK(r.header("Content-Security-Policy") == std::string("sandbox"));
    CHECK_FALSE(r.header("Content-Range"));

    SECTION("HEAD: the same headers")
    {
        FakeResponse head = fixture.host.call("HEAD", "/api/storage/files/photo.png/raw", "", {{"Range", "bytes=0-1"}});
        CHECK(head.status == 200);   // Range is defined for GET only
        CHECK(head.header("Content-Length") == std::to_string(binary.size()));
    }
    SECTION("content types by extension")
    {
        fixture.put("notes.TXT", "x");
        fixture.put("data.json", "{}");
        fixture.put("blob.unknown", "x");
        fixture.put("page.html", "<script>alert(1)</script>");
        CHECK(fixture.host.call("GET", "/api/storage/files/notes.TXT/raw").header("Content-Type") == std::string("text/plain; charset=utf-8"));
        CHECK(fixture.host.call("GET", "/api/storage/files/data.json/raw").header("Content-Type") == std::string("application/json"));
        CHECK(fixture.host.call("GET", "/api/storage/files/blob.unknown/raw").header("Content-Type") == std::string("application/octet-stream"));
        FakeResponse page = fixture.host.call("GET", "/api/storage/files/page.html/raw");
        CHECK(page.header("Content-Type") == std::string("text/html; charset=utf-8"));
        CHECK(page.header("Content-Security-Policy") == std::string("sandbox"));   // never runs in the API's origin
    }
    SECTION("a missing file")
    {
        FakeResponse missing = fixture.host.call("GET", "/api/storage/files/none.png/raw");
        CHECK(missing.status == 404);
        CHECK(missing.body == R"({"detail":"File 'none.png' not found"})");
    }
}

TEST_CASE("file-storage: ranges: 206 for one range, 416 past the end, the whole file otherwise", "[file-storage][raw][range]")
{
    StorageFixture fixture;
    const std::string content = "0123456789abcdefghij";   // 20 bytes
    fixture.put("digits.txt", content);
    auto get = [&](const std::string& range) {
        return fixture.host.call("GET", "/api/storage/files/digits.txt/raw", "", {{"Range", range}});
    };
    struct Case
    {
        const char* range;
        int status;
        const char* contentRange;   // nullptr: none
        std::string body;
    };
    const std::vector<Case> cases = {
        {"bytes=0-3", 206, "bytes 0-3/20", "0123"},
        {"bytes=10-", 206, "bytes 10-19/20", "abcdefghij"},
        {"bytes=-4", 206, "bytes 16-19/20", "ghij"},
        {"bytes=-100", 206, "bytes 0-19/20", content},
        {"bytes=15-1000", 206, "bytes 15-19/20", "fghij"},
        {"bytes=19-19", 206, "bytes 19-19/20", "j"},
        {"Bytes=1-2", 206, "bytes 1-2/20", "12"},
        {"bytes=20-", 416, "bytes */20", ""},
        {"bytes=25-30", 416, "bytes */20", ""},
        {"bytes=-0", 416, "bytes */20", ""},
        {"bytes=99999999999999999999999-", 416, "bytes */20", ""},
        {"bytes=0-1,5-6", 200, nullptr, content},   // several ranges: served whole
        {"bytes=5-2", 200, nullptr, content},       // backwards: ignored
        {"items=0-3", 200, nullptr, content},
        {"bytes=x-3", 200, nullptr, content},
        {"bytes=", 200, nullptr, content},
        {"bytes=3", 200, nullptr, content},
    };
    for (const Case& c : cases)
    {
        INFO(c.range);
        FakeResponse r = get(c.range);
        CHECK(r.status == c.status);
        if (c.contentRange) CHECK(r.header("Content-Range") == std::string(c.contentRange));
        else CHECK_FALSE(r.header("Content-Range"));
        if (c.status == 416)
        {
            CHECK(detailOf(r) == "Range not satisfiable: the file has 20 bytes");
            continue;
        }
        CHECK(r.body == c.body);
        CHECK(r.header("Content-Length") == std::to_string(c.body.size()));
    }

    SECTION("an empty file has no satisfiable range")
    {
        fixture.put("empty.txt", "");
        FakeResponse r = fixture.host.call("GET", "/api/storage/files/empty.txt/raw", "", {{"Range", "bytes=0-"}});
        CHECK(r.status == 416);
        CHECK(r.header("Content-Range") == std::string("bytes */0"));
        CHECK(fixture.host.call("GET", "/api/storage/files/empty.txt/raw").status == 200);
    }
    SECTION("If-Range: the range only while the file is the one the client has")
    {
        std::string tag = *fixture.host.call("GET", "/api/storage/files/digits.txt/raw").header("ETag");
        FakeResponse same = fixture.host.call("GET", "/api/storage/files/digits.txt/raw", "", {{"Range", "bytes=0-1"}, {"If-Range", tag}});
        CHECK(same.status == 206);
        FakeResponse other = fixture.host.call("GET", "/api/storage/files/digits.txt/raw", "", {{"Range", "bytes=0-1"}, {"If-Range", "\"old\""}});
        CHECK(other.status == 200);
        CHECK(other.body == content);
    }
}

TEST_CASE("file-storage: If-None-Match with the current ETag is 304, a replaced file has a new one", "[file-storage][raw][etag]")
{
    StorageFixture fixture;
    REQUIRE(fixture.host.call("PUT", "/api/storage/files/doc.txt", "version one").status == 201);
    FakeResponse first = fixture.host.call("GET", "/api/storage/files/doc.txt/raw");
    std::string tag = *first.header("ETag");
    CHECK(tag.front() == '"');
    CHECK(tag.back() == '"');
    auto conditional = [&](const std::string& ifNoneMatch) {
        return fixture.host.call("GET", "/api/storage/files/doc.txt/raw", "", {{"If-None-Match", ifNoneMatch}});
    };
    FakeResponse notModified = conditional(tag);
    CHECK(notModified.status == 304);
    CHECK(notModified.body.empty());
    CHECK(notModified.header("ETag") == tag);
    CHECK(conditional("W/" + tag).status == 304);
    CHECK(conditional("\"other\", " + tag).status == 304);
    CHECK(conditional("*").status == 304);
    CHECK(conditional("\"other\"").status == 200);
    CHECK(fixture.host.call("HEAD", "/api/storage/files/doc.txt/raw", "", {{"If-None-Match", tag}}).status == 304);

    REQUIRE(fixture.host.call("PUT", "/api/storage/files/doc.txt", "version two").status == 200);
    FakeResponse changed = conditional(tag);
    CHECK(changed.status == 200);
    CHECK(changed.body == "version two");
    CHECK(changed.header("ETag") != tag);
}
