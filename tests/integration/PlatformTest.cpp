// The Edge-Terrarium platform in the real terrariumd: config/edge-terrarium.json as shipped (every
// address on 127.0.0.1:0) with the real custom-client, service-sink and file-storage plugins and
// a fake Vault (logthon is not loaded: its routes answer 503). Each route of the gateway table and
// of the mycoolwebsite.company.com table reaches the right plugin with the right path (told by the
// plugins' own answers and log lines), CORS, /nginx-health, /api/vault/, the direct listeners;
// custom-client's periodic file stored by file-storage in-process (and failing while file-storage
// is unloaded); secrets from Vault or their defaults; hot reloads of each service under traffic
// through the gateway and on its own listener.
#include "EdgeTerrariumConfig.h"
#include "HttpTestClient.h"
#include "TempDir.h"
#include "TerrariumProcess.h"
#include "Traffic.h"
#include "VaultFixture.h"

#include <catch2/catch.hpp>

#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace terrarium::test;

namespace {

const std::string ClientIp = "127.0.0.1";
const std::string FileCreated = "Successfully created file via file storage API";

/// How a test's platform differs from the shipped configuration.
struct PlatformOptions
{
    int fileIntervalMs = 0;       /// custom-client's periodic file (0: none)
    int maxFiles = 15;            /// file-storage's max_files
    bool showSecrets = false;     /// custom-client prints the secret values in clear
    bool vaultInConfig = false;   /// secrets.vault.address/token in the config file instead of VAULT_ADDR/VAULT_TOKEN
    bool vaultDown = false;       /// the fake Vault refuses connections from the start
};

/// A JSON object with members.
Poco::JSON::Object::Ptr object(std::initializer_list<std::pair<std::string, Poco::Dynamic::Var>> members)
{
    Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
    for (const auto& [name, value] : members) result->set(name, value);
    return result;
}

/// terrariumd with config/edge-terrarium.json on loopback ports, the three real plugins storing in
/// temporary directories, and a fake Vault seeded with the demo secret (token "root-token").
struct Platform
{
    explicit Platform(const PlatformOptions& settings = {})
    {
        vault.seedDemoData("root-token");
        vault.setDown(settings.vaultDown);

        auto config = edgeTerrariumConfigOnLoopback();
        config->set("plugins",
                    object({{"custom-client", object({{"config", object({{"request_log_dir", requests.path()},
                                                                         {"file_interval_ms", settings.fileIntervalMs},
                                                                         {"show_secrets", settings.showSecrets}})}})},
                            {"service-sink", object({{"config", object({{"request_log_dir", requests.path()}})}})},
                            {"file-storage", object({{"config", object({{"path", storage.path()}, {"max_files", settings.maxFiles}})}})}}));
        TerrariumProcess::Options options;
        options.plugins = {{CUSTOM_CLIENT_PLUGIN_PATH, "custom-client.so"},
                           {SERVICE_SINK_PLUGIN_PATH, "service-sink.so"},
                           {FILE_STORAGE_PLUGIN_PATH, "file-storage.so"}};
        if (settings.vaultInConfig) {
            auto vaultConfig = config->getObject("secrets")->getObject("vault");
            vaultConfig->set("address", vault.baseUrl());
            vaultConfig->set("token", "root-token");
        } else {
            options.env = {{"VAULT_ADDR", vault.baseUrl()}, {"VAULT_TOKEN", "root-token"}};
        }
        options.configJson = jsonText(config);
        host = std::make_unique<TerrariumProcess>(options);
    }

    /// A request on the gateway (the main listener).
    HttpResult gateway(const std::string& method, const std::string& target, const std::map<std::string, std::string>& headers = {},
                       const std::string& body = "") const
    {
        return host->request(method, target, body, headers);
    }

    /// A request on the direct listener of service.
    HttpResult direct(const std::string& service, const std::string& method, const std::string& target, const std::string& body = "",
                      const std::map<std::string, std::string>& headers = {}) const
    {
        const std::string address = host->listenerAddress(service);
        REQUIRE_FALSE(address.empty());
        return httpRequest(address, method, target, body, headers);
    }

