// service-sink through FakeHost: every row of services.md §3, the answers' JSON for any bytes in
// the path, unparsable requests, the health log line and the request-log files.
#include "Utf8Text.h"

#include "ScratchDir.h"

#include <terrarium/testing/fake_host.hpp>

#include <catch2/catch.hpp>

#include <Poco/DirectoryIterator.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <thread>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using terrarium::testing::FakeHost;
using terrarium::testing::FakeResponse;
using terrarium::testing::Headers;
using terrarium::sink::Utf8Text;

namespace {

std::string configFor(const terrarium::test::ScratchDir& dir, const std::string& extra = "")
{
    return R"({"request_log_dir":")" + dir.path() + "\"" + extra + "}";
}

Poco::JSON::Object::Ptr parsed(const FakeResponse& response)
{
    INFO(response.body);
    REQUIRE(response.header("Content-Type").value_or("") == "application/json");
    REQUIRE(Utf8Text::valid(response.body));
    Poco::JSON::Parser parser;
    return parser.parse(response.body).extract<Poco::JSON::Object::Ptr>();
}

/// A successful sink answer: 200, the four members in order, timestamp an integer of now.
void checkSuccess(const FakeResponse& response, const std::string& message, std::time_t before)
{
    REQUIRE(response.status == 200);
    Poco::JSON::Object::Ptr body = parsed(response);
    CHECK(body->getValue<std::string>("status") == "success");
    CHECK(body->getValue<std::string>("message") == message);
    REQUIRE(body->get("timestamp").isInteger());
    CHECK(body->getValue<long long>("timestamp") >= before);
    CHECK(body->getValue<long long>("timestamp") <= std::time(nullptr));
    CHECK(body->getValue<std::string>("service") == "service-sink");
    CHECK(response.body.rfind("{\"status\":\"success\",\"message\":", 0) == 0);
    CHECK(response.body.find(",\"service\":\"service-sink\"}") == response.body.size() - 26);
}

std::string processed(const std::string& path)
{
    return "Service Sink processed request to path '" + path + "' (length: " + std::to_string(path.size()) + ")";
}

} // namespace

TEST_CASE("service-sink: GET /health answers healthy and logs the probe type, without a request-log file", "[service-sink]")
{
    terrarium::test::ScratchDir dir;
    FakeHost host(&terrarium_plugin_entry, configFor(dir));
    host.start();
    std::time_t before = std::time(nullptr);

    checkSuccess(host.call("GET", "/health", "", {{"X-Probe-Type", "liveness"}}), "Service Sink is healthy", before);
    CHECK(host.logged("Health check: liveness probe from 127.0.0.1"));
    checkSuccess(host.call("GET", "/api/health", "", {{"X-Probe-Type", "readiness"}}), "Service Sink is healthy", before);
    CHECK(host.logged("Health check: readiness probe from 127.0.0.1"));
    checkSuccess(host.call("GET", "/health", "", {{"X-Probe-Type", "startup"}}), "Service Sink is healthy", before);
    checkSuccess(host.call("GET", "/health"), "Service Sink is healthy", before);
    CHECK(host.logged("Health check: unknown probe from 127.0.0.1"));
    host.setPeer("[::1]:4711", "main");
    checkSuccess(host.call("GET", "/health?verbose=1"), "Service Sink is healthy", before);
    CHECK(host.logged("Health check: unknown probe from ::1"));

    CHECK(host.counter("health_checks") == 5);
    CHECK(host.counter("requests") == 0);
    CHECK(dir.names().empty());

    SECTION("only GET on the exact path is a health check")
    {
        checkSuccess(host.call("POST", "/health"), processed("/health"), before);
        checkSuccess(host.call("GET", "/health/x"), processed("/health/x"), before);
        checkSuccess(host.call("GET", "/healthz"), processed("/healthz"), before);
        CHECK(dir.names().size() == 3);
    }
}

TEST_CASE("service-sink: any other request answers the path with its query and its byte length", "[service-sink]")
{
    terrarium::test::ScratchDir dir;
    FakeHost host(&terrarium_plugin_entry, configFor(dir));
    host.start();
    std::time_t before = std::time(nullptr);

    checkSuccess(host.call("GET", "/api/users/42"), processed("/users/42"), before);               // /api stripped
    checkSuccess(host.call("GET", "/api/users/42?x=1&y=two"), processed("/users/42?x=1&y=two"), before);
    checkSuccess(host.call("GET", "/api"), processed("/"), before);
    checkSuccess(host.call("GET", "/elsewhere/a?b"), processed("/elsewhere/a?b"), before);         // no route: unchanged
    checkSuccess(host.call("GET", "/api/x?"), processed("/x?"), before);                            // an empty query is kept
    checkSuccess(host.call("POST", "/api/orders", R"({"id":1})", {{"Content-Type", "application/json"}}), processed("/orders"), before);
    checkSuccess(host.call("PUT", "/api/a"), processed("/a"), before);
    checkSuccess(host.call("DELETE", "/api/a"), processed("/a"), before);
    checkSuccess(host.call("PATCH", "/api/a", "x"), processed("/a"), before);
    checkSuccess(host.call("HEAD", "/api/a"), processed("/a"), before);
    CHECK(host.counter("requests") == 10);
    CHECK(host.logged("Request: GET /users/42?x=1&y=two from 127.0.0.1 (Query: x=1&y=two, Body: 0 bytes)"));
    CHECK(host.logged("Request: POST /orders from 127.0.0.1 (Query: none, Body: 8 bytes)"));
}

