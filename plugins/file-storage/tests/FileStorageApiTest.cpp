// The file-storage contract (services.md §4), row by row, through FakeHost: answers, error texts,
// rotation, the request log and the settings.
#include "FileStorageFixture.h"

#include <Poco/File.h>
#include <Poco/Timestamp.h>

#include <cstdlib>
#include <regex>
#include <set>
#include <string>

using namespace filestorage::test;
namespace json = terrarium::json;

namespace {

const std::regex isoTime(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)");

bool isIso(const std::string& text) { return std::regex_match(text, isoTime); }

/// Sets the modification time of a stored file to secondsAgo seconds before now.
void age(const StorageFixture& fixture, const std::string& name, int secondsAgo)
{
    Poco::Timestamp when;
    when -= Poco::Timestamp::TimeDiff(secondsAgo) * Poco::Timestamp::resolution();
    Poco::File(fixture.storagePath() + "/" + name).setLastModified(when);
}

std::string readStored(const StorageFixture& fixture, const std::string& name)
{
    return fixture.read(name);
}

/// Restores (or removes) an environment variable when the scope ends.
class EnvironmentVariable
{
public:
    EnvironmentVariable(const char* name, const char* value) : _name(name)
    {
        if (const char* old = std::getenv(name)) _old = old;
        ::setenv(name, value, 1);
    }
    ~EnvironmentVariable()
    {
        if (_old.empty()) ::unsetenv(_name);
        else ::setenv(_name, _old.c_str(), 1);
    }

private:
    const char* _name;
    std::string _old;
};

} // namespace

TEST_CASE("file-storage: the descriptor names the plugin and its two stripped routes", "[file-storage]")
{
    StorageFixture fixture;
    const trm_plugin_descriptor* descriptor = fixture.host.descriptor();
    CHECK(std::string(descriptor->name) == "file-storage");
    REQUIRE(descriptor->route_count == 2);
    CHECK(std::string(descriptor->routes[0].prefix) == "/api/file-storage");
    CHECK(std::string(descriptor->routes[1].prefix) == "/api/storage");
    CHECK((descriptor->routes[0].flags & TRM_ROUTE_STRIP_PREFIX) != 0);
    CHECK((descriptor->routes[1].flags & TRM_ROUTE_STRIP_PREFIX) != 0);
    CHECK(fixture.host.healthy());
}

TEST_CASE("file-storage: GET / describes the service", "[file-storage]")
{
    StorageFixture fixture;
    for (const char* path : {"/api/file-storage/", "/api/storage", "/api/storage/"})
    {
        FakeResponse r = fixture.host.call("GET", path);
        REQUIRE(r.status == 200);
        CHECK(r.header("Content-Type") == std::string("application/json"));
        auto body = bodyOf(r);
        CHECK(body->getValue<std::string>("service") == "File Storage API");
        CHECK(body->getValue<std::string>("version") == "1.0.0");
        CHECK(body->getValue<std::string>("status") == "running");
        CHECK(isIso(body->getValue<std::string>("timestamp")));
    }
}

TEST_CASE("file-storage: GET /health reports the storage", "[file-storage]")
{
    StorageFixture fixture;
    fixture.create("one");
    FakeResponse r = fixture.host.call("GET", "/api/storage/health");
    REQUIRE(r.status == 200);
    auto body = bodyOf(r);
    CHECK(r.body.rfind("{\"status\":\"healthy\",\"service\":\"file-storage\",\"timestamp\":", 0) == 0);
    CHECK(isIso(body->getValue<std::string>("timestamp")));
    CHECK(body->getValue<std::string>("storage_path") == fixture.storagePath());
    CHECK(body->getValue<int>("total_files") == 1);
    CHECK(body->getValue<int>("max_files") == 15);
}