    /// Waits for a log line holding every one of parts, from byte from of the log on, and returns
    /// it ("" after the deadline).
    std::string logLine(const std::vector<std::string>& parts, std::string::size_type from = 0) const
    {
        std::string found;
        waitUntil([&] {
            const std::string log = host->log();
            std::istringstream lines(from < log.size() ? log.substr(from) : std::string());
            for (std::string line; std::getline(lines, line);) {
                bool all = true;
                for (const std::string& part : parts) all = all && line.find(part) != std::string::npos;
                if (all) {
                    found = line;
                    return true;
                }
            }
            return false;
        });
        return found;
    }

    /// The log lines so far that hold needle and come after the first line holding after, joined
    /// by newlines ("" when there is none, also when no line holds after).
    std::string linesAfter(const std::string& after, const std::string& needle) const
    {
        std::string found;
        bool started = false;
        std::istringstream lines(host->log());
        for (std::string line; std::getline(lines, line);) {
            if (started && line.find(needle) != std::string::npos) found += line + "\n";
            started = started || line.find(after) != std::string::npos;
        }
        return found;
    }

    /// The periodic file creations that failed after custom-client's first successful one (its
    /// thread makes one call at a time, so a failure logged later is a later call's). Calls before
    /// it may fail: at start the host loads custom-client before file-storage.
    std::string fileFailuresAfterFirstSuccess() const
    {
        return linesAfter(FileCreated, "Failed to create file via file storage API") + linesAfter(FileCreated, "File storage API returned error code");
    }

    /// True once custom-client has logged that it served method and target (path and query as it saw them).
    bool customClientSaw(const std::string& method, const std::string& target) const
    {
        return host->waitForLog("Request: " + method + " " + target + " from " + ClientIp + " (");
    }

    TempDir requests;
    TempDir storage;
    terrarium::test::VaultFixture vault;
    std::unique_ptr<TerrariumProcess> host;   // last: stopped before the fixtures it uses go away
};

std::string messageOf(const HttpResult& answer)
{
    INFO(answer.status << " " << answer.body);
    REQUIRE(answer.status == 200);
    return answer.json()->getValue<std::string>("message");
}

std::string sinkMessage(const std::string& path)
{
    return "Service Sink processed request to path '" + path + "' (length: " + std::to_string(path.size()) + ")";
}

const std::string CustomClientReceived = "Custom Client received request";
const std::string CustomClientProcessed = "Custom Client processed request successfully";

/// The samples with labels of a Prometheus family on page, one line each.
std::vector<std::string> samplesOf(const std::string& page, const std::string& family)
{
    std::vector<std::string> samples;
    std::istringstream lines(page);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind(family + "{", 0) == 0) samples.push_back(line);
    return samples;
}

/// A string member of a JSON object text; throws (a Poco exception) when there is none. Unlike
/// HttpResult::json(), usable on the traffic threads (it never FAILs the test).
std::string memberOf(const std::string& json, const std::string& name)
{
    return Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>(name);
}

/// "" when answer has status, CORS headers when cors, and (if not empty) message; else a
/// description for a failure list.
std::string expectAnswer(const HttpResult& answer, int status, const std::string& message, const std::string& what, bool cors = true)
{
    std::string problem;
    if (answer.status != status)
        problem = "status " + std::to_string(answer.status);
    else if (cors && answer.header("Access-Control-Allow-Origin") != "*")
        problem = "no CORS header";
    else if (!message.empty() && answer.body.find("\"message\":\"" + message + "\"") == std::string::npos)
        problem = "unexpected message";
    return problem.empty() ? "" : what + ": " + problem + ": " + answer.body;
}

