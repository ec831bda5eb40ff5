// logthon: POST /logs, /api/logs and / (services.md §5): both record shapes, batches, bad input.
#include "LogthonFixture.h"

#include <string>

using namespace logthon::test;

TEST_CASE("a record in the guide's shape is stored with the server's id and time, the client's timestamp and request id inside", "[logthon][ingest]")
{
    LogthonFixture logthon;
    FakeResponse r = logthon.post(R"({"timestamp":"2025-01-12T10:30:00Z","level":"INFO","service":"custom-client",
        "message":"Request processed successfully","request_id":"req-12345",
        "metadata":{"endpoint":"/api/fake-provider/test","method":"GET","status_code":200}})");
    CHECK(r.status == 200);
    CHECK(r.header("Content-Type") == std::string("application/json"));
    CHECK(r.body == R"({"status":"success","message":"Log entry added"})");

    auto logs = logthon.logs();
    REQUIRE(logs->size() == 1);
    auto entry = logs->getObject(0);
    CHECK(entry->getValue<std::uint64_t>("id") == 1);
    CHECK(entry->getValue<std::string>("service") == "custom-client");
    CHECK(entry->getValue<std::string>("level") == "INFO");
    CHECK(entry->getValue<std::string>("message") == "Request processed successfully");
    CHECK(entry->getObject("metadata")->getValue<int>("status_code") == 200);
    CHECK(entry->getObject("metadata")->getValue<std::string>("endpoint") == "/api/fake-provider/test");
    CHECK(entry->getValue<std::string>("client_timestamp") == "2025-01-12T10:30:00Z");
    CHECK(entry->getValue<std::string>("request_id") == "req-12345");
    std::string timestamp = entry->getValue<std::string>("timestamp");
    CHECK(timestamp.size() == 27);   // 2025-01-12T10:30:00.123456Z: the server's time
    CHECK(timestamp.back() == 'Z');
    CHECK(timestamp != "2025-01-12T10:30:00Z");
    CHECK(logthon.host.counter("entries_ingested") == 1);
}

TEST_CASE("the original's shipping shape is stored: level defaults to INFO, metadata kept, unknown fields ignored", "[logthon][ingest]")
{
    LogthonFixture logthon;
    CHECK(logthon.post(R"({"service":"file-storage","message":"started","metadata":{"timestamp":1736677800,"container_id":"abc",
        "container_name":"file-storage"},"unknown":[1,2],"extra":{"x":true}})").status == 200);
    CHECK(logthon.post(R"({"service":"file-storage","message":"lower","level":"warning"})").status == 200);
    auto logs = logthon.logs();
    REQUIRE(logs->size() == 2);
    auto first = logs->getObject(0);
    CHECK(first->getValue<std::string>("level") == "INFO");
    CHECK(first->getObject("metadata")->getValue<std::string>("container_id") == "abc");
    CHECK(first->getObject("metadata")->getValue<std::int64_t>("timestamp") == 1736677800);
    CHECK_FALSE(first->has("unknown"));
    CHECK_FALSE(first->has("client_timestamp"));
    CHECK_FALSE(first->has("request_id"));
    CHECK(logs->getObject(1)->getValue<std::string>("level") == "WARNING");
}

TEST_CASE("POST /api/logs and POST / ingest like POST /logs, a numeric client timestamp is kept as a number", "[logthon][ingest]")
{
    LogthonFixture logthon;
    CHECK(logthon.post(R"({"service":"a","message":"one"})", "/api/logs").body == R"({"status":"success","message":"Log entry added"})");
    CHECK(logthon.post(R"({"service":"a","message":"two","timestamp":1736677800.5})", "/").status == 200);
    CHECK(logthon.post(R"({"service":"a","message":"three"})", "/api/logs/api/logs").status == 200);   // the gateway's prefix, then the direct path
    CHECK(logthon.messages() == std::vector<std::string>{"one", "two", "three"});
    CHECK(logthon.logs()->getObject(1)->getValue<double>("client_timestamp") == 1736677800.5);
}

TEST_CASE("a record without service or message is answered 422 and nothing is stored", "[logthon][ingest][bad-input]")
{
    LogthonFixture logthon;
    FakeResponse noService = logthon.post(R"({"message":"m"})");
    CHECK(noService.status == 422);
    CHECK(errorCode(noService) == "missing_field");
    CHECK(errorMessage(noService) == "field 'service' is required");
    FakeResponse noMessage = logthon.post(R"({"service":"s","level":"INFO"})");
    CHECK(noMessage.status == 422);
    CHECK(errorMessage(noMessage) == "field 'message' is required");
    CHECK(logthon.post(R"({"service":null,"message":"m"})").status == 422);
    CHECK(logthon.post(R"({"service":"","message":"m"})").status == 422);
    CHECK(logthon.logs()->size() == 0);
    CHECK(logthon.host.counter("submissions_refused") == 4);
    CHECK(logthon.host.logged("field 'service' is required"));
}

