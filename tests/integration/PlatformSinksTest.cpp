// custom-client and service-sink (services.md §2, §3) loaded in the real terrariumd: their routes
// and answers over real HTTP, health with the probe log line, request-log files, secrets from a
// Vault fixture and the defaults when Vault is unreachable, and custom-client's periodic PUT
// /files reaching a stand-in for file-storage through the host's service directory.
#include "HttpTestClient.h"
#include "RawHttpConnection.h"
#include "TempDir.h"
#include "TerrariumProcess.h"
#include "UpstreamFixture.h"
#include "VaultFixture.h"

#include <catch2/catch.hpp>

#include <Poco/DirectoryIterator.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <map>
#include <string>
#include <vector>

using namespace terrarium::test;

namespace {

/// Both plugins; service-sink also takes every path no other route matches (unchanged), as the
/// platform's gateway did; files in requestDir; custom-client creates a file every intervalMs.
TerrariumProcess::Options platform(const std::string& requestDir, const std::string& fileStorageUrl, int intervalMs,
                                   const std::string& customClientExtra = "")
{
    TerrariumProcess::Options options;
    options.plugins = {{CUSTOM_CLIENT_PLUGIN_PATH, "custom-client.so"}, {SERVICE_SINK_PLUGIN_PATH, "service-sink.so"}};
    options.configJson = R"({"watch":{"enabled":false},"services":{"file-storage":")" + fileStorageUrl + R"("},
        "client":{"max_attempts":1},
        "plugins":{
          "custom-client":{"config":{"request_log_dir":")" + requestDir + R"(","file_interval_ms":)" + std::to_string(intervalMs) +
                         customClientExtra + R"(}},
          "service-sink":{"config":{"request_log_dir":")" + requestDir + R"("},
                          "routes":[{"prefix":"/api","strip_prefix":true},{"prefix":"/","strip_prefix":false}]}}})";
    return options;
}

std::string messageOf(const HttpResult& answer)
{
    return answer.json()->getValue<std::string>("message");
}

std::vector<std::string> filesIn(const std::string& dir, const std::string& prefix)
{
    std::vector<std::string> names;
    try {
        for (Poco::DirectoryIterator it(dir), end; it != end; ++it)
            if (it.name().rfind(prefix, 0) == 0) names.push_back(it.name());
    } catch (...) {
    }
    return names;
}

/// A GET with a raw request line (bytes a client library would escape).
HttpResult rawGet(const TerrariumProcess& host, const std::string& target)
{
    RawHttpConnection connection(host.mainAddress());
    connection.send("GET " + target + " HTTP/1.1\r\nHost: gateway.test\r\nConnection: close\r\n\r\n");
    return connection.readResponse();
}

std::string sinkMessage(const std::string& path)
{
    return "Service Sink processed request to path '" + path + "' (length: " + std::to_string(path.size()) + ")";
}

} // namespace