/// Five admin reloads of service while traffic threads send requests to it, three through the
/// gateway and one on its direct listener; between two reloads the traffic of both makes progress.
/// FAILs on any failed request or reload.
void reloadUnderTraffic(Platform& platform, const std::string& service, const Traffic::Exchange& throughGateway,
                        const Traffic::Exchange& direct)
{
    const std::int64_t generation = platform.host->admin("GET", "/admin/plugins/" + service).json()->getValue<std::int64_t>("generation");
    Traffic gateway(platform.host->mainAddress(), 3, throughGateway);
    Traffic own(platform.host->listenerAddress(service), 1, direct);
    auto progressed = [&](std::uint64_t gatewayBefore, std::uint64_t ownBefore) {
        return waitUntil([&] {
            return (gateway.ok.load() >= gatewayBefore + 10 && own.ok.load() >= ownBefore + 3) || gateway.failed.load() + own.failed.load() > 0;
        });
    };
    REQUIRE(progressed(0, 0));
    for (int i = 1; i <= 5; ++i) {
        const std::uint64_t gatewayBefore = gateway.ok.load();
        const std::uint64_t ownBefore = own.ok.load();
        HttpResult reload = platform.host->admin("POST", "/admin/plugins/" + service + "/reload");
        INFO(reload.body);
        REQUIRE(reload.status == 200);
        CHECK(reload.json()->getValue<std::int64_t>("generation") == generation + i);
        REQUIRE(progressed(gatewayBefore, ownBefore));
    }
    gateway.stop();
    own.stop();
    for (const std::string& failure : gateway.failures()) UNSCOPED_INFO("through the gateway: " << failure);
    for (const std::string& failure : own.failures()) UNSCOPED_INFO("direct: " << failure);
    CHECK(gateway.failed.load() == 0);
    CHECK(own.failed.load() == 0);
    CHECK(gateway.ok.load() >= 60);
    CHECK(own.ok.load() >= 18);
    CHECK(platform.host->admin("GET", "/admin/plugins/" + service).json()->getValue<std::int64_t>("reloads") == 5);
}

/// The names generated by custom-client's periodic PUT: "<%Y-%m-%d_%H-%M-%S>_<YYYYmmdd_HHMMSS_mmm>[_n].txt".
const std::regex GeneratedName(R"(^(\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2})_\d{8}_\d{6}_\d{3}(_\d+)?\.txt$)");

} // namespace