TEST_CASE("service-sink: percent-escapes, quotes, backslashes and non-ASCII bytes come back byte for byte in valid JSON", "[service-sink][json]")
{
    terrarium::test::ScratchDir dir;
    FakeHost host(&terrarium_plugin_entry, configFor(dir));
    host.start();
    std::time_t before = std::time(nullptr);

    SECTION("percent-escapes are not decoded")
    {
        checkSuccess(host.call("GET", "/api/a%20b/%2F?q=%C3%A9&r=%25"), processed("/a%20b/%2F?q=%C3%A9&r=%25"), before);
    }
    SECTION("quotes and backslashes are escaped")
    {
        FakeResponse response = host.call("GET", "/api/say\"hi\"\\there'?q=\"x\"");
        checkSuccess(response, processed("/say\"hi\"\\there'?q=\"x\""), before);
        CHECK(response.body.find("say\\\"hi\\\"\\\\there") != std::string::npos);
    }
    SECTION("valid UTF-8 passes through; the length counts bytes")
    {
        const std::string path = "/caf\xC3\xA9/\xE6\x97\xA5\xE6\x9C\xAC?\xF0\x9F\x98\x80";
        FakeResponse response = host.call("GET", "/api" + path);
        checkSuccess(response, processed(path), before);
        CHECK(response.body.find("(length: 18)") != std::string::npos);
        CHECK(response.body.find(path) != std::string::npos);   // not \u-escaped
    }
    SECTION("invalid UTF-8 becomes U+FFFD; the length still counts the bytes received")
    {
        const std::string path = "/x\xFF\xFE/\xC3(/\xED\xA0\x80/\xC0\xAF";
        FakeResponse response = host.call("GET", "/api" + path);
        REQUIRE(response.status == 200);
        Poco::JSON::Object::Ptr body = parsed(response);
        const std::string fffd = "\xEF\xBF\xBD";
        CHECK(body->getValue<std::string>("message") == "Service Sink processed request to path '/x" + fffd + fffd + "/" + fffd + "(/" + fffd + fffd +
                                                            fffd + "/" + fffd + fffd + "' (length: " + std::to_string(path.size()) + ")");
    }
    SECTION("control characters in a path are escaped")
    {
        FakeResponse response = host.call("GET", std::string("/api/a\tb\x01\x7f", 10));
        checkSuccess(response, processed(std::string("/a\tb\x01\x7f", 6)), before);
        CHECK(response.body.find("\\t") != std::string::npos);
        CHECK(response.body.find("\\u0001") != std::string::npos);
    }
}