TEST_CASE("members of the wrong type are answered 422 invalid_field naming the field", "[logthon][ingest][bad-input]")
{
    LogthonFixture logthon;
    struct Case
    {
        const char* body;
        const char* field;
    };
    for (const Case& c : {Case{R"({"service":5,"message":"m"})", "service"}, Case{R"({"service":"s","message":["m"]})", "message"},
                          Case{R"({"service":"s","message":"m","level":3})", "level"}, Case{R"({"service":"s","message":"m","level":"in fo"})", "level"},
                          Case{R"({"service":"s","message":"m","level":""})", "level"},
                          Case{R"({"service":"s","message":"m","metadata":"x"})", "metadata"},
                          Case{R"({"service":"s","message":"m","metadata":[1]})", "metadata"},
                          Case{R"({"service":"s","message":"m","timestamp":true})", "timestamp"},
                          Case{R"({"service":"s","message":"m","timestamp":{}})", "timestamp"},
                          Case{R"({"service":"s","message":"m","request_id":7})", "request_id"}})
    {
        FakeResponse r = logthon.post(c.body);
        INFO(c.body << " -> " << r.body);
        CHECK(r.status == 422);
        CHECK(errorCode(r) == "invalid_field");
        CHECK(errorMessage(r).find(std::string("field '") + c.field + "'") != std::string::npos);
    }
    CHECK(logthon.logs()->size() == 0);
}

TEST_CASE("a body that is not JSON, not an object or empty is answered 400 invalid_json", "[logthon][ingest][bad-input]")
{
    LogthonFixture logthon;
    for (const char* body : {"", "   ", "not json", "{\"service\":\"s\",", "\"text\"", "42", "null", "{\"service\":\"s\",\"message\":\"m\"} trailing"})
    {
        FakeResponse r = logthon.post(body);
        INFO("[" << body << "] -> " << r.body);
        CHECK(r.status == 400);
        CHECK(errorCode(r) == "invalid_json");
    }
    CHECK(logthon.logs()->size() == 0);
}

TEST_CASE("a message over max_message_bytes is answered 413 message_too_large (1 MiB with the 64 KiB default)", "[logthon][ingest][bad-input]")
{
    SECTION("default 64 KiB")
    {
        LogthonFixture logthon;
        FakeResponse r = logthon.post("{\"service\":\"s\",\"message\":\"" + std::string(1024 * 1024, 'x') + "\"}");
        CHECK(r.status == 413);
        CHECK(errorCode(r) == "message_too_large");
        CHECK(errorMessage(r) == "field 'message' is longer than 65536 bytes (max_message_bytes)");
        CHECK(logthon.post("{\"service\":\"s\",\"message\":\"" + std::string(65536, 'x') + "\"}").status == 200);
        CHECK(logthon.logs()->size() == 1);
    }
    SECTION("configured")
    {
        LogthonFixture logthon(FlatConfig{{"max_message_bytes", "10"}});
        CHECK(logthon.post(R"({"service":"s","message":"0123456789"})").status == 200);
        CHECK(logthon.post(R"({"service":"s","message":"0123456789a"})").status == 413);
        CHECK(logthon.logs()->size() == 1);
    }
}

TEST_CASE("control characters are refused (tab, line feed and carriage return allowed in messages)", "[logthon][ingest][bad-input]")
{
    LogthonFixture logthon;
    CHECK(logthon.post(R"({"service":"s","message":"line one\nline two\ttab\r"})").status == 200);
    for (const char* body : {R"({"service":"s","message":"bell\u0007"})", R"({"service":"s","message":"nul\u0000byte"})",
                             R"({"service":"s\nx","message":"m"})", R"({"service":"s","message":"m","request_id":"a\tb"})",
                             R"({"service":"s","message":"del\u007f"})"})
    {
        FakeResponse r = logthon.post(body);
        INFO(body << " -> " << r.body);
        CHECK(r.status == 422);
        CHECK(errorCode(r) == "invalid_field");
        CHECK(errorMessage(r).find("control characters") != std::string::npos);
    }
    CHECK(logthon.messages() == std::vector<std::string>{"line one\nline two\ttab\r"});
}