TEST_CASE("platform: every gateway route reaches the real plugin with the path of services.md section 1", "[platform][gateway]")
{
    Platform platform;

    SECTION("custom-client: /api/custom-client stripped, the providers unchanged")
    {
        HttpResult health = platform.gateway("GET", "/api/custom-client/health", {{"X-Probe-Type", "readiness"}});
        CHECK(messageOf(health) == "Custom Client is healthy");
        CHECK(health.header("Access-Control-Allow-Origin") == "*");
        CHECK(platform.host->waitForLog("Health check: readiness probe from " + ClientIp));

        CHECK(messageOf(platform.gateway("GET", "/api/custom-client/status?verbose=1")) == CustomClientReceived);
        CHECK(platform.customClientSaw("GET", "/status?verbose=1"));
        CHECK(messageOf(platform.gateway("GET", "/api/custom-client")) == CustomClientReceived);
        CHECK(platform.customClientSaw("GET", "/"));
        CHECK(messageOf(platform.gateway("GET", "/api/fake-provider/test?x=%2F&y")) == CustomClientProcessed);
        CHECK(platform.customClientSaw("GET", "/api/fake-provider/test?x=%2F&y"));
        CHECK(messageOf(platform.gateway("POST", "/api/example-provider/a/b", {{"Content-Type", "application/json"}}, "{}")) ==
              CustomClientProcessed);
        CHECK(platform.customClientSaw("POST", "/api/example-provider/a/b"));
    }
    SECTION("service-sink: any other /api/<rest> stripped, anything else unchanged")
    {
        struct Row { const char* method; const char* target; const char* seen; };
        for (const Row& row : {
                 Row{"GET", "/api/other/thing?a=1", "/other/thing?a=1"},
                 Row{"GET", "/api", "/"},
                 Row{"GET", "/api/custom-clientele", "/custom-clientele"},
                 Row{"PUT", "/api/storage-other/x", "/storage-other/x"},
                 Row{"GET", "/api/vaults", "/vaults"},
                 Row{"GET", "/apiary", "/apiary"},
                 Row{"GET", "/some/page?q=a%20b", "/some/page?q=a%20b"},
                 Row{"GET", "/", "/"},
                 Row{"GET", "/ready", "/ready"},
                 Row{"POST", "/metrics", "/metrics"},
                 Row{"DELETE", "/nginx-healthz", "/nginx-healthz"},
             }) {
            INFO(row.method << " " << row.target);
            HttpResult answer = platform.gateway(row.method, row.target);
            CHECK(messageOf(answer) == sinkMessage(row.seen));
            CHECK(answer.json()->getValue<std::string>("service") == "service-sink");
            CHECK(answer.header("Access-Control-Allow-Origin") == "*");
        }
        HttpResult health = platform.gateway("GET", "/health", {{"X-Probe-Type", "liveness"}});
        CHECK(messageOf(health) == "Service Sink is healthy");   // "probes": false: the gateway's /health is service-sink's
        CHECK(platform.gateway("GET", "/api/health").json()->getValue<std::string>("message") == "Service Sink is healthy");
    }
    SECTION("file-storage: /api/file-storage and /api/storage stripped, the same storage behind both")
    {
        HttpResult about = platform.gateway("GET", "/api/file-storage/");
        REQUIRE(about.status == 200);
        CHECK(about.json()->getValue<std::string>("service") == "File Storage API");
        CHECK(platform.gateway("GET", "/api/storage").json()->getValue<std::string>("status") == "running");

        HttpResult health = platform.gateway("GET", "/api/storage/health");
        REQUIRE(health.status == 200);
        CHECK(health.json()->getValue<std::string>("service") == "file-storage");
        CHECK(health.json()->getValue<std::string>("storage_path") == platform.storage.path());

        HttpResult created = platform.gateway("PUT", "/api/storage/files", {{"Content-Type", "application/json"}},
                                              R"({"content":"through the gateway\n","filename_prefix":"gateway"})");
        REQUIRE(created.status == 200);
        const std::string name = memberOf(created.body, "filename");
        CHECK(name.rfind("gateway_", 0) == 0);
        CHECK(created.json()->getValue<std::string>("message") == "File '" + name + "' created successfully");
        CHECK(created.header("Access-Control-Allow-Origin") == "*");
        CHECK(Poco::File(platform.storage.file(name)).exists());

        HttpResult read = platform.gateway("GET", "/api/file-storage/files/" + name);
        REQUIRE(read.status == 200);
        CHECK(read.json()->getValue<std::string>("content") == "through the gateway\n");
        HttpResult list = platform.gateway("GET", "/api/file-storage/files");
        REQUIRE(list.status == 200);
        CHECK(list.json()->getValue<int>("count") == 1);
        CHECK(list.json()->getArray("files")->getObject(0)->getValue<std::string>("filename") == name);
        CHECK(platform.gateway("GET", "/api/storage/info").json()->getValue<int>("total_files") == 1);

        HttpResult removed = platform.gateway("DELETE", "/api/storage/files/" + name);
        REQUIRE(removed.status == 200);
        CHECK(removed.json()->getValue<std::string>("message") == "File '" + name + "' deleted successfully");
        HttpResult missing = platform.gateway("GET", "/api/storage/files/" + name);
        CHECK(missing.status == 404);
        CHECK(missing.json()->getValue<std::string>("detail") == "File '" + name + "' not found");
        CHECK(missing.header("Access-Control-Allow-Origin") == "*");
        CHECK(platform.host->waitForLog("API DELETE /files/" + name + " - 200"));
    }
    SECTION("logthon is not loaded: its routes answer 503 with CORS")
    {
        for (const char* target : {"/api/logs", "/api/logthon/health"}) {
            INFO(target);
            HttpResult answer = platform.gateway("POST", target, {{"Content-Type", "application/json"}}, R"({"service":"x","message":"m"})");
            CHECK(answer.status == 503);
            CHECK(answer.json()->getValue<std::string>("error") == "plugin_unavailable");
            CHECK(answer.header("Access-Control-Allow-Origin") == "*");
        }
        CHECK(platform.direct("logthon", "GET", "/health").status == 503);
    }
}

TEST_CASE("platform: with Host mycoolwebsite.company.com every path reaches custom-client unchanged", "[platform][gateway][host]")
{
    Platform platform;
    const std::map<std::string, std::string> website{{"Host", "mycoolwebsite.company.com"}};
    for (const char* target : {"/", "/page?x=1", "/api/storage/files", "/api/vault/v1/sys/health", "/nginx-health", "/api/other"}) {
        INFO(target);
        HttpResult answer = platform.gateway("GET", target, website);
        CHECK(messageOf(answer) == CustomClientReceived);
        CHECK(answer.header("Access-Control-Allow-Origin") == "*");
        CHECK(platform.customClientSaw("GET", target));
    }
    CHECK(messageOf(platform.gateway("GET", "/health", website)) == "Custom Client is healthy");   // the exact path /health
    CHECK(messageOf(platform.gateway("POST", "/api/fake-provider/order", website)) == CustomClientProcessed);
    CHECK(platform.customClientSaw("POST", "/api/fake-provider/order"));
    CHECK(messageOf(platform.gateway("GET", "/case", {{"Host", "MyCoolWebsite.Company.com:8000"}})) == CustomClientReceived);
    CHECK(platform.customClientSaw("GET", "/case"));
    CHECK(messageOf(platform.gateway("GET", "/case", {{"Host", "company.com"}})) == sinkMessage("/case"));
    CHECK(platform.gateway("OPTIONS", "/anything", website).status == 204);
}