TEST_CASE("service-sink: an unparsable request answers 400 with status error and logs the cause", "[service-sink][bad-request]")
{
    terrarium::test::ScratchDir dir;
    FakeHost host(&terrarium_plugin_entry, configFor(dir));
    host.start();
    std::time_t before = std::time(nullptr);

    auto checkBadRequest = [&](const FakeResponse& response, const std::string& cause) {
        REQUIRE(response.status == 400);
        Poco::JSON::Object::Ptr body = parsed(response);
        CHECK(body->getValue<std::string>("status") == "error");
        CHECK(body->getValue<std::string>("error") == "bad_request");
        CHECK(body->getValue<std::string>("message") == "Bad Request - Service Sink");
        REQUIRE(body->get("timestamp").isInteger());
        CHECK(body->getValue<long long>("timestamp") >= before);
        CHECK(body->getValue<std::string>("service") == "service-sink");
        CHECK(host.logged("Failed to parse request from 127.0.0.1: " + cause));
    };

    checkBadRequest(host.call("GET", "/api/a%zz"), "malformed percent-escape at offset 6 of the request target");
    checkBadRequest(host.call("GET", "/api/a%4"), "malformed percent-escape at offset 6 of the request target");
    checkBadRequest(host.call("GET", "/api/a%"), "malformed percent-escape");
    checkBadRequest(host.call("GET", "/api/a?q=%G1"), "malformed percent-escape at offset 9 of the request target");
    checkBadRequest(host.call("GET", "/health?x=%"), "malformed percent-escape");
    checkBadRequest(host.call("POST", "/api/a", "{\"id\":", {{"Content-Type", "application/json"}}), "the request body is not valid JSON");
    checkBadRequest(host.call("POST", "/api/a", "{'id':1}", {{"content-type", "Application/JSON; charset=utf-8"}}), "the request body is not valid JSON");
    checkBadRequest(host.call("PUT", "/api/a", "nope", {{"Content-Type", "application/merge-patch+json"}}), "the request body is not valid JSON");
    checkBadRequest(host.call("POST", "/api/a", "{\"id\":1} trailing", {{"Content-Type", "application/json"}}), "the request body is not valid JSON");
    CHECK(host.counter("bad_requests") == 9);
    CHECK(host.counter("requests") == 0);
    CHECK(dir.names().empty());

    // Well-formed, or not declared as JSON: served.
    checkSuccess(host.call("POST", "/api/a", "{\"id\":", {{"Content-Type", "text/plain"}}), processed("/a"), before);
    checkSuccess(host.call("POST", "/api/a", "", {{"Content-Type", "application/json"}}), processed("/a"), before);
    checkSuccess(host.call("POST", "/api/a", "[1,\"two\",null]", {{"Content-Type", "application/json"}}), processed("/a"), before);
    checkSuccess(host.call("GET", "/api/100%25"), processed("/100%25"), before);
}

TEST_CASE("service-sink: every request is written to its own request-log file in the configured directory", "[service-sink][request-log]")
{
    terrarium::test::ScratchDir dir;
    FakeHost host(&terrarium_plugin_entry, configFor(dir));
    host.start();
    host.setPeer("10.1.2.3:5555", "main");

    std::time_t before = std::time(nullptr);
    REQUIRE(host.call("POST", "/api/orders?id=7", "line one\nline \"two\"\n\x01", {{"Host", "sink.test"}, {"X-Thing", "a b"}}).status == 200);
    std::time_t after = std::time(nullptr);

    std::vector<std::string> files = dir.names();
    REQUIRE(files.size() == 1);
    const std::string name = files[0];
    INFO(name);
    REQUIRE(name.rfind("service-sink-request_", 0) == 0);
    long long epoch = std::stoll(name.substr(21));
    CHECK(epoch >= before);
    CHECK(epoch <= after);
    CHECK(name == "service-sink-request_" + std::to_string(epoch) + "_10.1.2.3_1.txt");

    std::time_t stamp = static_cast<std::time_t>(epoch);
    std::tm local{};
    localtime_r(&stamp, &local);
    char timestamp[32];
    std::strftime(timestamp, sizeof timestamp, "%Y-%m-%d %H:%M:%S", &local);
    CHECK(dir.read(name) == std::string("=== Service Sink HTTP Request Log ===\n"
                                                   "Timestamp: ") + timestamp + "\n"
                                       "Client IP: 10.1.2.3\n"
                                       "Method: POST\n"
                                       "Path: /orders?id=7\n"
                                       "Version: HTTP/1.1\n"
                                       "Headers:\n"
                                       "Host: sink.test\n"
                                       "X-Thing: a b\n"
                                       "\n"
                                       "Query Parameters: id=7\n"
                                       "Body Length: 21\n"
                                       "Body Content:\n"
                                       "line one\nline \"two\"\n\x01\n"
                                       "=== End Request ===\n");

    REQUIRE(host.call("GET", "/api/plain").status == 200);
    files = dir.names();
    REQUIRE(files.size() == 2);
    std::string second = files[0] == name ? files[1] : files[0];
    std::string content = dir.read(second);
    CHECK(content.find("Path: /plain\n") != std::string::npos);
    CHECK(content.find("Headers:\n\nQuery Parameters: (none)\nBody Length: 0\nBody Content: (empty)\n=== End Request ===\n") != std::string::npos);
    CHECK(host.counter("request_log_files") == 2);
}

