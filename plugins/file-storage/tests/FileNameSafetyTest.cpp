// Names that try to leave the storage directory, or that no file should have: every one is a 400
// {"detail":"Invalid …"}, in the path (also percent-encoded) and in bodies, and nothing appears
// outside the storage directory.
#include "FileNameRules.h"
#include "FileStorageFixture.h"

#include <Poco/File.h>

#include <unistd.h>

using namespace filestorage::test;
using filestorage::FileNameRules;

namespace {

/// Path segments after /files/ that must be refused, and what the refusal says.
const std::vector<std::pair<std::string, std::string>> badSegments = {
    {"..%2fx", "it contains a path separator"},
    {"..%2Fx", "it contains a path separator"},
    {"%2e%2e%2fx", "it contains a path separator"},
    {"%2e%2e%2f%2e%2e%2fetc%2fpasswd", "it contains a path separator"},
    {"%2E%2E", "it contains '..'"},
    {"..", "it contains '..'"},
    {"a..b", "it contains '..'"},
    {"a%2fb", "it contains a path separator"},
    {"a%5cb", "it contains a path separator"},
    {"a\\b", "it contains a path separator"},
    {".hidden", "it starts with a dot"},
    {"%2ehidden", "it starts with a dot"},
    {".", "it starts with a dot"},
    {"a%00b", "it contains a NUL or another control character"},
    {"a%0ab", "it contains a NUL or another control character"},
    {"a%0d%0aSet-Cookie:%20x", "it contains a NUL or another control character"},
    {"%7f", "it contains a NUL or another control character"},
    {"%ff%fe.txt", "it is not valid UTF-8"},
    {"%c0%ae%c0%ae", "it is not valid UTF-8"},   // overlong "..": not UTF-8 at all
    {"a%zzb", "it has a malformed percent-escape"},
    {"a%2", "it has a malformed percent-escape"},
    {"%", "it has a malformed percent-escape"},
    {std::string(256, 'n'), "it is longer than 255 bytes"},
};

} // namespace

TEST_CASE("file-storage: bad names in the path are 400 for every method, nothing leaves the directory", "[file-storage][names]")
{
    StorageFixture fixture;
    fixture.put("victim.txt", "must survive");
    for (const auto& [segment, problem] : badSegments)
    {
        INFO(segment);
        const std::string expected = R"({"detail":"Invalid filename: )" + problem + R"("})";
        for (const char* method : {"GET", "DELETE", "PUT"})
        {
            FakeResponse r = fixture.host.call(method, "/api/storage/files/" + segment, "payload");
            CHECK(r.status == 400);
            CHECK(r.body == expected);
        }
        FakeResponse raw = fixture.host.call("GET", "/api/storage/files/" + segment + "/raw");
        CHECK(raw.status == 400);
        CHECK(raw.body == expected);
    }
    CHECK(fixture.entries() == std::vector<std::string>{"victim.txt"});
    CHECK(fixture.parentEntries() == std::vector<std::string>{"store"});
    CHECK(fixture.read("victim.txt") == "must survive");
}

TEST_CASE("file-storage: unencoded separators and dot segments in the path are refused too", "[file-storage][names]")
{
    // The real host resolves dot segments before routing; FakeHost passes them as given, so these
    // reach the plugin as a client could only send them past a host that did not.
    StorageFixture fixture;
    for (const char* path : {"/api/storage/files/../x", "/api/storage/files/a/b", "/api/storage/files/../../etc/passwd",
                             "/api/storage/files/a/b/raw", "/api/storage/files//raw"})
    {
        INFO(path);
        FakeResponse r = fixture.host.call("PUT", path, "payload");
        CHECK(r.status == 400);
        CHECK(detailOf(r).rfind("Invalid filename: ", 0) == 0);
    }
    CHECK(fixture.entries().empty());
    CHECK(fixture.parentEntries() == std::vector<std::string>{"store"});
}