TEST_CASE("platform: OPTIONS is 204 with CORS, /nginx-health is fixed, /api/vault/ reaches Vault", "[platform][gateway][vault]")
{
    Platform platform;
    for (const char* target : {"/api/storage/files", "/api/custom-client/x", "/api/vault/v1/sys/health", "/anything", "*"}) {
        INFO(target);
        HttpResult preflight = platform.gateway("OPTIONS", target, {{"Origin", "http://ui.test"}, {"Access-Control-Request-Method", "PUT"}});
        CHECK(preflight.status == 204);
        CHECK(preflight.body.empty());
        CHECK(preflight.header("Access-Control-Allow-Origin") == "*");
        CHECK(preflight.header("Access-Control-Allow-Methods") == "GET, POST, PUT, DELETE, OPTIONS");
    }
    CHECK(platform.host->log().find("Request: OPTIONS") == std::string::npos);   // answered before any plugin

    for (const char* method : {"GET", "HEAD", "POST"}) {
        INFO(method);
        HttpResult nginx = platform.gateway(method, "/nginx-health");
        CHECK(nginx.status == 200);
        CHECK(nginx.header("Content-Type") == "text/plain");
        CHECK(nginx.body == (std::string(method) == "HEAD" ? "" : "healthy\n"));
        CHECK(nginx.header("Access-Control-Allow-Origin") == "*");
    }

    HttpResult health = platform.gateway("GET", "/api/vault/v1/sys/health");
    REQUIRE(health.status == 200);
    CHECK(health.json()->getValue<bool>("initialized"));
    CHECK(health.header("Access-Control-Allow-Origin") == "*");
    REQUIRE_FALSE(platform.logLine({"Secrets loaded"}).empty());   // custom-client's own read is done
    const unsigned readsBefore = platform.vault.reads("custom-client/config");
    HttpResult secret = platform.gateway("GET", "/api/vault/v1/secret/data/custom-client/config", {{"X-Vault-Token", "root-token"}});
    REQUIRE(secret.status == 200);
    CHECK(secret.json()->getObject("data")->getObject("data")->getValue<std::string>("jwt_secret") == "mock-jwt-secret-67890");
    CHECK(platform.vault.reads("custom-client/config") == readsBefore + 1);
    HttpResult forbidden = platform.gateway("GET", "/api/vault/v1/secret/data/custom-client/config", {{"X-Vault-Token", "wrong"}});
    CHECK(forbidden.status == 403);
    CHECK(forbidden.header("Access-Control-Allow-Origin") == "*");

    platform.vault.setDown(true);
    HttpResult down = platform.gateway("GET", "/api/vault/v1/sys/health");
    CHECK(down.status == 502);
    CHECK(down.json()->getValue<std::string>("error") == "bad_gateway");
    CHECK(down.header("Access-Control-Allow-Origin") == "*");
    CHECK(messageOf(platform.gateway("GET", "/api/next")) == sinkMessage("/next"));   // the host keeps serving
}