TEST_CASE("file-storage: PUT /files stores the content under a generated name", "[file-storage][create]")
{
    StorageFixture fixture;
    SECTION("with a prefix and an extension")
    {
        FakeResponse r = fixture.create("Custom Client generated file at 2025-01-12_10-30-00\nline two\n",
                                        R"("filename_prefix":"2025-01-12_10-30-00","extension":".log")");
        REQUIRE(r.status == 200);
        auto body = bodyOf(r);
        std::string name = body->getValue<std::string>("filename");
        CHECK(std::regex_match(name, std::regex(R"(2025-01-12_10-30-00_\d{8}_\d{6}_\d{3}\.log)")));
        CHECK(body->getValue<int>("size") == 61);
        CHECK(isIso(body->getValue<std::string>("created_at")));
        CHECK(body->getValue<std::string>("message") == "File '" + name + "' created successfully");
        CHECK(readStored(fixture, name) == "Custom Client generated file at 2025-01-12_10-30-00\nline two\n");
        CHECK(fixture.host.counter("files_created") == 1);
    }
    SECTION("without a prefix: file_<stamp>.txt")
    {
        FakeResponse r = fixture.create("hello");
        REQUIRE(r.status == 200);
        std::string name = bodyOf(r)->getValue<std::string>("filename");
        CHECK(std::regex_match(name, std::regex(R"(file_\d{8}_\d{6}_\d{3}\.txt)")));
        CHECK(readStored(fixture, name) == "hello");
    }
    SECTION("an empty or null prefix is no prefix, a null extension is .txt")
    {
        FakeResponse r = fixture.create("x", R"("filename_prefix":"","extension":null)");
        REQUIRE(r.status == 200);
        CHECK(std::regex_match(bodyOf(r)->getValue<std::string>("filename"), std::regex(R"(file_\d{8}_\d{6}_\d{3}\.txt)")));
        r = fixture.create("x", R"("filename_prefix":null,"extension":".json")");
        REQUIRE(r.status == 200);
        CHECK(std::regex_match(bodyOf(r)->getValue<std::string>("filename"), std::regex(R"(file_\d{8}_\d{6}_\d{3}\.json)")));
    }
    SECTION("an empty content is an empty file")
    {
        FakeResponse r = fixture.create("");
        REQUIRE(r.status == 200);
        CHECK(bodyOf(r)->getValue<int>("size") == 0);
    }
    SECTION("the same prefix many times within one millisecond: every name differs")
    {
        std::set<std::string> names;
        for (int i = 0; i < 20; ++i)
            names.insert(bodyOf(fixture.create(std::to_string(i), R"("filename_prefix":"same")"))->getValue<std::string>("filename"));
        CHECK(names.size() == 20);
        CHECK(fixture.entries().size() == 15);   // rotated down to max_files
    }
}

TEST_CASE("file-storage: PUT /files refuses what breaks the limits, with the contract's texts", "[file-storage][create][errors]")
{
    StorageFixture fixture(FlatConfig{{"max_size", "10"}});
    SECTION("content over max_size (bytes, not characters)")
    {
        CHECK(fixture.create("0123456789").status == 200);
        FakeResponse r = fixture.create("0123456789a");
        CHECK(r.status == 400);
        CHECK(r.body == R"({"detail":"File content exceeds maximum size of 10 bytes"})");
        CHECK(detailOf(fixture.create("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9")) == "File content exceeds maximum size of 10 bytes");
    }
    SECTION("an extension not allowed")
    {
        for (const char* extension : {".exe", "txt", ".TXT", "", ".txt/../x"})
        {
            FakeResponse r = fixture.create("x", std::string("\"extension\":") + json::write(std::string(extension)));
            CHECK(r.status == 400);
            CHECK(detailOf(r) == std::string("File extension '") + extension + "' is not allowed. Allowed: ['.txt', '.json', '.log']");
        }
    }
    CHECK(fixture.entries().size() <= 1);
}