TEST_CASE("file-storage: bad filename_prefix and filename in bodies are 400, also once percent-decoded", "[file-storage][names]")
{
    StorageFixture fixture;
    const std::vector<std::pair<std::string, std::string>> badNames = {
        {"../x", "it contains a path separator"},
        {"a/b", "it contains a path separator"},
        {"..", "it contains '..'"},
        {"x..", "it contains '..'"},
        {".hidden", "it starts with a dot"},
        {std::string("a\0b", 3), "it contains a NUL or another control character"},
        {"a\nb", "it contains a NUL or another control character"},
        {"a\tb", "it contains a NUL or another control character"},
        {"%2e%2e%2fx", "it contains a path separator once percent-decoded"},
        {"..%2fx", "it contains '..'"},
        {"%2ehidden", "it starts with a dot once percent-decoded"},
        {"a%00b", "it contains a NUL or another control character once percent-decoded"},
        {std::string(300, 'p'), "it is longer than 255 bytes"},
    };
    for (const auto& [name, problem] : badNames)
    {
        INFO(name);
        const std::string quoted = terrarium::json::write(name);
        FakeResponse put = fixture.create("x", R"("filename_prefix":)" + quoted);
        CHECK(put.status == 400);
        CHECK(detailOf(put) == "Invalid filename_prefix: " + problem);
        FakeResponse post = fixture.host.call("POST", "/api/storage/files", R"({"filename":)" + quoted + R"(,"content":"x"})");
        CHECK(post.status == 400);
        CHECK(detailOf(post) == "Invalid filename: " + problem);
    }
    SECTION("a prefix that would make a name longer than 255 bytes")
    {
        FakeResponse r = fixture.create("x", R"("filename_prefix":")" + std::string(230, 'p') + "\"");
        CHECK(r.status == 400);
        CHECK(detailOf(r) == "Invalid filename_prefix: the file name would be longer than 255 bytes");
    }
    CHECK(fixture.entries().empty());
    CHECK(fixture.parentEntries() == std::vector<std::string>{"store"});
}

TEST_CASE("file-storage: names with spaces, percent signs and non-ASCII letters work", "[file-storage][names]")
{
    StorageFixture fixture;
    REQUIRE(fixture.host.call("PUT", "/api/storage/files/caf%C3%A9%20menu.txt", "soup").status == 201);
    CHECK(fixture.read("caf\xc3\xa9 menu.txt") == "soup");
    FakeResponse read = fixture.host.call("GET", "/api/storage/files/caf%C3%A9%20menu.txt");
    REQUIRE(read.status == 200);
    CHECK(bodyOf(read)->getValue<std::string>("filename") == "caf\xc3\xa9 menu.txt");
    CHECK(fixture.host.call("GET", "/api/storage/files/caf\xc3\xa9 menu.txt").status == 200);   // as a host passes raw UTF-8

    FakeResponse posted = fixture.host.call("POST", "/api/storage/files", R"({"filename":"100% sure.txt","content":"x"})");
    REQUIRE(posted.status == 200);
    CHECK(fixture.read("100% sure.txt") == "x");
    CHECK(fixture.host.call("GET", "/api/storage/files/100%25%20sure.txt").status == 200);
    CHECK(fixture.host.call("DELETE", "/api/storage/files/100%25%20sure.txt").status == 200);
}

TEST_CASE("file-storage: symbolic links in the storage directory are never followed", "[file-storage][names]")
{
    StorageFixture fixture;
    const std::string outside = fixture.dir.write("outside.txt", "secret outside the storage");
    REQUIRE(::symlink(outside.c_str(), (fixture.storagePath() + "/link.txt").c_str()) == 0);
    REQUIRE(::symlink(fixture.dir.path().c_str(), (fixture.storagePath() + "/up").c_str()) == 0);

    CHECK(fixture.host.call("GET", "/api/storage/files/link.txt").status == 404);
    CHECK(fixture.host.call("GET", "/api/storage/files/link.txt/raw").status == 404);
    CHECK(bodyOf(fixture.host.call("GET", "/api/storage/files"))->getValue<int>("count") == 0);
    CHECK(fixture.host.call("DELETE", "/api/storage/files/link.txt").status == 404);
    CHECK(bodyOf(fixture.host.call("DELETE", "/api/storage/files"))->getValue<std::string>("message") == "Cleared 0 files from storage");

    // Uploading under the link's name replaces the link, not the file it points to.
    REQUIRE(fixture.host.call("PUT", "/api/storage/files/link.txt", "new").status == 200);
    CHECK(fixture.read("link.txt") == "new");
    std::ifstream in(outside);
    CHECK(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()) == "secret outside the storage");
    CHECK_FALSE(Poco::File(fixture.storagePath() + "/link.txt").isLink());
}

TEST_CASE("file-storage: FileNameRules decodes once and checks the decoded name", "[file-storage][names]")
{
    std::string name;
    CHECK(FileNameRules::problemInPath("%252e%252e%252fx", name).empty());   // decoded once: a literal "%2e%2e%2fx"
    CHECK(name == "%2e%2e%2fx");
    CHECK(FileNameRules::problemInPath("a+b.txt", name).empty());
    CHECK(name == "a+b.txt");
    CHECK(FileNameRules::percentDecode("100%", false) == std::string("100%"));
    CHECK(FileNameRules::percentDecode("100%", true) == std::nullopt);
    CHECK(FileNameRules::percentDecode("%41%zz%4", false) == std::string("A%zz%4"));
    CHECK(FileNameRules::problem(std::string(255, 'n')).empty());
    CHECK(FileNameRules::problem("report.v2.final.txt").empty());
    CHECK(FileNameRules::problemInBody("%252e%252e").empty());   // decodes to "%2e%2e": a harmless literal
}