TEST_CASE("platform: each service on its own listener takes the guide's URLs", "[platform][direct]")
{
    Platform platform;

    HttpResult clientHealth = platform.direct("custom-client", "GET", "/health");
    CHECK(messageOf(clientHealth) == "Custom Client is healthy");
    CHECK(clientHealth.header("Access-Control-Allow-Origin").empty());   // CORS is the gateway's
    CHECK(messageOf(platform.direct("custom-client", "GET", "/api/fake-provider/direct?id=7")) == CustomClientProcessed);
    CHECK(platform.customClientSaw("GET", "/api/fake-provider/direct?id=7"));
    CHECK(messageOf(platform.direct("custom-client", "DELETE", "/api/custom-client/direct")) == CustomClientReceived);
    CHECK(platform.customClientSaw("DELETE", "/api/custom-client/direct"));

    HttpResult sinkHealth = platform.direct("service-sink", "GET", "/health");
    CHECK(messageOf(sinkHealth) == "Service Sink is healthy");
    CHECK(sinkHealth.json()->getValue<std::string>("service") == "service-sink");
    CHECK(messageOf(platform.direct("service-sink", "POST", "/api/anything?z=1")) == sinkMessage("/api/anything?z=1"));

    // The guide's POST http://file-storage:9000/api/storage/files, then the same file through the gateway.
    HttpResult posted = platform.direct("file-storage", "POST", "/api/storage/files",
                                        R"({"filename":"test.txt","content":"Hello from the guide","metadata":{"source":"guide"}})",
                                        {{"Content-Type", "application/json"}});
    REQUIRE(posted.status == 200);
    CHECK(posted.json()->getValue<bool>("success"));
    CHECK(posted.json()->getValue<std::string>("file_id") == "test.txt");
    CHECK(posted.json()->getValue<std::string>("message") == "File created successfully");
    CHECK(readFile(platform.storage.file("test.txt")) == "Hello from the guide");
    CHECK(platform.direct("file-storage", "GET", "/health").json()->getValue<std::string>("status") == "healthy");
    CHECK(platform.direct("file-storage", "GET", "/api/file-storage/files/test.txt").json()->getValue<std::string>("content") ==
          "Hello from the guide");
    CHECK(platform.direct("file-storage", "GET", "/files").json()->getValue<int>("count") == 1);
    CHECK(platform.gateway("GET", "/api/storage/files/test.txt").json()->getValue<std::string>("content") == "Hello from the guide");

    HttpResult logthon = platform.direct("logthon", "POST", "/api/logs", R"({"service":"x","message":"m"})");
    CHECK(logthon.status == 503);
    CHECK(logthon.json()->getValue<std::string>("error") == "plugin_unavailable");
}

TEST_CASE("platform: custom-client's periodic file is stored by file-storage in-process and listed through the gateway",
          "[platform][files]")
{
    PlatformOptions settings;
    settings.fileIntervalMs = 100;
    settings.maxFiles = 1000;   // no rotation removes a listed file before it is looked at
    Platform platform(settings);

    // No URL for file-storage in the service directory: a call could only be served in-process.
    HttpResult services = platform.host->admin("GET", "/admin/services");
    REQUIRE(services.status == 200);
    CHECK_FALSE(services.json()->getObject("services")->has("file-storage"));

    Poco::JSON::Array::Ptr files;
    REQUIRE(waitUntil([&] {
        HttpResult list = platform.gateway("GET", "/api/storage/files");
        if (list.status != 200) return false;
        files = list.json()->getArray("files");
        return files->size() >= 3;
    }));
    std::vector<std::string> generated;
    for (unsigned i = 0; i < files->size(); ++i) {
        auto file = files->getObject(i);
        const std::string name = file->getValue<std::string>("filename");
        INFO(name);
        std::smatch match;
        REQUIRE(std::regex_match(name, match, GeneratedName));
        CHECK(file->getValue<std::string>("extension") == ".txt");
        CHECK(file->getValue<std::string>("content_preview").rfind("Custom Client generated file at " + match[1].str() + "\n", 0) == 0);
        generated.push_back(name);
    }
    for (const std::string& name : generated) CHECK(Poco::File(platform.storage.file(name)).exists());

    const std::string success = platform.logLine({FileCreated});
    INFO(success);
    CHECK(success.find(R"("storage_service":"file-storage")") != std::string::npos);
    CHECK(success.find(R"("in_process":"true")") != std::string::npos);
    CHECK(platform.host->waitForLog("API PUT /files - 200"));
    CHECK(platform.fileFailuresAfterFirstSuccess() == "");

    // The host's HTTP client made one call, Vault's secret read; the files never left the process.
    REQUIRE_FALSE(platform.logLine({"Secrets loaded", R"("source":"secret store")"}).empty());
    HttpResult metrics = platform.host->admin("GET", "/metrics");
    REQUIRE(metrics.status == 200);
    INFO(metrics.body);
    CHECK(samplesOf(metrics.body, "terrarium_client_calls_total").size() == 1);
    CHECK(metricSample(metrics.body, "terrarium_client_calls_total{origin=\"" + platform.vault.baseUrl() + "\"}") == 1);
}

