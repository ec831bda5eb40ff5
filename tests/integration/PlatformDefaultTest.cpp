// The whole platform by default: terrariumd started with exactly the configuration scripts/run.sh
// runs (config/terrarium.json, moved onto ephemeral loopback ports) and its secrets directory
// (config/demo-secrets, which run.sh links as the files provider's directory when no VAULT_ADDR is
// set), with every plugin of plugins/ (logthon: the real plugin, or its stand-in until it exists).
// Every service answers through the gateway, custom-client's secrets are the demo values, its
// periodic file reaches file-storage and every service's records reach logthon. Then the shipped
// configurations themselves: valid for --check-config, run.sh pointing at them, and one route table
// (config/terrarium.json) that the other configurations repeat.
#include "EdgeTerrariumConfig.h"
#include "HttpTestClient.h"
#include "TempDir.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

using namespace terrarium::test;

namespace {

const std::string ConfigDir = TERRARIUM_CONFIG_DIR;
const std::string SourceDir = ConfigDir + "/..";

/// The demo secret of services.md §7, as config/demo-secrets holds it.
const std::map<std::string, std::string> DemoSecrets = {
    {"api_key", "mock-api-key-12345"},         {"database_url", "postgresql://user:pass@db:5432/app"},
    {"jwt_secret", "mock-jwt-secret-67890"},   {"encryption_key", "mock-encryption-key-abcdef"},
    {"log_level", "INFO"},                     {"max_connections", "100"}};

/// Sets plugins.<plugin>.config.<key> = value in config, keeping what is there.
void setPluginSetting(const Poco::JSON::Object::Ptr& config, const std::string& plugin, const std::string& key, const Poco::Dynamic::Var& value)
{
    objectMember(objectMember(objectMember(config, "plugins"), plugin), "config")->set(key, value);
}

/// terrariumd as run.sh starts it: config/terrarium.json (ports on the loopback, chosen by the
/// system), every plugin of plugins/, the files secrets provider on config/demo-secrets,
/// FILE_STORAGE_PATH in a temporary directory. The request-log files go to a temporary directory
/// too, custom-client creates its file every 200 ms (the shipped 15 s is too slow for a test) and
/// prints its secret values, so that the test can read them.
struct DefaultPlatform
{
    DefaultPlatform()
    {
        auto config = shippedConfigOnLoopback("terrarium.json");
        objectMember(objectMember(config, "secrets"), "files")->set("dir", ConfigDir + "/demo-secrets");
        setPluginSetting(config, "custom-client", "request_log_dir", requests.path());
        setPluginSetting(config, "custom-client", "file_interval_ms", 200);
        setPluginSetting(config, "custom-client", "show_secrets", true);
        setPluginSetting(config, "service-sink", "request_log_dir", requests.path());
        TerrariumProcess::Options options;
        options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"},
                           {CUSTOM_CLIENT_PLUGIN_PATH, "custom-client.so"},
                           {SERVICE_SINK_PLUGIN_PATH, "service-sink.so"},
                           {FILE_STORAGE_PLUGIN_PATH, "file-storage.so"},
                           {PLATFORM_LOGTHON_PLUGIN_PATH, "logthon.so"}};
        options.configJson = jsonText(config);
        options.env = {{"FILE_STORAGE_PATH", storage.path()}};
        host = std::make_unique<TerrariumProcess>(options);
    }

    /// The messages logthon keeps for service (GET /api/logthon/logs through the gateway).
    std::vector<std::string> logthonMessages(const std::string& service) const
    {
        std::vector<std::string> messages;
        HttpResult listed = host->get("/api/logthon/logs?service=" + service + "&limit=1000");
        if (listed.status != 200) return messages;
        Poco::JSON::Array::Ptr logs = listed.json()->getArray("logs");
        for (unsigned i = 0; logs && i < logs->size(); ++i) messages.push_back(logs->getObject(i)->getValue<std::string>("message"));
        return messages;
    }

    /// True once logthon keeps a record of service whose message contains text.
    bool logthonHas(const std::string& service, const std::string& text) const
    {
        return waitUntil([&] {
            for (const std::string& message : logthonMessages(service))
                if (message.find(text) != std::string::npos) return true;
            return false;
        });
    }