TEST_CASE("file-storage: a body that is not the model is 422 with FastAPI's detail list", "[file-storage][create][errors]")
{
    StorageFixture fixture;
    auto problemOf = [](const FakeResponse& r, std::size_t index = 0) {
        INFO(r.body);
        REQUIRE(r.status == 422);
        json::ArrayPtr detail = bodyOf(r)->getArray("detail");
        REQUIRE(detail);
        REQUIRE(detail->size() > index);
        return detail->getObject(static_cast<unsigned>(index));
    };
    auto location = [](const json::ObjectPtr& problem) { return json::write(problem->getArray("loc")); };

    auto put = [&](const std::string& body) { return fixture.host.call("PUT", "/api/storage/files", body); };
    auto missing = problemOf(put(R"({"filename_prefix":"x"})"));
    CHECK(location(missing) == R"(["body","content"])");
    CHECK(missing->getValue<std::string>("msg") == "field required");
    CHECK(missing->getValue<std::string>("type") == "value_error.missing");
    auto wrongType = problemOf(put(R"({"content":42})"));
    CHECK(location(wrongType) == R"(["body","content"])");
    CHECK(wrongType->getValue<std::string>("msg") == "str type expected");
    CHECK(wrongType->getValue<std::string>("type") == "type_error.str");
    CHECK(problemOf(put(R"({"content":null})"))->getValue<std::string>("type") == "type_error.none.not_allowed");
    CHECK(problemOf(put(R"({"content":["a"]})"))->getValue<std::string>("type") == "type_error.str");
    CHECK(problemOf(put(R"({"content":{"a":1}})"))->getValue<std::string>("type") == "type_error.str");
    CHECK(problemOf(put(R"({"content":true})"))->getValue<std::string>("type") == "type_error.str");

    auto both = put(R"({"content":"x","filename_prefix":7,"extension":false})");
    CHECK(location(problemOf(both, 0)) == R"(["body","filename_prefix"])");
    CHECK(location(problemOf(both, 1)) == R"(["body","extension"])");

    for (const char* notJson : {"", "   ", "not json", "{\"content\":", "{'content':'x'}"})
    {
        auto problem = problemOf(put(notJson));
        CHECK(location(problem) == R"(["body"])");
        CHECK(problem->getValue<std::string>("type") == "value_error.jsondecode");
    }
    CHECK(problemOf(put(R"([{"content":"x"}])"))->getValue<std::string>("type") == "type_error.dict");
    for (const char* scalar : {"\"content\"", "42", "null"})   // Poco's parser takes only objects and arrays at the top
        CHECK(location(problemOf(put(scalar))) == R"(["body"])");
    CHECK(fixture.entries().empty());
}

TEST_CASE("file-storage: contents with quotes, newlines, control characters and NUL round-trip as valid JSON", "[file-storage][json]")
{
    StorageFixture fixture;
    const std::string content = std::string("quote \" backslash \\ slash / newline \n tab \t cr \r bell \a esc \x1b nul ") +
                                std::string(1, '\0') + " del \x7f unicode \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 </script>";
    FakeResponse created = fixture.create(content);
    REQUIRE(created.status == 200);
    std::string name = bodyOf(created)->getValue<std::string>("filename");
    CHECK(readStored(fixture, name) == content);

    FakeResponse read = fixture.host.call("GET", "/api/storage/files/" + name);
    REQUIRE(read.status == 200);
    CHECK(read.body.find('\n') == std::string::npos);
    CHECK(read.body.find(std::string(1, '\0')) == std::string::npos);
    CHECK(bodyOf(read)->getValue<std::string>("content") == content);

    FakeResponse listed = fixture.host.call("GET", "/api/storage/files");
    auto preview = bodyOf(listed)->getArray("files")->getObject(0)->getValue<std::string>("content_preview");
    CHECK(preview == content);

    SECTION("bytes that are not UTF-8 (a raw upload) come out as U+FFFD, still valid JSON")
    {
        REQUIRE(fixture.host.call("PUT", "/api/storage/files/bytes.bin", std::string("a\xff\xfe" "b\xc3", 5)).status == 201);
        FakeResponse r = fixture.host.call("GET", "/api/storage/files/bytes.bin");
        REQUIRE(r.status == 200);
        CHECK(bodyOf(r)->getValue<std::string>("content") == "a\xef\xbf\xbd\xef\xbf\xbd" "b\xef\xbf\xbd");
        CHECK(bodyOf(r)->getValue<int>("size") == 5);
    }
}