TEST_CASE("invalid UTF-8 and lone surrogate escapes are answered 400 and nothing is stored, valid multi-byte text is kept", "[logthon][ingest][bad-input]")
{
    LogthonFixture logthon;
    for (const std::string& body : {std::string("{\"service\":\"s\",\"message\":\"\xff\xfe\"}"), std::string("{\"service\":\"s\xc3\",\"message\":\"m\"}"),
                                   std::string("{\"service\":\"s\",\"message\":\"\xed\xa0\x80\"}")})
    {
        FakeResponse r = logthon.post(body);
        INFO(r.body);
        CHECK(r.status == 400);
        CHECK(errorCode(r) == "invalid_json");
        CHECK(errorMessage(r) == "the request body is not valid UTF-8");
    }
    for (const char* escaped : {R"({"service":"s","message":"\ud800"})", R"({"service":"s","message":"\udc00x"})"})   // lone surrogates
    {
        FakeResponse r = logthon.post(escaped);
        INFO(r.body);
        CHECK(r.status == 400);
        CHECK(errorCode(r) == "invalid_json");
    }
    CHECK(logthon.post("{\"service\":\"s\",\"message\":\"caf\xc3\xa9 \xe2\x9c\x93\"}").status == 200);
    CHECK(logthon.post(R"({"service":"s","message":"\ud83d\ude00"})").status == 200);   // a surrogate pair
    CHECK(logthon.messages() == std::vector<std::string>{"caf\xc3\xa9 \xe2\x9c\x93", "\xf0\x9f\x98\x80"});
}

TEST_CASE("a batch of valid records is stored in order with one answer", "[logthon][ingest][batch]")
{
    LogthonFixture logthon;
    FakeResponse r = logthon.post(R"([{"service":"a","message":"1"},{"service":"b","message":"2","level":"ERROR"},{"service":"a","message":"3"}])");
    CHECK(r.status == 200);
    CHECK(r.body == R"({"status":"success","message":"Log entries added","count":3})");
    CHECK(logthon.messages() == std::vector<std::string>{"1", "2", "3"});
    CHECK(logthon.ids() == std::vector<std::uint64_t>{1, 2, 3});
    CHECK(logthon.host.counter("entries_ingested") == 3);
}

TEST_CASE("a batch with one invalid record is answered 422 naming its index, and nothing of it is stored", "[logthon][ingest][batch][bad-input]")
{
    LogthonFixture logthon;
    FakeResponse missing = logthon.post(R"([{"service":"a","message":"1"},{"service":"a","message":"2"},{"service":"a"}])");
    CHECK(missing.status == 422);
    CHECK(errorCode(missing) == "missing_field");
    CHECK(errorMessage(missing) == "record 2: field 'message' is required");
    CHECK(terrarium::json::parseObject(missing.body)->getValue<int>("index") == 2);

    FakeResponse notObject = logthon.post(R"([{"service":"a","message":"1"},"text"])");
    CHECK(notObject.status == 422);
    CHECK(errorCode(notObject) == "invalid_record");
    CHECK(terrarium::json::parseObject(notObject.body)->getValue<int>("index") == 1);

    FakeResponse tooLong = logthon.post("[{\"service\":\"a\",\"message\":\"1\"},{\"service\":\"a\",\"message\":\"" + std::string(70000, 'x') + "\"}]");
    CHECK(tooLong.status == 413);
    CHECK(terrarium::json::parseObject(tooLong.body)->getValue<int>("index") == 1);
    CHECK(logthon.logs()->size() == 0);
}

TEST_CASE("an empty batch is answered 422, a batch over max_batch_records 413", "[logthon][ingest][batch][bad-input]")
{
    LogthonFixture logthon(FlatConfig{{"max_batch_records", "2"}});
    FakeResponse empty = logthon.post("[]");
    CHECK(empty.status == 422);
    CHECK(errorCode(empty) == "empty_batch");
    FakeResponse big = logthon.post(R"([{"service":"a","message":"1"},{"service":"a","message":"2"},{"service":"a","message":"3"}])");
    CHECK(big.status == 413);
    CHECK(errorCode(big) == "batch_too_large");
    CHECK(logthon.post(R"([{"service":"a","message":"1"},{"service":"a","message":"2"}])").status == 200);
    CHECK(logthon.logs()->size() == 2);
}

TEST_CASE("metadata keeps its members' order and escapes what it must", "[logthon][ingest]")
{
    LogthonFixture logthon;
    CHECK(logthon.post(R"({"service":"s","message":"say \"hi\"","metadata":{"z":1,"a":"quote\"d","nested":{"k":[1,2]}}})").status == 200);
    FakeResponse r = logthon.host.call("GET", "/logs");
    CHECK(r.body.find(R"("message":"say \"hi\"","metadata":{"z":1,"a":"quote\"d","nested":{"k":[1,2]}})") != std::string::npos);
}