    TempDir requests;
    TempDir storage;
    std::unique_ptr<TerrariumProcess> host;   // last: stopped before the directories go away
};

std::string messageOf(const HttpResult& answer)
{
    INFO(answer.status << " " << answer.body);
    REQUIRE(answer.status == 200);
    return answer.json()->getValue<std::string>("message");
}

/// The parsed JSON object of a file below the source tree.
Poco::JSON::Object::Ptr sourceJson(const std::string& relative)
{
    const std::string text = readFile(SourceDir + "/" + relative);
    INFO(relative);
    REQUIRE_FALSE(text.empty());
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

/// The routes of a configuration, one canonical JSON text each (members sorted).
std::vector<std::string> routesOf(const Poco::JSON::Object::Ptr& config)
{
    std::vector<std::string> routes;
    Poco::JSON::Array::Ptr array = config->getArray("routes");
    for (unsigned i = 0; array && i < array->size(); ++i) {
        Poco::JSON::Object::Ptr route = array->getObject(i);
        Poco::JSON::Object sorted;
        for (const auto& [name, value] : *route) sorted.set(name, value);
        std::ostringstream text;
        sorted.stringify(text);
        routes.push_back(text.str());
    }
    return routes;
}

/// The routes of the main gateway table with those of file-storage and logthon made upstream routes
/// through the service directory (the gateway host of the split).
std::vector<std::string> withRemote(const Poco::JSON::Object::Ptr& config, const std::vector<std::string>& services)
{
    Poco::JSON::Object::Ptr copy = Poco::JSON::Parser().parse(jsonText(config)).extract<Poco::JSON::Object::Ptr>();
    Poco::JSON::Array::Ptr array = copy->getArray("routes");
    for (unsigned i = 0; array && i < array->size(); ++i) {
        Poco::JSON::Object::Ptr route = array->getObject(i);
        for (const std::string& service : services)
            if (route->optValue<std::string>("plugin", "") == service) {
                route->remove("plugin");
                route->set("upstream", service);
            }
    }
    return routesOf(copy);
}

} // namespace

TEST_CASE("platform default: run.sh's configuration serves every service through the gateway, with the demo secrets", "[platform][default]")
{
    DefaultPlatform platform;
    const TerrariumProcess& host = *platform.host;

    // the gateway table (services.md section 1)
    CHECK(messageOf(host.get("/api/custom-client/health")) == "Custom Client is healthy");
    CHECK(messageOf(host.get("/api/fake-provider/x")) == "Custom Client processed request successfully");
    CHECK(messageOf(host.get("/x", {{"Host", "mycoolwebsite.company.com"}})) == "Custom Client received request");
    CHECK(messageOf(host.get("/api/orders?id=7")) == "Service Sink processed request to path '/orders?id=7' (length: 12)");
    CHECK(messageOf(host.get("/some/page")) == "Service Sink processed request to path '/some/page' (length: 10)");
    HttpResult storageHealth = host.get("/api/file-storage/health");
    REQUIRE(storageHealth.status == 200);
    CHECK(storageHealth.json()->getValue<std::string>("service") == "file-storage");
    CHECK(host.get("/api/storage/").json()->getValue<std::string>("service") == "File Storage API");
    HttpResult logs = host.get("/api/logthon/logs?limit=1");
    REQUIRE(logs.status == 200);
    CHECK(logs.json()->has("logs"));
    CHECK(host.request("POST", "/api/logs", R"({"service":"newcomer","message":"posted through the gateway"})",
                       {{"Content-Type", "application/json"}}).status == 200);
    CHECK(platform.logthonHas("newcomer", "posted through the gateway"));
    HttpResult nginxHealth = host.get("/nginx-health");
    CHECK(nginxHealth.status == 200);
    CHECK(nginxHealth.body == "healthy\n");
    HttpResult preflight = host.request("OPTIONS", "/api/custom-client/anything");
    CHECK(preflight.status == 204);
    CHECK(preflight.header("Access-Control-Allow-Origin") == "*");
    // the README's tour still works on the same listener: the host's probes and the echo plugin
    CHECK(host.get("/health").body.find("alive") != std::string::npos);
    CHECK(host.get("/ready").status == 200);
    CHECK(host.get("/echo/hello").body.find("hello from terrarium") != std::string::npos);

    // custom-client's secrets are the demo values of config/demo-secrets, read through the files provider
    REQUIRE(host.waitForLog("=== END VAULT SECRETS ==="));
    CHECK(host.log().find("=== VAULT SECRETS RETRIEVED ===\nAPI Key: mock-api-key-12345\nDatabase URL: "
                          "postgresql://user:pass@db:5432/app\nJWT Secret: mock-jwt-secret-67890\nEncryption Key: "
                          "mock-encryption-key-abcdef\nLog Level: INFO\nMax Connections: 100\n=== END VAULT SECRETS ===\n") !=
          std::string::npos);
    CHECK(host.log().find(R"("source":"secret store")") != std::string::npos);
    CHECK(host.log().find("Failed to retrieve secrets") == std::string::npos);

    // custom-client's periodic file lands in file-storage (in-process), and it shows through the gateway
    REQUIRE(host.waitForLog("Successfully created file via file storage API"));
    HttpResult files = host.get("/api/file-storage/files");
    REQUIRE(files.status == 200);
    Poco::JSON::Array::Ptr listed = files.json()->getArray("files");
    REQUIRE(listed);
    REQUIRE(listed->size() >= 1);
    CHECK(listed->getObject(0)->getValue<std::string>("content_preview").find("Custom Client generated file at") == 0);

    // every service's records reach logthon, which the UI shows
    CHECK(platform.logthonHas("custom-client", "Successfully created file via file storage API"));
    CHECK(platform.logthonHas("service-sink", "Request: GET /orders?id=7"));
    CHECK(platform.logthonHas("file-storage", "API PUT /files - 200"));
    CHECK(host.get("/api/logthon/").status == 200);
}