TEST_CASE("file-storage: GET /files lists FileInfo newest first with a 200-character preview", "[file-storage][list]")
{
    StorageFixture fixture;
    fixture.put("old.txt", std::string(200, 'a'));
    fixture.put("middle.json", std::string(201, 'b'));
    std::string accents;
    for (int i = 0; i < 250; ++i) accents += "\xc3\xa9";
    fixture.put("new.log", accents);
    fixture.put(".hidden", "not listed");
    Poco::File(fixture.storagePath() + "/subdir").createDirectory();
    age(fixture, "old.txt", 30);
    age(fixture, "middle.json", 20);
    age(fixture, "new.log", 10);

    FakeResponse r = fixture.host.call("GET", "/api/file-storage/files");
    REQUIRE(r.status == 200);
    auto body = bodyOf(r);
    CHECK(body->getValue<int>("count") == 3);
    CHECK(body->getValue<std::string>("storage_path") == fixture.storagePath());
    CHECK(body->getValue<int>("max_files") == 15);
    json::ArrayPtr files = body->getArray("files");
    REQUIRE(files->size() == 3);
    auto newest = files->getObject(0);
    CHECK(json::write(newest).rfind(R"({"filename":"new.log","size":500,"created_at":")", 0) == 0);
    CHECK(newest->getValue<std::string>("extension") == ".log");
    std::string expected;
    for (int i = 0; i < 200; ++i) expected += "\xc3\xa9";   // 200 characters, not 200 bytes
    CHECK(newest->getValue<std::string>("content_preview") == expected + "...");
    CHECK(isIso(newest->getValue<std::string>("created_at")));
    CHECK(isIso(newest->getValue<std::string>("modified_at")));
    auto middle = files->getObject(1);
    CHECK(middle->getValue<std::string>("filename") == "middle.json");
    CHECK(middle->getValue<std::string>("content_preview") == std::string(200, 'b') + "...");
    auto oldest = files->getObject(2);
    CHECK(oldest->getValue<std::string>("filename") == "old.txt");
    CHECK(oldest->getValue<std::string>("content_preview") == std::string(200, 'a'));   // exactly 200: not cut
    CHECK(oldest->getValue<std::string>("extension") == ".txt");
}

TEST_CASE("file-storage: GET /files/{filename} answers the content, 404 with the contract's text", "[file-storage][read]")
{
    StorageFixture fixture;
    fixture.put("notes.txt", "line one\nline two");
    FakeResponse r = fixture.host.call("GET", "/api/storage/files/notes.txt");
    REQUIRE(r.status == 200);
    auto body = bodyOf(r);
    CHECK(r.body.rfind(R"({"filename":"notes.txt","content":"line one\nline two","size":17,"created_at":")", 0) == 0);
    CHECK(isIso(body->getValue<std::string>("created_at")));
    CHECK(isIso(body->getValue<std::string>("modified_at")));

    FakeResponse missing = fixture.host.call("GET", "/api/storage/files/nope.txt");
    CHECK(missing.status == 404);
    CHECK(missing.body == R"({"detail":"File 'nope.txt' not found"})");
    CHECK(fixture.host.call("GET", "/api/storage/files/subdir").status == 404);
}

TEST_CASE("file-storage: GET /files/{filename} of a file over max_size points to /raw", "[file-storage][read]")
{
    StorageFixture fixture(FlatConfig{{"max_size", "4"}});
    fixture.put("big.bin", "12345");
    FakeResponse r = fixture.host.call("GET", "/api/storage/files/big.bin");
    CHECK(r.status == 409);
    CHECK(detailOf(r) == "File 'big.bin' is larger than 4 bytes: read it from /files/big.bin/raw");
}

TEST_CASE("file-storage: DELETE /files/{filename} and DELETE /files", "[file-storage][delete]")
{
    StorageFixture fixture;
    fixture.put("a.txt", "a");
    fixture.put("b.txt", "b");
    fixture.put("c.txt", "c");
    fixture.put(".upload-in-flight", "a temporary file is not a stored file");

    FakeResponse deleted = fixture.host.call("DELETE", "/api/storage/files/a.txt");
    REQUIRE(deleted.status == 200);
    CHECK(deleted.body == R"({"filename":"a.txt","message":"File 'a.txt' deleted successfully"})");
    FakeResponse again = fixture.host.call("DELETE", "/api/storage/files/a.txt");
    CHECK(again.status == 404);
    CHECK(again.body == R"({"detail":"File 'a.txt' not found"})");

    FakeResponse cleared = fixture.host.call("DELETE", "/api/storage/files");
    REQUIRE(cleared.status == 200);
    auto body = bodyOf(cleared);
    CHECK(body->getValue<std::string>("status") == "success");
    CHECK(body->getValue<std::string>("message") == "Cleared 2 files from storage");
    CHECK(isIso(body->getValue<std::string>("timestamp")));
    CHECK(fixture.entries() == std::vector<std::string>{".upload-in-flight"});
    CHECK(bodyOf(fixture.host.call("DELETE", "/api/storage/files"))->getValue<std::string>("message") == "Cleared 0 files from storage");
    CHECK(fixture.host.counter("files_deleted") == 3);
}

TEST_CASE("file-storage: GET /info sums up the storage", "[file-storage][info]")
{
    StorageFixture fixture;
    SECTION("empty: no oldest or newest file")
    {
        FakeResponse r = fixture.host.call("GET", "/api/storage/info");
        REQUIRE(r.status == 200);
        auto body = bodyOf(r);
        CHECK(body->getValue<std::string>("storage_path") == fixture.storagePath());
        CHECK(body->getValue<int>("total_files") == 0);
        CHECK(body->getValue<int>("max_files") == 15);
        CHECK(body->getValue<int>("total_size") == 0);
        CHECK(body->getValue<Poco::UInt64>("available_space") > 0);
        CHECK(body->isNull("oldest_file"));
        CHECK(body->isNull("newest_file"));
        CHECK(r.body.find(R"("oldest_file":null,"newest_file":null})") != std::string::npos);
    }
    SECTION("with files")
    {
        fixture.put("first.txt", "12345");
        fixture.put("second.txt", "123");
        fixture.put("third.txt", "1");
        age(fixture, "first.txt", 30);
        age(fixture, "second.txt", 20);
        age(fixture, "third.txt", 10);
        auto body = bodyOf(fixture.host.call("GET", "/api/storage/info"));
        CHECK(body->getValue<int>("total_files") == 3);
        CHECK(body->getValue<int>("total_size") == 9);
        CHECK(body->getValue<std::string>("oldest_file") == "first.txt");
        CHECK(body->getValue<std::string>("newest_file") == "third.txt");
    }
}

TEST_CASE("file-storage: POST /files, the guide's form", "[file-storage][create][guide]")
{
    StorageFixture fixture(FlatConfig{{"max_size", "20"}});
    auto post = [&](const std::string& body) { return fixture.host.call("POST", "/api/storage/files", body); };
    SECTION("stores the file under its name and answers the guide's shape")
    {
        FakeResponse r = post(R"({"filename":"test.txt","content":"Hello, World!","metadata":{"author":"system","timestamp":"2025-01-12T10:30:00Z"}})");
        REQUIRE(r.status == 200);
        CHECK(r.body == R"({"success":true,"file_id":"test.txt","message":"File created successfully"})");
        CHECK(readStored(fixture, "test.txt") == "Hello, World!");
        CHECK(bodyOf(fixture.host.call("GET", "/api/storage/files/test.txt"))->getValue<std::string>("content") == "Hello, World!");
        SECTION("again under the same name: replaced")
        {
            REQUIRE(post(R"({"filename":"test.txt","content":"second"})").status == 200);
            CHECK(readStored(fixture, "test.txt") == "second");
            CHECK(fixture.entries() == std::vector<std::string>{"test.txt"});
        }
    }
    SECTION("a name without an extension gets .txt")
    {
        FakeResponse r = post(R"({"filename":"README","content":"x"})");
        REQUIRE(r.status == 200);
        CHECK(bodyOf(r)->getValue<std::string>("file_id") == "README.txt");
        CHECK(fixture.entries() == std::vector<std::string>{"README.txt"});
    }
    SECTION("the same limits as PUT /files")
    {
        CHECK(detailOf(post(R"({"filename":"big.txt","content":"123456789012345678901"})")) == "File content exceeds maximum size of 20 bytes");
        CHECK(detailOf(post(R"({"filename":"run.exe","content":"x"})")) == "File extension '.exe' is not allowed. Allowed: ['.txt', '.json', '.log']");
        CHECK(post(R"({"filename":"data.json","content":"{}"})").status == 200);
        CHECK(post(R"({"filename":"app.log","content":""})").status == 200);
    }
    SECTION("422 for missing or wrong-typed fields")
    {
        FakeResponse none = post("{}");
        REQUIRE(none.status == 422);
        CHECK(json::write(bodyOf(none)->get("detail")) ==
              R"([{"loc":["body","filename"],"msg":"field required","type":"value_error.missing"},)"
              R"({"loc":["body","content"],"msg":"field required","type":"value_error.missing"}])");
        CHECK(post(R"({"filename":1,"content":"x"})").status == 422);
        CHECK(post(R"({"filename":"a.txt","content":"x","metadata":"not an object"})").status == 422);
        CHECK(post(R"({"filename":"a.txt","content":"x","metadata":null})").status == 200);
    }
}

TEST_CASE("file-storage: rotation keeps exactly max_files, removing the oldest", "[file-storage][rotation]")
{
    StorageFixture fixture(FlatConfig{{"max_files", "3"}});
    std::vector<std::string> names;
    for (int i = 0; i < 3; ++i)
    {
        FakeResponse r = fixture.create("file " + std::to_string(i));
        REQUIRE(r.status == 200);
        names.push_back(bodyOf(r)->getValue<std::string>("filename"));
        age(fixture, names.back(), 30 - i);   // distinct ages whatever the clock's granularity
    }
    CHECK(fixture.entries().size() == 3);   // exactly max_files: nothing removed yet
    CHECK(fixture.host.counter("files_rotated") == 0);

    FakeResponse fourth = fixture.create("file 3");
    REQUIRE(fourth.status == 200);
    std::vector<std::string> expected{names[1], names[2], bodyOf(fourth)->getValue<std::string>("filename")};
    std::sort(expected.begin(), expected.end());
    CHECK(fixture.entries() == expected);
    CHECK(fixture.host.counter("files_rotated") == 1);
    CHECK(fixture.host.logged("rotated out the oldest file"));

    SECTION("POST and raw uploads rotate too")
    {
        REQUIRE(fixture.host.call("POST", "/api/storage/files", R"({"filename":"guide.txt","content":"x"})").status == 200);
        CHECK(fixture.entries().size() == 3);
        REQUIRE(fixture.host.call("PUT", "/api/storage/files/raw.bin", "bytes").status == 201);
        CHECK(fixture.entries().size() == 3);
        CHECK(Poco::File(fixture.storagePath() + "/raw.bin").exists());
        CHECK(Poco::File(fixture.storagePath() + "/guide.txt").exists());
    }
}

TEST_CASE("file-storage: every request is logged as API <METHOD> <path> - <status> (<seconds>s)", "[file-storage][log]")
{
    StorageFixture fixture;
    fixture.host.clearLogs();
    fixture.host.call("GET", "/api/storage/files");
    fixture.host.call("GET", "/api/storage/files/none.txt");
    fixture.host.call("PUT", "/api/storage/files", "{}");
    fixture.host.call("GET", "/api/storage/files/..%2fx");
    fixture.host.call("PATCH", "/api/storage/files");
    std::vector<std::string> lines;
    for (const auto& record : fixture.host.logs())
        if (record.message.rfind("API ", 0) == 0) lines.push_back(record.message);
    REQUIRE(lines.size() == 5);
    const std::regex line(R"(API (GET|PUT|PATCH) (/files|/files/none\.txt|/files/\.\.%2fx) - (200|404|422|400|405) \(\d+\.\d{3}s\))");
    for (const auto& text : lines) CHECK(std::regex_match(text, line));
    CHECK(lines[0].rfind("API GET /files - 200 (", 0) == 0);
    CHECK(lines[1].rfind("API GET /files/none.txt - 404 (", 0) == 0);
    CHECK(lines[2].rfind("API PUT /files - 422 (", 0) == 0);
    CHECK(lines[3].rfind("API GET /files/..%2fx - 400 (", 0) == 0);
    CHECK(lines[4].rfind("API PATCH /files - 405 (", 0) == 0);
    auto records = fixture.host.logs();
    auto first = std::find_if(records.begin(), records.end(), [](const auto& r) { return r.message.rfind("API ", 0) == 0; });
    CHECK(first->field("status") == std::string("200"));
    CHECK(first->field("method") == std::string("GET"));
    CHECK(first->level == TRM_LOG_INFO);
    CHECK(fixture.host.counter("requests") == 5);
}

TEST_CASE("file-storage: unknown paths are 404 and other methods 405, in the {\"detail\"} shape", "[file-storage][errors]")
{
    StorageFixture fixture;
    FakeResponse unknown = fixture.host.call("GET", "/api/storage/nothing");
    CHECK(unknown.status == 404);
    CHECK(unknown.body == R"({"detail":"Not Found"})");
    FakeResponse method = fixture.host.call("PATCH", "/api/storage/files/a.txt");
    CHECK(method.status == 405);
    CHECK(method.body == R"({"detail":"Method Not Allowed"})");
    CHECK(method.header("Allow") == std::string("GET, HEAD, PUT, DELETE"));
    CHECK(fixture.host.call("POST", "/api/storage/health").status == 405);
    CHECK(fixture.host.call("DELETE", "/api/storage/files/a.txt/raw").status == 405);
}

TEST_CASE("file-storage: the guide's direct path /api/storage/files reaches the API too", "[file-storage][guide]")
{
    StorageFixture fixture;
    // On a listener that passes paths unchanged (the original's port 9000) the plugin sees
    // /api/storage/files: here the route strips one prefix and the second one is left.
    FakeResponse r = fixture.host.call("POST", "/api/storage/api/storage/files", R"({"filename":"direct.txt","content":"x"})");
    CHECK(r.status == 200);
    CHECK(fixture.host.call("GET", "/api/storage/api/file-storage/files/direct.txt").status == 200);
    CHECK(fixture.host.call("GET", "/api/storage/api/storagex/files").status == 404);
}

TEST_CASE("file-storage: settings come from the config block, then the environment, then the defaults", "[file-storage][config]")
{
    terrarium::test::ScratchDir scratch;
    SECTION("the environment when the config has no key")
    {
        EnvironmentVariable path("FILE_STORAGE_PATH", scratch.file("from-env").c_str());
        EnvironmentVariable files("FILE_STORAGE_MAX_FILES", "7");
        EnvironmentVariable size("FILE_STORAGE_MAX_SIZE", "3");
        FakeHost host(&terrarium_plugin_entry);
        host.start();
        auto health = bodyOf(host.call("GET", "/api/storage/health"));
        CHECK(health->getValue<std::string>("storage_path") == scratch.file("from-env"));
        CHECK(health->getValue<int>("max_files") == 7);
        CHECK(detailOf(host.call("PUT", "/api/storage/files", R"({"content":"1234"})")) == "File content exceeds maximum size of 3 bytes");
        CHECK(Poco::File(scratch.file("from-env")).isDirectory());
    }
    SECTION("the config key wins over the environment")
    {
        EnvironmentVariable path("FILE_STORAGE_PATH", scratch.file("from-env").c_str());
        EnvironmentVariable files("FILE_STORAGE_MAX_FILES", "7");
        FakeHost host(&terrarium_plugin_entry, R"({"path":")" + scratch.file("from-config") + R"(","max_files":4,"max_size":100})");
        host.start();
        auto health = bodyOf(host.call("GET", "/api/storage/health"));
        CHECK(health->getValue<std::string>("storage_path") == scratch.file("from-config"));
        CHECK(health->getValue<int>("max_files") == 4);
        CHECK_FALSE(Poco::File(scratch.file("from-env")).exists());
    }
    SECTION("the defaults")
    {
        EnvironmentVariable path("FILE_STORAGE_PATH", scratch.file("defaults").c_str());
        ::unsetenv("FILE_STORAGE_MAX_FILES");
        ::unsetenv("FILE_STORAGE_MAX_SIZE");
        FakeHost host(&terrarium_plugin_entry);
        host.start();
        auto& plugin = static_cast<terrarium::detail::Box<filestorage::FileStorage>*>(host.instance())->object;
        CHECK(plugin.settings().maxFiles == 15);
        CHECK(plugin.settings().maxSize == 1048576);
        CHECK(plugin.settings().maxRawSize == 1073741824);
        CHECK(filestorage::StorageSettings().path == "/var/lib/terrarium/file-storage");
    }
    SECTION("an unusable value refuses the load, naming where it came from")
    {
        const std::vector<std::pair<std::string, std::string>> unusable = {{"max_files", "0"}, {"max_files", "ten"}, {"max_size", "-1"}, {"max_raw_size", "1.5"}};
        for (const auto& [key, value] : unusable)
        {
            FakeHost host(&terrarium_plugin_entry, FlatConfig{{"path", scratch.file("x")}, {key, value}});
            CHECK_THROWS_AS(host.start(), terrarium::testing::FakeHostError);
            CHECK(host.logged(std::string("config key '") + key + "'"));
        }
        FakeHost emptyPath(&terrarium_plugin_entry, FlatConfig{{"path", ""}});
        CHECK_THROWS_AS(emptyPath.start(), terrarium::testing::FakeHostError);
        CHECK(emptyPath.logged("config key 'path': expected a directory"));
        EnvironmentVariable files("FILE_STORAGE_MAX_FILES", "many");
        FakeHost host(&terrarium_plugin_entry, FlatConfig{{"path", scratch.file("x")}});
        CHECK_THROWS_AS(host.start(), terrarium::testing::FakeHostError);
        CHECK(host.logged("FILE_STORAGE_MAX_FILES: expected an integer of at least 1, got 'many'"));
    }
    SECTION("a storage directory that cannot be created refuses the load")
    {
        scratch.write("a-file", "x");
        FakeHost host(&terrarium_plugin_entry, FlatConfig{{"path", scratch.file("a-file/store")}});
        CHECK_THROWS_AS(host.start(), terrarium::testing::FakeHostError);
        CHECK(host.logged("storage directory"));
    }
}
