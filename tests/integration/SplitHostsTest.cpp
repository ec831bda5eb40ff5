// The platform split over two real terrariumd processes with the shipped configurations
// config/split/host-a.json (the gateway, custom-client, service-sink) and host-b.json
// (file-storage, logthon), on ephemeral loopback ports: host A's service directory names host B's
// listeners, and nothing else connects them (the plugins are the same files). custom-client's
// periodic file lands in file-storage on B, both hosts' records reach logthon on B, the gateway on
// A reaches B's services; and file-storage moves from A to B at run time with the admin API (load
// on B, point A's directory at B, unload on A) while a client keeps calling through A: every
// request succeeds.
#include "EdgeTerrariumConfig.h"
#include "HttpTestClient.h"
#include "TempDir.h"
#include "TerrariumProcess.h"
#include "Traffic.h"

#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

using namespace terrarium::test;

namespace {

const std::string FileCreated = "Successfully created file via file storage API";

/// A host of the split: config/split/<file> on loopback ports, the watcher off (plugins are loaded
/// at start or through the admin API), with plugins.
std::unique_ptr<TerrariumProcess> startHost(const std::string& file, const Poco::JSON::Object::Ptr& config,
                                            const std::vector<std::pair<std::string, std::string>>& plugins,
                                            const std::map<std::string, std::string>& env = {})
{
    INFO("config/split/" << file);
    objectMember(config, "watch")->set("enabled", false);
    TerrariumProcess::Options options;
    options.plugins = plugins;
    options.configJson = jsonText(config);
    options.env = env;
    return std::make_unique<TerrariumProcess>(options);
}

/// host-a.json on loopback ports: its directory names B's direct listeners, custom-client creates
/// a file every intervalMs and writes its request logs in requestDir.
Poco::JSON::Object::Ptr hostAConfig(const TerrariumProcess& hostB, const std::string& requestDir, int intervalMs)
{
    auto config = shippedConfigOnLoopback("split/host-a.json");
    Poco::JSON::Object::Ptr services = objectMember(config, "services");
    REQUIRE(services->has("file-storage"));
    REQUIRE(services->has("logthon"));
    services->set("file-storage", "http://" + hostB.listenerAddress("file-storage"));
    services->set("logthon", "http://" + hostB.listenerAddress("logthon"));
    Poco::JSON::Object::Ptr plugins = objectMember(config, "plugins");
    Poco::JSON::Object::Ptr client = objectMember(objectMember(plugins, "custom-client"), "config");
    client->set("request_log_dir", requestDir);
    client->set("file_interval_ms", intervalMs);
    objectMember(objectMember(plugins, "service-sink"), "config")->set("request_log_dir", requestDir);
    objectMember(objectMember(config, "log"), "logthon")->set("flush_interval_ms", 50);
    return config;
}

/// logthon's records on B for service (GET /api/logthon/logs on B's gateway).
Poco::JSON::Array::Ptr logthonRecords(const TerrariumProcess& hostB, const std::string& service)
{
    HttpResult listed = hostB.get("/api/logthon/logs?service=" + service + "&limit=1000");
    if (listed.status != 200) return new Poco::JSON::Array;
    return listed.json()->getArray("logs");
}

/// The first record of service on B's logthon whose message contains text (null when none).
Poco::JSON::Object::Ptr logthonRecord(const TerrariumProcess& hostB, const std::string& service, const std::string& text)
{
    Poco::JSON::Array::Ptr records = logthonRecords(hostB, service);
    for (unsigned i = 0; records && i < records->size(); ++i)
        if (records->getObject(i)->getValue<std::string>("message").find(text) != std::string::npos) return records->getObject(i);
    return nullptr;
}

/// The requests a host's plugin has served (GET /admin/plugins/<name>: requests.total), -1 when not loaded.
long servedBy(const TerrariumProcess& host, const std::string& plugin)
{
    HttpResult answer = host.admin("GET", "/admin/plugins/" + plugin);
    if (answer.status != 200) return -1;
    return answer.json()->getObject("requests")->getValue<long>("total");
}

/// The log lines of host after the first one holding after that hold needle, joined ("" when none).
std::string linesAfter(const TerrariumProcess& host, const std::string& after, const std::string& needle)
{
    std::string found;
    bool started = false;
    std::istringstream lines(host.log());
    for (std::string line; std::getline(lines, line);) {
        if (started && line.find(needle) != std::string::npos) found += line + "\n";
        started = started || line.find(after) != std::string::npos;
    }
    return found;
}

} // namespace

