// The secret cache through the real terrariumd and the services-probe plugin (secret_get),
// against a Vault-API-compatible fixture on loopback: hits, one read per path, 404 and 403,
// Vault down with stale values served and then refused, Kubernetes login, token files, the
// files provider, and no value ever in the log.
#include "HttpTestClient.h"
#include "TempDir.h"
#include "TerrariumProcess.h"
#include "VaultFixture.h"

#include <catch2/catch.hpp>

#include <Poco/File.h>

#include <fstream>
#include <string>

using namespace terrarium::test;
using terrarium::test::VaultFixture;

namespace {

const char* const ProbeFile = "services-probe.so";

/// GET /probe/secret?path=P&key=K: the probe's JSON answer ({"value"} or {"result","message"}).
Poco::JSON::Object::Ptr secret(const TerrariumProcess& host, const std::string& path, const std::string& key)
{
    HttpResult answer = host.get("/probe/secret?path=" + path + "&key=" + key);
    REQUIRE(answer.status == 200);
    return answer.json();
}

std::string valueOf(const Poco::JSON::Object::Ptr& answer)
{
    return answer->has("value") ? answer->getValue<std::string>("value") : std::string("<result ") + answer->get("result").toString() + ">";
}

int resultOf(const Poco::JSON::Object::Ptr& answer)
{
    return answer->has("result") ? answer->getValue<int>("result") : 0;
}

void writeFile(const std::string& path, const std::string& content)
{
    std::ofstream out(path, std::ios::trunc);
    out << content;
}

/// No demo value appears anywhere in the host's output.
void checkNoValueLogged(const TerrariumProcess& host)
{
    std::string log = host.log();
    for (const auto& [key, value] : VaultFixture::demoData())
    {
        if (value.size() < 8) continue;   // "INFO", "100" appear in ordinary lines
        INFO("key " << key);
        CHECK(log.find(value) == std::string::npos);
    }
}

} // namespace

TEST_CASE("secrets: Vault KV v2 through VAULT_ADDR and VAULT_TOKEN: one read per path, 404 and 403 told apart", "[secrets][vault]")
{
    VaultFixture vault;
    vault.seedDemoData("root-token");
    vault.putSecret("other/thing", {{"k", "v"}});
    vault.addToken("limited-token", {"custom-client"});

    TerrariumProcess::Options options;
    options.plugins = {{fixturePath(ProbeFile), ProbeFile}};
    options.configJson = R"({"watch":{"enabled":false}})";
    options.env = {{"VAULT_ADDR", vault.baseUrl()}, {"VAULT_TOKEN", "root-token"}};
    TerrariumProcess host(options);
    CHECK(host.waitForLog("secrets from provider 'vault'"));

    for (const auto& [key, value] : VaultFixture::demoData()) CHECK(valueOf(secret(host, "custom-client/config", key)) == value);
    CHECK(vault.reads("custom-client/config") == 1);
    for (int i = 0; i < 5; ++i) CHECK(valueOf(secret(host, "custom-client/config", "api_key")) == "mock-api-key-12345");
    CHECK(vault.reads("custom-client/config") == 1);

    CHECK(resultOf(secret(host, "no/such/path", "x")) == -3);            // TRM_ERR_NOT_FOUND
    CHECK(resultOf(secret(host, "custom-client/config", "nope")) == -3);
    CHECK(resultOf(secret(host, "bad/../path", "x")) == -2);             // TRM_ERR_INVALID, never sent
    vault.revokeToken("root-token");
    CHECK(resultOf(secret(host, "other/thing", "k")) == -9);             // TRM_ERR_FORBIDDEN

    std::string page = host.admin("GET", "/metrics", "", false).body;
    INFO(page);
    CHECK(metricSample(page, "terrarium_secrets_hits_total{provider=\"vault\"}") >= 10);
    CHECK(metricSample(page, "terrarium_secrets_misses_total{provider=\"vault\"}") >= 1);
    checkNoValueLogged(host);
}

TEST_CASE("secrets: Vault down: the last value is served stale up to the bound, then the provider is unavailable", "[secrets][vault]")
{
    VaultFixture vault;
    vault.seedDemoData("root-token");

    TerrariumProcess::Options options;
    options.plugins = {{fixturePath(ProbeFile), ProbeFile}};
    options.configJson = R"({"watch":{"enabled":false},"client":{"breaker":{"open_ms":100}},
        "secrets":{"ttl_ms":300,"refresh_ahead_ms":100,"max_stale_ms":2500,"negative_ttl_ms":100,
                   "vault":{"address":")" + vault.baseUrl() + R"(","token":"root-token"}}})";
    TerrariumProcess host(options);

    REQUIRE(valueOf(secret(host, "custom-client/config", "jwt_secret")) == "mock-jwt-secret-67890");
    REQUIRE(resultOf(secret(host, "never/read", "x")) == -3);
    vault.setDown(true);

    // Past the TTL the value keeps coming, marked stale in the metrics and the log.
    REQUIRE(waitUntil([&] {
        if (valueOf(secret(host, "custom-client/config", "jwt_secret")) != "mock-jwt-secret-67890") return false;
        return metricSample(host.admin("GET", "/metrics", "", false).body, "terrarium_secrets_stale_serves_total{provider=\"vault\"}") >= 1;
    }));
    CHECK(metricSample(host.admin("GET", "/metrics", "", false).body, "terrarium_secrets_provider_errors_total{provider=\"vault\"}") >= 1);
    REQUIRE(host.waitForLog("secret path 'custom-client/config': serving the cached value"));
    // A path never read has nothing to fall back on.
    REQUIRE(waitUntil([&] { return resultOf(secret(host, "never/read", "x")) == -8; }));   // TRM_ERR_UNAVAILABLE

    // Beyond max_stale the old value is no longer served.
    REQUIRE(waitUntil([&] { return resultOf(secret(host, "custom-client/config", "jwt_secret")) == -8; }));
    CHECK(host.get("/health").status == 200);

    // Back up: served fresh again.
    vault.setDown(false);
    REQUIRE(waitUntil([&] { return valueOf(secret(host, "custom-client/config", "jwt_secret")) == "mock-jwt-secret-67890"; }));
    checkNoValueLogged(host);
}

