// config/edge-terrarium.json as shipped, every address rewritten to 127.0.0.1:0, with stand-ins
// for the four services (fixtures that answer with their name and what they saw) and a fake
// Vault: each row of services.md section 1 on the gateway, the second table for
// mycoolwebsite.company.com, CORS, /nginx-health, the direct listeners with the URLs of the
// guide, the host's probes on the admin listener, and 503 for a service that is not loaded.
#include "EdgeTerrariumConfig.h"
#include "HttpTestClient.h"
#include "TerrariumProcess.h"
#include "VaultFixture.h"

#include <catch2/catch.hpp>

#include <string>

using namespace terrarium::test;
using terrarium::test::VaultFixture;

namespace {

const char* const Services[] = {"custom-client", "service-sink", "file-storage", "logthon"};

/// What a stand-in saw: "<plugin> <method> <path>?<query>" (no '?' without a query).
std::string seen(const HttpResult& answer)
{
    INFO(answer.status << " " << answer.body);
    REQUIRE(answer.status == 200);
    auto body = answer.json();
    std::string query = body->getValue<std::string>("query");
    return body->getValue<std::string>("plugin") + " " + body->getValue<std::string>("method") + " " + body->getValue<std::string>("path")
        + (query.empty() ? "" : "?" + query);
}

struct EdgeHost
{
    VaultFixture vault;
    std::unique_ptr<TerrariumProcess> host;

    EdgeHost()
    {
        vault.seedDemoData("root");
        TerrariumProcess::Options options;
        for (const char* service : Services)
            options.plugins.emplace_back(fixturePath(std::string("standin-") + service + ".so"), std::string(service) + ".so");
        options.configJson = jsonText(edgeTerrariumConfigOnLoopback());
        options.env = {{"VAULT_ADDR", vault.baseUrl()}};
        host = std::make_unique<TerrariumProcess>(options);
    }

    HttpResult gateway(const std::string& method, const std::string& target, const std::map<std::string, std::string>& headers = {},
                       const std::string& body = "") const
    {
        return host->request(method, target, body, headers);
    }

    HttpResult direct(const std::string& service, const std::string& method, const std::string& target, const std::string& body = "") const
    {
        std::string address = host->listenerAddress(service);
        REQUIRE_FALSE(address.empty());
        return httpRequest(address, method, target, body);
    }
};

} // namespace

TEST_CASE("edge-terrarium.json: the gateway serves the route table of services.md section 1", "[edge][gateway]")
{
    EdgeHost edge;
    struct Row { const char* method; const char* target; const char* expected; };
    for (const Row& row : {
             Row{"GET", "/api/custom-client/status?verbose=1", "custom-client GET /status?verbose=1"},
             Row{"GET", "/api/custom-client", "custom-client GET /"},
             Row{"GET", "/api/fake-provider/test?x=%2F&y", "custom-client GET /api/fake-provider/test?x=%2F&y"},
             Row{"POST", "/api/example-provider/a/b", "custom-client POST /api/example-provider/a/b"},
             Row{"GET", "/api/file-storage/files?limit=3", "file-storage GET /files?limit=3"},
             Row{"PUT", "/api/storage/files", "file-storage PUT /files"},
             Row{"DELETE", "/api/storage/files/a.txt", "file-storage DELETE /files/a.txt"},
             Row{"GET", "/api/logthon/logs?service=custom-client&limit=5", "logthon GET /logs?service=custom-client&limit=5"},
             Row{"POST", "/api/logs", "logthon POST /"},
             Row{"GET", "/api/logs/websocket/info", "logthon GET /websocket/info"},
             Row{"GET", "/api/other/thing?a=1", "service-sink GET /other/thing?a=1"},
             Row{"GET", "/api", "service-sink GET /"},
             Row{"GET", "/api/custom-clientele", "service-sink GET /custom-clientele"},
             Row{"GET", "/apiary", "service-sink GET /apiary"},
             Row{"GET", "/some/page?q=a%20b", "service-sink GET /some/page?q=a%20b"},
             Row{"GET", "/", "service-sink GET /"},
             Row{"GET", "/health", "service-sink GET /health"},
             Row{"GET", "/ready", "service-sink GET /ready"},
             Row{"POST", "/metrics", "service-sink POST /metrics"},
         }) {
        INFO(row.method << " " << row.target);
        HttpResult answer = edge.gateway(row.method, row.target);
        CHECK(seen(answer) == row.expected);
        CHECK(answer.header("Access-Control-Allow-Origin") == "*");
    }

    // The log body reaches logthon unchanged.
    HttpResult posted = edge.gateway("POST", "/api/logs", {{"Content-Type", "application/json"}}, R"({"service":"x","message":"m"})");
    CHECK(posted.json()->getValue<std::string>("body") == R"({"service":"x","message":"m"})");
}