TEST_CASE("platform: custom-client reads its secrets from the Vault of the config file, once", "[platform][secrets]")
{
    PlatformOptions settings;
    settings.vaultInConfig = true;
    settings.showSecrets = true;
    Platform platform(settings);

    const std::string loaded = platform.logLine({"Secrets loaded", R"("source":"secret store")"});
    INFO(platform.host->log());
    CHECK_FALSE(loaded.empty());
    CHECK(platform.host->log().find("=== VAULT SECRETS RETRIEVED ===\nAPI Key: mock-api-key-12345\nDatabase URL: "
                                    "postgresql://user:pass@db:5432/app\nJWT Secret: mock-jwt-secret-67890\nEncryption Key: "
                                    "mock-encryption-key-abcdef\nLog Level: INFO\nMax Connections: 100\n=== END VAULT SECRETS ===\n") !=
          std::string::npos);
    CHECK(platform.vault.reads("custom-client/config") == 1);
    CHECK(platform.host->log().find("Failed to retrieve secrets") == std::string::npos);
}

TEST_CASE("platform: with Vault down custom-client falls back to every default with a WARN and keeps serving", "[platform][secrets]")
{
    PlatformOptions settings;
    settings.vaultDown = true;
    settings.showSecrets = true;
    Platform platform(settings);

    const std::string warning = platform.logLine({"Failed to retrieve secrets, using default values"});
    INFO(platform.host->log());
    REQUIRE_FALSE(warning.empty());
    CHECK(warning.find(R"("level":"warn")") != std::string::npos);
    CHECK(warning.find(R"("service":"custom-client")") != std::string::npos);
    CHECK(warning.find(R"("path":"custom-client/config")") != std::string::npos);
    CHECK_FALSE(platform.logLine({"Secrets loaded", R"("source":"defaults")"}).empty());
    CHECK(platform.host->log().find("=== VAULT SECRETS RETRIEVED ===\nAPI Key: default-api-key\nDatabase URL: default-database-url\n"
                                    "JWT Secret: default-jwt-secret\nEncryption Key: default-encryption-key\nLog Level: INFO\n"
                                    "Max Connections: 100\n=== END VAULT SECRETS ===\n") != std::string::npos);
    CHECK(platform.vault.reads("custom-client/config") == 0);

    CHECK(messageOf(platform.gateway("GET", "/api/custom-client/health")) == "Custom Client is healthy");
    CHECK(messageOf(platform.gateway("GET", "/api/fake-provider/x")) == CustomClientProcessed);
    CHECK(platform.gateway("GET", "/api/vault/v1/sys/health").status == 502);
}

TEST_CASE("platform: hot reloads of custom-client under traffic through the gateway and on its own listener fail no request", "[platform][reload]")
{
    PlatformOptions settings;
    settings.fileIntervalMs = 50;   // its thread is stopped and started again by every reload
    Platform platform(settings);
    REQUIRE(platform.host->waitForLog(FileCreated));
    reloadUnderTraffic(platform, "custom-client", [](HttpTestClient& client, int thread, std::uint64_t sequence) {
        const std::string suffix = std::to_string(thread) + "/" + std::to_string(sequence);
        if (sequence % 2 == 0)
            return expectAnswer(client.request("GET", "/api/custom-client/traffic/" + suffix), 200, CustomClientReceived, "custom-client");
        return expectAnswer(client.request("POST", "/api/fake-provider/traffic/" + suffix), 200, CustomClientProcessed, "fake-provider");
    }, [](HttpTestClient& client, int, std::uint64_t sequence) {
        return expectAnswer(client.request("GET", "/api/example-provider/direct/" + std::to_string(sequence)), 200, CustomClientProcessed,
                            "direct", false);
    });
    CHECK(platform.fileFailuresAfterFirstSuccess() == "");
}