TEST_CASE("platform sinks: the gateway's routes reach custom-client and service-sink with their answers", "[platform][sinks]")
{
    TempDir requests;
    UpstreamFixture storage;
    TerrariumProcess host(platform(requests.path(), storage.baseUrl(), 0));

    HttpResult health = host.get("/api/custom-client/health", {{"X-Probe-Type", "readiness"}});
    REQUIRE(health.status == 200);
    CHECK(health.header("Content-Type") == "application/json");
    auto body = health.json();
    CHECK(body->getValue<std::string>("status") == "success");
    CHECK(body->getValue<std::string>("message") == "Custom Client is healthy");
    CHECK(body->get("timestamp").isInteger());
    CHECK(host.waitForLog("Health check: readiness probe from 127.0.0.1"));

    CHECK(messageOf(host.get("/api/fake-provider/test")) == "Custom Client processed request successfully");
    CHECK(messageOf(host.request("POST", "/api/example-provider/v1/items?x=1", "{}", {{"Content-Type", "application/json"}})) ==
          "Custom Client processed request successfully");
    CHECK(messageOf(host.get("/api/custom-client/anything")) == "Custom Client received request");
    CHECK(messageOf(host.get("/some/page", {{"Host", "mycoolwebsite.company.com"}})) == "Custom Client received request");
    CHECK(host.waitForLog("Request: POST /api/example-provider/v1/items?x=1 from 127.0.0.1 (Query: x=1, Body: 2 bytes)"));

    HttpResult sinkHealth = host.get("/api/health", {{"X-Probe-Type", "liveness"}});
    auto sinkBody = sinkHealth.json();
    CHECK(sinkBody->getValue<std::string>("message") == "Service Sink is healthy");
    CHECK(sinkBody->getValue<std::string>("service") == "service-sink");
    CHECK(host.waitForLog("Health check: liveness probe from 127.0.0.1"));
    CHECK(messageOf(host.get("/api/orders/7?expand=items")) == sinkMessage("/orders/7?expand=items"));       // any other /api/<rest>: stripped
    CHECK(messageOf(host.request("DELETE", "/not/api/x?y=%2F")) == sinkMessage("/not/api/x?y=%2F"));         // anything else: unchanged
    CHECK(messageOf(host.get("/api/a%20b/%C3%A9?q=%22")) == sinkMessage("/a%20b/%C3%A9?q=%22"));

    // Bytes as they arrive on the wire: UTF-8 passes through, other bytes still give valid JSON.
    CHECK(messageOf(rawGet(host, "/api/caf\xC3\xA9?n=\xE2\x82\xAC")) == sinkMessage("/caf\xC3\xA9?n=\xE2\x82\xAC"));
    HttpResult invalid = rawGet(host, "/api/x\xFF\xFE");
    REQUIRE(invalid.status == 200);
    CHECK(messageOf(invalid) == "Service Sink processed request to path '/x\xEF\xBF\xBD\xEF\xBF\xBD' (length: 4)");

    // Unparsable: 400 with status error, the host keeps serving.
    HttpResult bad = host.get("/api/custom-client/x%zz");
    REQUIRE(bad.status == 400);
    CHECK(bad.json()->getValue<std::string>("status") == "error");
    CHECK(bad.json()->getValue<std::string>("message") == "Bad Request");
    HttpResult badSink = host.request("POST", "/api/items", "{\"a\":", {{"Content-Type", "application/json"}});
    REQUIRE(badSink.status == 400);
    CHECK(badSink.json()->getValue<std::string>("message") == "Bad Request - Service Sink");
    CHECK(host.waitForLog("Failed to parse request from 127.0.0.1"));
    CHECK(host.get("/ready").status == 200);

    // Every request but health checks and unparsable ones left a file, under its plugin's prefix.
    CHECK(filesIn(requests.path(), "request_").size() == 4);
    CHECK(filesIn(requests.path(), "service-sink-request_").size() == 5);
    for (const std::string& name : filesIn(requests.path(), "service-sink-request_"))
        CHECK(readFile(requests.file(name)).rfind("=== Service Sink HTTP Request Log ===\n", 0) == 0);
    bool postFound = false;
    for (const std::string& name : filesIn(requests.path(), "request_")) {
        std::string content = readFile(requests.file(name));
        if (content.find("Method: POST\n") == std::string::npos) continue;
        postFound = true;
        INFO(content);
        CHECK(name.find("_127.0.0.1_") != std::string::npos);
        CHECK(content.rfind("=== HTTP Request Log ===\nTimestamp: ", 0) == 0);
        CHECK(content.find("\nClient IP: 127.0.0.1\nMethod: POST\nPath: /api/example-provider/v1/items?x=1\nVersion: HTTP/1.1\nHeaders:\n") !=
              std::string::npos);
        CHECK(content.find("Content-Type: application/json\n") != std::string::npos);
        CHECK(content.find("\n\nQuery Parameters: x=1\nBody Length: 2\nBody Content:\n{}\n=== End Request ===\n") != std::string::npos);
    }
    CHECK(postFound);
}

TEST_CASE("platform sinks: custom-client reads its secrets once from Vault and prints them masked", "[platform][sinks][secrets]")
{
    TempDir requests;
    UpstreamFixture storage;
    VaultFixture vault;
    vault.seedDemoData("root-token");

    TerrariumProcess::Options options = platform(requests.path(), storage.baseUrl(), 0);
    options.env = {{"VAULT_ADDR", vault.baseUrl()}, {"VAULT_TOKEN", "root-token"}};
    TerrariumProcess host(options);

    REQUIRE(host.waitForLog("=== END VAULT SECRETS ==="));
    CHECK(host.waitForLog("Secrets loaded"));
    CHECK(host.log().find("=== VAULT SECRETS RETRIEVED ===\nAPI Key: ********\nDatabase URL: ********\nJWT Secret: ********\n"
                          "Encryption Key: ********\nLog Level: ********\nMax Connections: ********\n=== END VAULT SECRETS ===\n") !=
          std::string::npos);
    CHECK(host.log().find("secret store") != std::string::npos);
    CHECK(vault.reads("custom-client/config") == 1);   // six keys, one read of the path
    for (const auto& [key, value] : VaultFixture::demoData()) {
        if (value.size() < 8) continue;   // "INFO", "100" appear in ordinary lines
        INFO(key);
        CHECK(host.log().find(value) == std::string::npos);
    }
    CHECK(host.log().find("Failed to retrieve secrets") == std::string::npos);
}