TEST_CASE("edge-terrarium.json: mycoolwebsite.company.com goes to custom-client unchanged", "[edge][gateway][host]")
{
    EdgeHost edge;
    for (const char* target : {"/", "/health", "/api/storage/files", "/api/vault/v1/sys/health", "/nginx-health", "/page?x=1"})
    {
        INFO(target);
        std::string path = target;
        CHECK(seen(edge.gateway("GET", target, {{"Host", "mycoolwebsite.company.com"}})) == "custom-client GET " + path);
    }
    CHECK(seen(edge.gateway("GET", "/x", {{"Host", "MyCoolWebsite.Company.com:8000"}})) == "custom-client GET /x");
    CHECK(seen(edge.gateway("GET", "/x", {{"Host", "company.com"}})) == "service-sink GET /x");
}

TEST_CASE("edge-terrarium.json: /api/vault/ is proxied to VAULT_ADDR, /nginx-health is fixed, OPTIONS is 204", "[edge][gateway][vault]")
{
    EdgeHost edge;
    HttpResult health = edge.gateway("GET", "/api/vault/v1/sys/health");
    CHECK(health.status == 200);
    CHECK(health.json()->getValue<bool>("initialized"));
    CHECK(health.header("Access-Control-Allow-Origin") == "*");

    HttpResult secret = edge.gateway("GET", "/api/vault/v1/secret/data/custom-client/config", {{"X-Vault-Token", "root"}});
    REQUIRE(secret.status == 200);
    CHECK(secret.json()->getObject("data")->getObject("data")->getValue<std::string>("api_key") == "mock-api-key-12345");
    CHECK(edge.gateway("GET", "/api/vault/v1/secret/data/custom-client/config", {{"X-Vault-Token", "wrong"}}).status == 403);

    HttpResult nginx = edge.gateway("GET", "/nginx-health");
    CHECK(nginx.status == 200);
    CHECK(nginx.body == "healthy\n");
    CHECK(nginx.header("Access-Control-Allow-Origin") == "*");

    HttpResult preflight = edge.gateway("OPTIONS", "/api/storage/files");
    CHECK(preflight.status == 204);
    CHECK(preflight.header("Access-Control-Allow-Methods") == "GET, POST, PUT, DELETE, OPTIONS");
}

TEST_CASE("edge-terrarium.json: every service on its own listener takes the guide's URLs", "[edge][direct]")
{
    EdgeHost edge;
    CHECK(seen(edge.direct("custom-client", "GET", "/health")) == "custom-client GET /health");
    CHECK(seen(edge.direct("custom-client", "GET", "/api/fake-provider/x?y=1")) == "custom-client GET /api/fake-provider/x?y=1");
    CHECK(seen(edge.direct("service-sink", "GET", "/health")) == "service-sink GET /health");
    CHECK(seen(edge.direct("service-sink", "POST", "/api/anything?z")) == "service-sink POST /api/anything?z");
    CHECK(seen(edge.direct("file-storage", "POST", "/api/storage/files", R"({"filename":"test.txt"})")) == "file-storage POST /files");
    CHECK(seen(edge.direct("file-storage", "GET", "/api/file-storage/files/a.txt")) == "file-storage GET /files/a.txt");
    CHECK(seen(edge.direct("file-storage", "PUT", "/files")) == "file-storage PUT /files");
    CHECK(seen(edge.direct("file-storage", "GET", "/health")) == "file-storage GET /health");
    CHECK(seen(edge.direct("logthon", "POST", "/api/logs")) == "logthon POST /api/logs");
    CHECK(seen(edge.direct("logthon", "GET", "/health")) == "logthon GET /health");
    CHECK(edge.direct("logthon", "GET", "/health").header("Access-Control-Allow-Origin").empty());
}

TEST_CASE("edge-terrarium.json: the host's probes answer on the admin listener, a service not loaded is 503", "[edge][probes]")
{
    EdgeHost edge;
    HttpResult alive = edge.host->admin("GET", "/health", "", false);
    CHECK(alive.status == 200);
    CHECK(alive.json()->getValue<std::string>("status") == "alive");
    HttpResult ready = edge.host->admin("GET", "/ready", "", false);
    CHECK(ready.status == 200);
    for (const char* service : Services) CHECK(ready.json()->getObject("plugins")->getValue<std::string>(service) == "healthy");

    REQUIRE(edge.host->admin("DELETE", "/admin/plugins/logthon").status == 200);
    HttpResult viaGateway = edge.gateway("POST", "/api/logs");
    CHECK(viaGateway.status == 503);
    CHECK(viaGateway.json()->getValue<std::string>("error") == "plugin_unavailable");
    CHECK(viaGateway.header("Access-Control-Allow-Origin") == "*");
    HttpResult direct = edge.direct("logthon", "POST", "/api/logs");
    CHECK(direct.status == 503);
    CHECK(direct.json()->getValue<std::string>("error") == "plugin_unavailable");
    CHECK(edge.host->admin("GET", "/health", "", false).status == 200);
}