TEST_CASE("platform: hot reloads of service-sink under traffic through the gateway and on its own listener fail no request", "[platform][reload]")
{
    Platform platform;
    reloadUnderTraffic(platform, "service-sink", [](HttpTestClient& client, int thread, std::uint64_t sequence) {
        const std::string path = "/traffic/" + std::to_string(thread) + "?n=" + std::to_string(sequence);
        if (sequence % 2 == 0) return expectAnswer(client.request("GET", "/api" + path), 200, sinkMessage(path), "service-sink /api");
        return expectAnswer(client.request("POST", path, "x"), 200, sinkMessage(path), "service-sink /");
    }, [](HttpTestClient& client, int, std::uint64_t sequence) {
        const std::string path = "/api/direct?n=" + std::to_string(sequence);
        return expectAnswer(client.request("GET", path), 200, sinkMessage(path), "direct", false);
    });
}

TEST_CASE("platform: hot reloads of file-storage under traffic through the gateway and on its own listener fail no request", "[platform][reload][files]")
{
    PlatformOptions settings;
    settings.fileIntervalMs = 50;   // custom-client's in-process PUTs go on during the reloads
    settings.maxFiles = 1000000;    // no rotation removes a file a traffic thread still reads
    Platform platform(settings);
    REQUIRE(platform.host->waitForLog(FileCreated));
    reloadUnderTraffic(platform, "file-storage", [](HttpTestClient& client, int thread, std::uint64_t sequence) {
        const std::string content = "traffic " + std::to_string(thread) + " " + std::to_string(sequence);
        HttpResult created = client.request("PUT", "/api/storage/files", R"({"content":")" + content + R"(","filename_prefix":"traffic"})",
                                            {{"Content-Type", "application/json"}});
        if (std::string problem = expectAnswer(created, 200, "", "PUT"); !problem.empty()) return problem;
        const std::string name = memberOf(created.body, "filename");
        HttpResult read = client.request("GET", "/api/file-storage/files/" + name);
        if (std::string problem = expectAnswer(read, 200, "", "GET " + name); !problem.empty()) return problem;
        if (memberOf(read.body, "content") != content) return "GET " + name + ": content " + read.body;
        return expectAnswer(client.request("DELETE", "/api/storage/files/" + name), 200, "File '" + name + "' deleted successfully",
                            "DELETE " + name);
    }, [](HttpTestClient& client, int, std::uint64_t sequence) {
        // The guide's POST on the direct listener, then the same file removed there.
        const std::string name = "direct-" + std::to_string(sequence) + ".txt";
        HttpResult posted = client.request("POST", "/api/storage/files", R"({"filename":")" + name + R"(","content":"direct"})",
                                           {{"Content-Type", "application/json"}});
        if (std::string problem = expectAnswer(posted, 200, "File created successfully", "POST " + name, false); !problem.empty())
            return problem;
        return expectAnswer(client.request("DELETE", "/api/storage/files/" + name), 200, "File '" + name + "' deleted successfully",
                            "direct DELETE " + name, false);
    });
    CHECK(platform.fileFailuresAfterFirstSuccess() == "");
}

TEST_CASE("platform: while file-storage is unloaded custom-client's periodic PUT fails, once it is loaded again it is served in-process",
          "[platform][files]")
{
    PlatformOptions settings;
    settings.fileIntervalMs = 50;
    Platform platform(settings);
    REQUIRE(platform.host->waitForLog(FileCreated));

    REQUIRE(platform.host->admin("DELETE", "/admin/plugins/file-storage").status == 200);
    const std::string failure = platform.logLine({"Failed to create file via file storage API"}, platform.host->log().size());
    CHECK(failure.find(R"("level":"error")") != std::string::npos);
    CHECK(failure.find(R"("storage_service":"file-storage")") != std::string::npos);
    CHECK(platform.gateway("GET", "/api/storage/files").status == 503);
    CHECK(messageOf(platform.gateway("GET", "/api/custom-client/health")) == "Custom Client is healthy");

    HttpResult load = platform.host->admin("POST", "/admin/plugins", R"({"file":"file-storage.so"})");
    INFO(load.body);
    REQUIRE(load.status == 201);
    const std::string::size_type loaded = platform.host->log().size();
    REQUIRE(waitUntil([&] { return platform.host->log().find(FileCreated, loaded) != std::string::npos; }));
    HttpResult list = platform.gateway("GET", "/api/storage/files");
    REQUIRE(list.status == 200);
    CHECK(list.json()->getValue<int>("count") >= 1);
    CHECK(platform.host->running());
}