TEST_CASE("service-sink: many requests in one second from one address get distinct files and retention keeps the newest", "[service-sink][request-log]")
{
    terrarium::test::ScratchDir dir;

    SECTION("distinct names")
    {
        FakeHost host(&terrarium_plugin_entry, configFor(dir, R"(,"request_log_retention":1000)"));
        host.start();
        for (int i = 0; i < 200; ++i) REQUIRE(host.call("GET", "/api/n/" + std::to_string(i)).status == 200);
        std::vector<std::string> files = dir.names();
        CHECK(files.size() == 200);
        for (const std::string& name : files) CHECK(name.rfind("service-sink-request_", 0) == 0);   // no temporary file left
    }
    SECTION("concurrent requests from several threads")
    {
        FakeHost host(&terrarium_plugin_entry, configFor(dir, R"(,"request_log_retention":150)"));
        host.start();
        std::vector<std::thread> threads;
        std::atomic<int> answered{0};
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&host, &answered, t] {
                for (int i = 0; i < 50; ++i)
                    if (host.call("GET", "/api/t" + std::to_string(t) + "/" + std::to_string(i)).status == 200) ++answered;
            });
        for (auto& thread : threads) thread.join();
        CHECK(answered == 200);
        std::vector<std::string> files = dir.names();
        CHECK(files.size() == 150);
        for (const std::string& name : files) CHECK(name.rfind("service-sink-request_", 0) == 0);
    }
    SECTION("retention")
    {
        FakeHost host(&terrarium_plugin_entry, configFor(dir, R"(,"request_log_retention":3)"));
        host.start();
        for (int i = 1; i <= 10; ++i) REQUIRE(host.call("GET", "/api/n/" + std::to_string(i)).status == 200);
        std::vector<std::string> files = dir.names();
        REQUIRE(files.size() == 3);
        std::string kept;
        for (const std::string& name : files) kept += dir.read(name);
        for (int i = 8; i <= 10; ++i) CHECK(kept.find("Path: /n/" + std::to_string(i) + "\n") != std::string::npos);
        CHECK(kept.find("Path: /n/7\n") == std::string::npos);
    }
    SECTION("other files in the directory are left alone, and a new instance continues the sequence")
    {
        dir.write("notes.txt", "keep me");
        dir.write("request_1_1.2.3.4_1.txt", "custom-client's");
        dir.write("service-sink-request_1_1.2.3.4_41.txt", "an older generation's");
        FakeHost host(&terrarium_plugin_entry, configFor(dir, R"(,"request_log_retention":2)"));
        host.start();
        REQUIRE(host.call("GET", "/api/a").status == 200);
        REQUIRE(host.call("GET", "/api/b").status == 200);
        std::vector<std::string> files = dir.names();
        REQUIRE(files.size() == 4);
        CHECK(files[0] == "notes.txt");
        CHECK(files[1] == "request_1_1.2.3.4_1.txt");
        CHECK(files[2].find("_127.0.0.1_42.txt") != std::string::npos);
        CHECK(files[3].find("_127.0.0.1_43.txt") != std::string::npos);
    }
}

TEST_CASE("service-sink: request-log settings: off, unwritable directory, malformed values", "[service-sink][request-log][config]")
{
    terrarium::test::ScratchDir dir;

    SECTION("an empty directory setting writes no files")
    {
        FakeHost host(&terrarium_plugin_entry, R"({"request_log_dir":""})");
        host.start();
        CHECK(host.call("GET", "/api/x").status == 200);
        CHECK(host.counter("request_log_files") == 0);
    }
    SECTION("a missing directory is created")
    {
        FakeHost host(&terrarium_plugin_entry, R"({"request_log_dir":")" + dir.file("a/b") + "\"}");
        host.start();
        CHECK(host.call("GET", "/api/x").status == 200);
        CHECK(dir.names("a/b").size() == 1);
    }
    SECTION("a directory that cannot be written: the request is still answered, the failure logged and counted")
    {
        dir.write("plain-file", "x");
        FakeHost host(&terrarium_plugin_entry, R"({"request_log_dir":")" + dir.file("plain-file/sub") + "\"}");
        host.start();
        CHECK(host.call("GET", "/api/x").status == 200);
        CHECK(host.counter("request_log_failures") == 1);
        CHECK(host.logged("Failed to write the request-log file"));
    }
    SECTION("malformed values refuse the load, naming the key")
    {
        for (const char* config : {R"({"request_log_retention":0})", R"({"request_log_retention":"many"})", R"({"request_log_retention":-5})",
                                   R"({"request_log_retention":1.5})"}) {
            FakeHost host(&terrarium_plugin_entry, config);
            CHECK(host.tryStart() != TRM_OK);
            CHECK(host.logged("config key 'request_log_retention'"));
        }
    }
}

TEST_CASE("service-sink: declares /api as its default route, stripped", "[service-sink][routes]")
{
    FakeHost host(&terrarium_plugin_entry, R"({"request_log_dir":""})");
    host.start();
    const trm_plugin_descriptor* descriptor = host.descriptor();
    REQUIRE(std::string(descriptor->name) == "service-sink");
    REQUIRE(descriptor->route_count == 1);
    CHECK(std::string(descriptor->routes[0].prefix) == "/api");
    CHECK((descriptor->routes[0].flags & TRM_ROUTE_STRIP_PREFIX) != 0);
    CHECK(descriptor->routes[0].host == nullptr);
}
