// custom-client through FakeHost: the rows of services.md §2 over its default routes, the answer's
// shape, unparsable requests, the log lines and the request-log files.
#include "Utf8Text.h"

#include "Eventually.h"
#include "ScratchDir.h"

#include <terrarium/testing/fake_host.hpp>

#include <catch2/catch.hpp>

#include <Poco/DirectoryIterator.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using terrarium::testing::FakeHost;
using terrarium::testing::FakeResponse;
using terrarium::sink::Utf8Text;

namespace {

/// No periodic file and no secrets noise unless a test asks for them.
std::string configFor(const terrarium::test::ScratchDir& dir)
{
    return R"({"request_log_dir":")" + dir.path() + R"(","file_interval_ms":0})";
}

/// status, {"status":…,"message":…,"timestamp":<integer of now>} exactly these members, in order.
void checkAnswer(const FakeResponse& response, int status, const std::string& state, const std::string& message, std::time_t before)
{
    INFO(response.body);
    REQUIRE(response.status == status);
    REQUIRE(response.header("Content-Type").value_or("") == "application/json");
    REQUIRE(Utf8Text::valid(response.body));
    Poco::JSON::Parser parser;
    Poco::JSON::Object::Ptr body = parser.parse(response.body).extract<Poco::JSON::Object::Ptr>();
    CHECK(body->getValue<std::string>("status") == state);
    CHECK(body->getValue<std::string>("message") == message);
    REQUIRE(body->get("timestamp").isInteger());
    CHECK(body->getValue<long long>("timestamp") >= before);
    CHECK(body->getValue<long long>("timestamp") <= std::time(nullptr));
    CHECK_FALSE(body->has("service"));
    std::string timestamp = std::to_string(body->getValue<long long>("timestamp"));
    if (state == "success")
        CHECK(response.body == "{\"status\":\"success\",\"message\":\"" + message + "\",\"timestamp\":" + timestamp + "}");
    else
        CHECK(response.body == "{\"status\":\"error\",\"error\":\"bad_request\",\"message\":\"" + message + "\",\"timestamp\":" + timestamp + "}");
}

const std::string Healthy = "Custom Client is healthy";
const std::string Processed = "Custom Client processed request successfully";
const std::string Received = "Custom Client received request";

} // namespace

TEST_CASE("custom-client: the rows of its table over its default routes", "[custom-client]")
{
    terrarium::test::ScratchDir dir;
    FakeHost host(&terrarium_plugin_entry, configFor(dir));
    host.start();
    std::time_t before = std::time(nullptr);

    // GET /health (exact path) after /api/custom-client is stripped
    checkAnswer(host.call("GET", "/api/custom-client/health"), 200, "success", Healthy, before);
    checkAnswer(host.call("GET", "/api/custom-client/health?probe=1"), 200, "success", Healthy, before);
    checkAnswer(host.call("POST", "/api/custom-client/health"), 200, "success", Received, before);
    checkAnswer(host.call("GET", "/api/custom-client/health/deep"), 200, "success", Received, before);

    // a path containing /fake-provider/ or /example-provider/, any method (those routes keep their prefix)
    checkAnswer(host.call("GET", "/api/fake-provider/test"), 200, "success", Processed, before);
    checkAnswer(host.call("POST", "/api/fake-provider/orders?id=3", "{}"), 200, "success", Processed, before);
    checkAnswer(host.call("DELETE", "/api/example-provider/x/y"), 200, "success", Processed, before);
    checkAnswer(host.call("PUT", "/api/custom-client/fake-provider/z"), 200, "success", Processed, before);
    checkAnswer(host.call("GET", "/api/custom-client/v1/example-provider/"), 200, "success", Processed, before);

    // anything else
    checkAnswer(host.call("GET", "/api/custom-client/"), 200, "success", Received, before);
    checkAnswer(host.call("GET", "/api/custom-client/anything?q=/fake-provider/"), 200, "success", Received, before);
    checkAnswer(host.call("GET", "/api/fake-provider"), 200, "success", Received, before);         // no "/fake-provider/" in the path
    checkAnswer(host.call("PATCH", "/api/custom-client/fake-providers/x"), 200, "success", Received, before);

    // Host: mycoolwebsite.company.com sends every path, unchanged
    checkAnswer(host.call("GET", "/whatever/path", "", {{"Host", "mycoolwebsite.company.com"}}), 200, "success", Received, before);
    checkAnswer(host.call("GET", "/api/fake-provider/a", "", {{"Host", "MyCoolWebsite.company.com:443"}}), 200, "success", Processed, before);
    checkAnswer(host.call("GET", "/health", "", {{"Host", "mycoolwebsite.company.com"}}), 200, "success", Healthy, before);

    CHECK(host.counter("health_checks") == 3);
    CHECK(host.counter("requests") == 13);
    CHECK(dir.names().size() == 13);
}