TEST_CASE("secrets: Kubernetes auth logs in with the service account JWT, a token file is read", "[secrets][vault][kubernetes]")
{
    VaultFixture vault;
    vault.seedDemoData();
    TempDir dir;
    std::string jwtFile = dir.path() + "/token";

    SECTION("Kubernetes login")
    {
        writeFile(jwtFile, "service-account-jwt\n");
        vault.addKubernetesRole("terrarium", "service-account-jwt");
        TerrariumProcess::Options options;
        options.plugins = {{fixturePath(ProbeFile), ProbeFile}};
        options.configJson = R"({"watch":{"enabled":false},"secrets":{"vault":{"address":")" + vault.baseUrl()
                             + R"(","kubernetes":{"role":"terrarium","jwt_file":")" + jwtFile + R"("}}}})";
        TerrariumProcess host(options);
        CHECK(valueOf(secret(host, "custom-client/config", "database_url")) == "postgresql://user:pass@db:5432/app");
        CHECK(vault.logins() == 1);
        checkNoValueLogged(host);
        CHECK(host.log().find("service-account-jwt") == std::string::npos);
    }
    SECTION("a wrong role is forbidden")
    {
        writeFile(jwtFile, "service-account-jwt\n");
        vault.addKubernetesRole("terrarium", "another-jwt");
        TerrariumProcess::Options options;
        options.plugins = {{fixturePath(ProbeFile), ProbeFile}};
        options.configJson = R"({"watch":{"enabled":false},"secrets":{"vault":{"address":")" + vault.baseUrl()
                             + R"(","kubernetes":{"role":"terrarium","jwt_file":")" + jwtFile + R"("}}}})";
        TerrariumProcess host(options);
        CHECK(resultOf(secret(host, "custom-client/config", "database_url")) == -9);
        CHECK(vault.logins() == 0);
    }
    SECTION("token file")
    {
        writeFile(jwtFile, "file-token\n");
        vault.addToken("file-token");
        TerrariumProcess::Options options;
        options.plugins = {{fixturePath(ProbeFile), ProbeFile}};
        options.configJson = R"({"watch":{"enabled":false},"secrets":{"vault":{"address":")" + vault.baseUrl()
                             + R"(","token_file":")" + jwtFile + R"("}}})";
        TerrariumProcess host(options);
        CHECK(valueOf(secret(host, "custom-client/config", "encryption_key")) == "mock-encryption-key-abcdef");
        CHECK(host.log().find("file-token") == std::string::npos);
    }
}

TEST_CASE("secrets: without Vault, files under <state>/secrets are the provider (Kubernetes secret mounts)", "[secrets][files]")
{
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath(ProbeFile), ProbeFile}};
    options.configJson = R"({"watch":{"enabled":false},"secrets":{"negative_ttl_ms":200}})";
    TerrariumProcess host(options);
    CHECK(host.waitForLog("secrets from provider 'files'"));

    CHECK(resultOf(secret(host, "custom-client/config", "api_key")) == -3);
    std::string dir = host.stateDir() + "/secrets/custom-client/config";
    Poco::File(dir).createDirectories();
    writeFile(dir + "/api_key", "from-a-file\n");
    // The "not found" answer is remembered for negative_ttl: poll until it expires.
    REQUIRE(waitUntil([&] { return valueOf(secret(host, "custom-client/config", "api_key")) == "from-a-file"; }));
    CHECK(host.log().find("from-a-file") == std::string::npos);
}

TEST_CASE("secrets: an unreachable Vault at start-up does not stop the host, lookups say the provider is unavailable", "[secrets][vault]")
{
    VaultFixture vault;
    vault.setDown(true);
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath(ProbeFile), ProbeFile}};
    options.configJson = R"({"watch":{"enabled":false},"secrets":{"vault":{"address":")" + vault.baseUrl() + R"(","token":"t"}}})";
    TerrariumProcess host(options);
    Poco::JSON::Object::Ptr answer = secret(host, "custom-client/config", "api_key");
    CHECK(resultOf(answer) == -8);
    CHECK(answer->getValue<std::string>("message").find("custom-client/config") != std::string::npos);
    CHECK(host.get("/health").status == 200);
}