TEST_CASE("split: custom-client's files land in file-storage on the other host, and both hosts' logs reach logthon", "[platform][split]")
{
    TempDir storage;
    TempDir requests;
    auto hostB = startHost("host-b.json", shippedConfigOnLoopback("split/host-b.json"),
                           {{FILE_STORAGE_PLUGIN_PATH, "file-storage.so"}, {PLATFORM_LOGTHON_PLUGIN_PATH, "logthon.so"}},
                           {{"FILE_STORAGE_PATH", storage.path()}});
    auto hostA = startHost("host-a.json", hostAConfig(*hostB, requests.path(), 100),
                           {{CUSTOM_CLIENT_PLUGIN_PATH, "custom-client.so"}, {SERVICE_SINK_PLUGIN_PATH, "service-sink.so"}});

    // custom-client on A creates its files in file-storage on B (A has no file-storage)
    REQUIRE(hostA->waitForLog(FileCreated));
    CHECK(hostA->admin("GET", "/admin/plugins/file-storage").status == 404);
    REQUIRE(hostB->waitForLog("API PUT /files - 200"));
    HttpResult onB = hostB->get("/api/file-storage/files");
    REQUIRE(onB.status == 200);
    REQUIRE(onB.json()->getArray("files")->size() >= 1);
    CHECK(onB.json()->getArray("files")->getObject(0)->getValue<std::string>("content_preview").find("Custom Client generated file at") == 0);

    // A's gateway serves its own plugins and reaches B's through the directory
    CHECK(hostA->get("/api/custom-client/health").json()->getValue<std::string>("message") == "Custom Client is healthy");
    CHECK(hostA->get("/api/anything").json()->getValue<std::string>("message").find("Service Sink processed request") == 0);
    HttpResult throughA = hostA->get("/api/file-storage/files");
    REQUIRE(throughA.status == 200);
    CHECK(throughA.json()->getArray("files")->size() >= 1);
    CHECK(hostA->get("/api/storage/health").json()->getValue<std::string>("service") == "file-storage");
    CHECK(hostA->get("/api/logthon/logs?limit=1").status == 200);

    // records of both hosts reach logthon on B: A's over HTTP, B's in-process
    Poco::JSON::Object::Ptr fromA;
    Poco::JSON::Object::Ptr fromB;
    REQUIRE(waitUntil([&] {
        fromA = logthonRecord(*hostB, "custom-client", FileCreated);
        fromB = logthonRecord(*hostB, "file-storage", "API PUT /files - 200");
        return fromA && fromB;
    }));
    CHECK(fromA->getObject("metadata")->getValue<std::string>("service_name") == "host-a");
    CHECK(fromB->getObject("metadata")->getValue<std::string>("service_name") == "host-b");
    REQUIRE(hostA->get("/api/orders").status == 200);
    CHECK(waitUntil([&] { return logthonRecord(*hostB, "service-sink", "Request: GET /orders") != nullptr; }));
}

TEST_CASE("split: file-storage moves from host A to host B with the admin API while clients call through A, and no request fails", "[platform][split][move]")
{
    TempDir storage;   // the two file-storage instances share it, as hosts share a volume
    TempDir requests;
    auto hostB = startHost("host-b.json", shippedConfigOnLoopback("split/host-b.json"), {{PLATFORM_LOGTHON_PLUGIN_PATH, "logthon.so"}},
                           {{"FILE_STORAGE_PATH", storage.path()}});
    // A serves file-storage itself at first: its directory has no entry for it yet
    auto configA = hostAConfig(*hostB, requests.path(), 50);
    configA->getObject("services")->remove("file-storage");
    auto hostA = startHost("host-a.json", configA,
                           {{CUSTOM_CLIENT_PLUGIN_PATH, "custom-client.so"},
                            {SERVICE_SINK_PLUGIN_PATH, "service-sink.so"},
                            {FILE_STORAGE_PLUGIN_PATH, "file-storage.so"}},
                           {{"FILE_STORAGE_PATH", storage.path()}});
    REQUIRE(hostA->waitForLog(FileCreated));
    REQUIRE(servedBy(*hostA, "file-storage") > 0);
    hostB->dropPlugin(FILE_STORAGE_PLUGIN_PATH, "file-storage.so");

    Traffic clients(hostA->mainAddress(), 2, [](HttpTestClient& client, int, std::uint64_t sequence) -> std::string {
        const bool listing = sequence % 2 == 0;
        HttpResult answer = client.request("GET", listing ? "/api/file-storage/files" : "/api/storage/health");
        if (answer.status != 200) return "status " + std::to_string(answer.status) + ": " + answer.body;
        if (!listing && answer.body.find("\"service\":\"file-storage\"") == std::string::npos) return "health answer: " + answer.body;
        return "";
    });
    REQUIRE(waitUntil([&] { return clients.ok >= 20; }));

    // 1. load on B
    REQUIRE(hostB->admin("POST", "/admin/plugins", R"({"file":"file-storage.so"})").status == 201);
    // 2. point A's directory at B (A still serves the calls in-process while it has the plugin)
    const std::string onB = "http://" + hostB->listenerAddress("file-storage");
    HttpResult pointed = hostA->admin("POST", "/admin/services/file-storage", R"({"url":")" + onB + R"("})");
    REQUIRE(pointed.status == 200);
    CHECK(hostA->admin("GET", "/admin/services").json()->getObject("services")->getObject("file-storage")->getValue<std::string>("url") == onB);
    const std::uint64_t beforeUnload = clients.ok;
    // 3. unload on A
    REQUIRE(hostA->admin("DELETE", "/admin/plugins/file-storage").status == 200);
    CHECK(hostA->admin("GET", "/admin/plugins/file-storage").status == 404);

    // the clients and custom-client's periodic file now reach file-storage on B
    REQUIRE(waitUntil([&] { return clients.ok >= beforeUnload + 40 && servedBy(*hostB, "file-storage") >= 20; }));
    REQUIRE(hostB->waitForLog("API PUT /files - 200"));   // custom-client's periodic file, from A
    clients.stop();

    INFO(hostA->log());
    for (const std::string& failure : clients.failures()) UNSCOPED_INFO(failure);
    CHECK(clients.failed == 0);
    CHECK(linesAfter(*hostA, FileCreated, "Failed to create file via file storage API") == "");
    CHECK(linesAfter(*hostA, FileCreated, "File storage API returned error code") == "");
}