TEST_CASE("platform sinks: with show_secrets the block holds Vault's values, with Vault unreachable every default and a WARN",
          "[platform][sinks][secrets]")
{
    TempDir requests;
    UpstreamFixture storage;

    SECTION("Vault's values")
    {
        VaultFixture vault;
        vault.seedDemoData("root-token");
        TerrariumProcess::Options options = platform(requests.path(), storage.baseUrl(), 0, R"(,"show_secrets":true)");
        options.env = {{"VAULT_ADDR", vault.baseUrl()}, {"VAULT_TOKEN", "root-token"}};
        TerrariumProcess host(options);
        REQUIRE(host.waitForLog("=== END VAULT SECRETS ==="));
        CHECK(host.log().find("API Key: mock-api-key-12345\nDatabase URL: postgresql://user:pass@db:5432/app\nJWT Secret: mock-jwt-secret-67890\n"
                              "Encryption Key: mock-encryption-key-abcdef\nLog Level: INFO\nMax Connections: 100\n") != std::string::npos);
    }
    SECTION("Vault unreachable")
    {
        TerrariumProcess::Options options = platform(requests.path(), storage.baseUrl(), 0, R"(,"show_secrets":true)");
        options.env = {{"VAULT_ADDR", "http://127.0.0.1:" + std::to_string(UpstreamFixture::closedPort())}, {"VAULT_TOKEN", "root-token"}};
        TerrariumProcess host(options);
        REQUIRE(host.waitForLog("=== END VAULT SECRETS ==="));
        CHECK(host.waitForLog("Failed to retrieve secrets, using default values"));
        CHECK(host.log().find("API Key: default-api-key\nDatabase URL: default-database-url\nJWT Secret: default-jwt-secret\n"
                              "Encryption Key: default-encryption-key\nLog Level: INFO\nMax Connections: 100\n") != std::string::npos);
        CHECK(messageOf(host.get("/api/custom-client/health")) == "Custom Client is healthy");   // still serving
    }
}

TEST_CASE("platform sinks: custom-client's periodic PUT /files reaches file-storage through the service directory and a failure is retried at the next tick",
          "[platform][sinks][files]")
{
    TempDir requests;
    UpstreamFixture storage;
    UpstreamFixture::Script failOnce;
    failOnce.behaviour = UpstreamFixture::Behaviour::FailFirst;
    failOnce.failures = 1;
    failOnce.failureStatus = 500;
    failOnce.body = R"({"filename":"x.txt","size":1,"created_at":"now","message":"File 'x.txt' created successfully"})";
    storage.script("/files", failOnce);

    TerrariumProcess host(platform(requests.path(), storage.baseUrl(), 100));
    REQUIRE(waitUntil([&] { return storage.requests("/files") >= 3; }));
    CHECK(host.waitForLog("File storage API returned error code: 500"));
    CHECK(host.waitForLog("Successfully created file via file storage API"));

    for (const UpstreamFixture::Received& put : storage.received("/files")) {
        INFO(put.body);
        CHECK(put.method == "PUT");
        CHECK(put.target == "/files");
        CHECK(put.contentType == "application/json");
        Poco::JSON::Parser parser;
        auto body = parser.parse(put.body).extract<Poco::JSON::Object::Ptr>();
        CHECK(body->size() == 3);
        std::string prefix = body->getValue<std::string>("filename_prefix");
        CHECK(prefix.size() == 19);
        CHECK(body->getValue<std::string>("content").rfind("Custom Client generated file at " + prefix + "\n", 0) == 0);
        CHECK(body->getValue<std::string>("extension") == ".txt");
    }

    // Stopping the host joins the thread promptly, between two ticks or during one.
    CHECK(host.terminate() == 0);
}

TEST_CASE("platform sinks: when the file service is a plugin of the same host, custom-client's PUT is served in-process", "[platform][sinks][files]")
{
    TempDir requests;
    TerrariumProcess::Options options = platform(requests.path(), "http://127.0.0.1:" + std::to_string(UpstreamFixture::closedPort()), 100,
                                                 R"(,"file_storage_service":"echo")");
    options.plugins.emplace_back(ECHO_PLUGIN_PATH, "echo.so");
    TerrariumProcess host(options);
    REQUIRE(host.waitForLog("Successfully created file via file storage API"));
    std::string log = host.log();
    CHECK(log.find(R"("storage_service":"echo")") != std::string::npos);
    CHECK(log.find(R"("in_process":"true")") != std::string::npos);
    CHECK(log.find(R"(\"method\":\"PUT\",\"path\":\"/files\")") != std::string::npos);   // echo's answer, quoted in the record
    CHECK(log.find(R"(\"client\":\"in-process\")") != std::string::npos);
}