TEST_CASE("platform default: the configurations run.sh and the split use are valid, with the demo secrets beside them", "[platform][default][config]")
{
    // run.sh starts terrariumd with config/terrarium.json and links config/demo-secrets as its secrets
    const std::string runScript = readFile(SourceDir + "/scripts/run.sh");
    CHECK(runScript.find("--config \"$root/config/terrarium.json\"") != std::string::npos);
    CHECK(runScript.find("ln -s \"$root/config/demo-secrets\" \"$run/state/secrets\"") != std::string::npos);
    for (const auto& [key, value] : DemoSecrets) {
        INFO(key);
        CHECK(readFile(ConfigDir + "/demo-secrets/custom-client/config/" + key) == value + "\n");
    }

    for (const std::string file : {"config/terrarium.json", "config/edge-terrarium.json", "config/split/host-a.json", "config/split/host-b.json",
                                   "packaging/k3s/base/terrarium.json", "packaging/k3s/overlays/split/gateway.json",
                                   "packaging/k3s/overlays/split/data.json"}) {
        TerrariumProcess::Options options;
        options.extraArgs = {"--check-config", "--config", SourceDir + "/" + file};
        if (file == "config/terrarium.json") {   // as run.sh starts it
            options.extraArgs.push_back("--listen");
            options.extraArgs.push_back("127.0.0.1:8080");
        }
        options.waitReady = false;
        TerrariumProcess check(options);
        const int code = check.waitForExit(Poco::Timespan(30, 0));
        INFO(file << ": " << check.log());
        CHECK(code == 0);
        CHECK(check.log().find("configuration OK") != std::string::npos);
    }
}

TEST_CASE("platform default: one gateway table, repeated by the other configurations", "[platform][default][config]")
{
    const auto table = sourceJson("config/terrarium.json");
    const std::vector<std::string> routes = routesOf(table);
    REQUIRE(routes.size() == 12);
    CHECK(routesOf(sourceJson("config/edge-terrarium.json")) == routes);
    CHECK(routesOf(sourceJson("packaging/k3s/base/terrarium.json")) == routes);
    const std::vector<std::string> gateway = withRemote(table, {"file-storage", "logthon"});
    CHECK(gateway != routes);
    CHECK(routesOf(sourceJson("config/split/host-a.json")) == gateway);
    CHECK(routesOf(sourceJson("packaging/k3s/overlays/split/gateway.json")) == gateway);
    CHECK(routesOf(sourceJson("packaging/k3s/overlays/split/data.json")) == routesOf(sourceJson("config/split/host-b.json")));
}