TEST_CASE("custom-client: its default routes", "[custom-client][routes]")
{
    FakeHost host(&terrarium_plugin_entry, R"({"request_log_dir":"","file_interval_ms":0})");
    host.start();
    const trm_plugin_descriptor* d = host.descriptor();
    REQUIRE(std::string(d->name) == "custom-client");
    REQUIRE(d->route_count == 4);
    CHECK(std::string(d->routes[0].prefix) == "/api/custom-client");
    CHECK((d->routes[0].flags & TRM_ROUTE_STRIP_PREFIX) != 0);
    CHECK(std::string(d->routes[1].prefix) == "/api/fake-provider");
    CHECK((d->routes[1].flags & TRM_ROUTE_STRIP_PREFIX) == 0);
    CHECK(std::string(d->routes[2].prefix) == "/api/example-provider");
    CHECK((d->routes[2].flags & TRM_ROUTE_STRIP_PREFIX) == 0);
    CHECK(std::string(d->routes[3].prefix) == "/");
    CHECK(std::string(d->routes[3].host) == "mycoolwebsite.company.com");
    CHECK((d->routes[3].flags & TRM_ROUTE_STRIP_PREFIX) == 0);
    for (size_t i = 0; i < 3; ++i) CHECK(d->routes[i].host == nullptr);
}

TEST_CASE("custom-client: health logs the probe type and the client, other requests log a line and write a file", "[custom-client][log]")
{
    terrarium::test::ScratchDir dir;
    FakeHost host(&terrarium_plugin_entry, configFor(dir));
    host.start();
    host.setPeer("192.168.7.9:51000", "main");

    REQUIRE(host.call("GET", "/api/custom-client/health", "", {{"X-Probe-Type", "liveness"}}).status == 200);
    REQUIRE(host.call("GET", "/api/custom-client/health", "", {{"x-probe-type", "readiness"}}).status == 200);
    REQUIRE(host.call("GET", "/api/custom-client/health", "", {{"X-Probe-Type", "bogus"}}).status == 200);
    CHECK(host.logged("Health check: liveness probe from 192.168.7.9"));
    CHECK(host.logged("Health check: readiness probe from 192.168.7.9"));
    CHECK(host.logged("Health check: unknown probe from 192.168.7.9"));
    CHECK(dir.names().empty());   // health requests are not written to disk

    std::time_t before = std::time(nullptr);
    REQUIRE(host.call("POST", "/api/fake-provider/items?color=red&size=2", "hello", {{"Host", "gw.test"}, {"Content-Type", "text/plain"}})
                .status == 200);
    std::time_t after = std::time(nullptr);
    CHECK(host.logged("Request: POST /api/fake-provider/items?color=red&size=2 from 192.168.7.9 (Query: color=red&size=2, Body: 5 bytes)"));
    REQUIRE(host.call("GET", "/api/custom-client/plain").status == 200);
    CHECK(host.logged("Request: GET /plain from 192.168.7.9 (Query: none, Body: 0 bytes)"));

    std::vector<std::string> files = dir.names();
    REQUIRE(files.size() == 2);
    for (const std::string& name : files) {
        INFO(name);
        CHECK(name.rfind("request_", 0) == 0);
        CHECK(name.find("_192.168.7.9_") != std::string::npos);
    }
    CHECK(files[0].find("_1.txt") != std::string::npos);   // sorted: the first request's file comes first
    std::string first = dir.read(files[0]);
    long long epoch = std::stoll(files[0].substr(8));
    CHECK(epoch >= before);
    CHECK(epoch <= after);
    std::time_t stamp = static_cast<std::time_t>(epoch);
    std::tm local{};
    localtime_r(&stamp, &local);
    char timestamp[32];
    std::strftime(timestamp, sizeof timestamp, "%Y-%m-%d %H:%M:%S", &local);
    CHECK(first == std::string("=== HTTP Request Log ===\n"
                               "Timestamp: ") + timestamp + "\n"
                   "Client IP: 192.168.7.9\n"
                   "Method: POST\n"
                   "Path: /api/fake-provider/items?color=red&size=2\n"
                   "Version: HTTP/1.1\n"
                   "Headers:\n"
                   "Host: gw.test\n"
                   "Content-Type: text/plain\n"
                   "\n"
                   "Query Parameters: color=red&size=2\n"
                   "Body Length: 5\n"
                   "Body Content:\n"
                   "hello\n"
                   "=== End Request ===\n");
}

TEST_CASE("custom-client: an unparsable request answers 400 Bad Request with status error", "[custom-client][bad-request]")
{
    terrarium::test::ScratchDir dir;
    FakeHost host(&terrarium_plugin_entry, configFor(dir));
    host.start();
    std::time_t before = std::time(nullptr);

    checkAnswer(host.call("GET", "/api/custom-client/%zz"), 400, "error", "Bad Request", before);
    checkAnswer(host.call("GET", "/api/fake-provider/x?y=%"), 400, "error", "Bad Request", before);
    checkAnswer(host.call("POST", "/api/custom-client/x", "{\"a\":[1,}", {{"Content-Type", "application/json"}}), 400, "error", "Bad Request",
                before);
    checkAnswer(host.call("GET", "/api/custom-client/health?x=%q1"), 400, "error", "Bad Request", before);
    CHECK(host.logged("Failed to parse request from 127.0.0.1: malformed percent-escape"));
    CHECK(host.logged("Failed to parse request from 127.0.0.1: the request body is not valid JSON"));
    CHECK(host.counter("bad_requests") == 4);
    CHECK(dir.names().empty());

    // Bytes a strict reader would choke on but that parse: answered, in valid JSON.
    checkAnswer(host.call("POST", "/api/custom-client/caf\xC3\xA9/\xFF?q=\"x\"", std::string("a\0b\n\"c\"", 7)), 200, "success", Received, before);
}
