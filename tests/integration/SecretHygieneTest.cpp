// Secret hygiene, proven: known secret values are seeded through every provider (Vault, files,
// environment), every host path that handles them is exercised (reads, refreshes, a provider
// failure with stale serves and refusals, plugin errors, a reload of the plugin that reads them,
// the admin API, /metrics), and then everything the host wrote or answered outside the plugin's
// own explicit answers — its console, log file, access log, the records it shipped to logthon,
// the admin answers, the metrics pages, error bodies — is searched for the values: none is there.
#include "LogthonFixture.h"
#include "TempDir.h"
#include "TerrariumProcess.h"
#include "VaultFixture.h"

#include <catch2/catch.hpp>

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/StreamCopier.h>

#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace terrarium::test;

namespace {

const char* const ProbeFile = "services-probe.so";

/// The values seeded: long and distinctive, so that any copy of them shows.
const std::map<std::string, std::string> SECRETS = {
    {"api_key", "hygiene-api-key-5c1f0e9d7b"},
    {"database_url", "postgresql://hyg:pw-8e2d4a6b13@db:5432/app"},
    {"jwt_secret", "hygiene-jwt-secret-a9b7c5d3e1"},
    {"encryption_key", "hygiene-encryption-key-f0e1d2c3b4"},
    {"log_level", "INFO"},
    {"max_connections", "100"},
};

std::string fileText(const std::string& path)
{
    if (!Poco::File(path).exists()) return std::string();
    Poco::FileInputStream in(path);
    std::string text;
    Poco::StreamCopier::copyToString(in, text);
    return text;
}

std::string secretsJson()
{
    std::string json = "{";
    for (const auto& [key, value] : SECRETS) json += (json.size() > 1 ? "," : "") + std::string("\"") + key + "\":\"" + value + "\"";
    return json + "}";
}

/// Everything of the host's that is searched, gathered as the test goes.
struct Evidence
{
    std::string text;
    void add(const std::string& what, const std::string& content) { text += "\n==== " + what + "\n" + content; }
};

/// Reads every key through the probe plugin (its answers hold the values: they are the plugin's
/// own output and are not searched) and returns the JSON of a failed lookup (searched).
void readAll(const TerrariumProcess& host, Evidence& evidence)
{
    for (const auto& entry : SECRETS)
    {
        HttpResult answer = host.get("/probe/secret?path=custom-client/config&key=" + entry.first);
        REQUIRE(answer.status == 200);
        CHECK(answer.json()->getValue<std::string>("value") == entry.second);
    }
    HttpResult missing = host.get("/probe/secret?path=custom-client/config&key=no_such_key");
    evidence.add("failed lookup", missing.body);
}

void exerciseHost(const TerrariumProcess& host, Evidence& evidence)
{
    evidence.add("custom-client", host.get("/api/custom-client/").body);
    evidence.add("custom-client health", host.get("/api/custom-client/health").body);
    evidence.add("reload", host.admin("POST", "/admin/plugins/custom-client/reload").body);
    for (const char* path : {"/admin/plugins", "/admin/plugins/custom-client", "/admin/plugins/services-probe", "/admin/status", "/admin/services"})
        evidence.add(path, host.admin("GET", path).body);
    evidence.add("admin metrics", host.admin("GET", "/metrics", "", false).body);
    evidence.add("bad admin body", host.admin("POST", "/admin/plugins", R"({"file": 5})").body);
    evidence.add("404", host.get("/nothing-here").body);
}

void checkClean(const std::string& text)
{
    for (const auto& [key, value] : SECRETS)
    {
        if (value.size() < 8) continue;   // "INFO" and "100" appear in ordinary text
        INFO("the value of " << key << " was found");
        CHECK(text.find(value) == std::string::npos);
    }
}

TerrariumProcess::Options hostOptions(const TempDir& dir, const LogthonFixture& logthon, const std::string& secrets)
{
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath(ProbeFile), ProbeFile}, {CUSTOM_CLIENT_PLUGIN_PATH, "custom-client.so"}};
    options.configJson = R"({"watch":{"enabled":false},
        "services":{"logthon":")" + logthon.baseUrl() + R"("},
        "log":{"level":"debug","file":{"path":")" + dir.file("host.log") + R"("},"access":{"path":")" + dir.file("access.log") + R"("},
               "logthon":{"flush_interval_ms":50}},
        "plugins":{"custom-client":{"config":{"file_interval_ms":600000}}},
        "secrets":)" + secrets + "}";
    return options;
}

void gatherOutputs(const TerrariumProcess& host, const TempDir& dir, const LogthonFixture& logthon, Evidence& evidence)
{
    evidence.add("console", host.log());
    evidence.add("log file", fileText(dir.file("host.log")));
    evidence.add("access log", fileText(dir.file("access.log")));
    std::string shipped;
    for (const auto& record : logthon.records())
    {
        std::ostringstream out;
        record->stringify(out);
        shipped += out.str() + "\n";
    }
    evidence.add("shipped to logthon", shipped);
}

} // namespace

TEST_CASE("secret hygiene: values from Vault never leave the host but through the plugin's own answers", "[secrets][hygiene]")
{
    VaultFixture vault;
    vault.seedDemoData("hygiene-root-token-77");
    vault.putSecret("custom-client/config", SECRETS);
    LogthonFixture logthon;
    TempDir dir;
    TerrariumProcess host(hostOptions(dir, logthon,
        R"({"ttl_ms":300,"refresh_ahead_ms":100,"max_stale_ms":1500,"negative_ttl_ms":100,"vault":{"address":")" + vault.baseUrl() +
        R"(","token":"hygiene-root-token-77"}})"));
    Evidence evidence;

    readAll(host, evidence);
    REQUIRE(waitUntil([&] { return vault.reads("custom-client/config") >= 2; }));   // refreshed
    exerciseHost(host, evidence);
    vault.setDown(true);                                                              // failure: stale, then refused
    // A path is read again only when used since its last read: keep using it until a read fails.
    REQUIRE(waitUntil([&] {
        host.get("/probe/secret?path=custom-client/config&key=api_key");
        return host.log().find("serving the cached value") != std::string::npos;
    }));
    REQUIRE(waitUntil([&] { return host.get("/probe/secret?path=custom-client/config&key=api_key").json()->has("result"); }));
    evidence.add("unavailable", host.get("/probe/secret?path=custom-client/config&key=api_key").body);
    vault.setDown(false);
    REQUIRE(waitUntil([&] { return host.get("/probe/secret?path=custom-client/config&key=api_key").json()->has("value"); }));
    readAll(host, evidence);
    REQUIRE(logthon.waitForCount(1));
    gatherOutputs(host, dir, logthon, evidence);
    CHECK(evidence.text.find("hygiene-root-token-77") == std::string::npos);
    checkClean(evidence.text);
}

TEST_CASE("secret hygiene: values from the files and env providers never leave the host but through the plugin's own answers", "[secrets][hygiene]")
{
    LogthonFixture logthon;
    TempDir dir;
    Evidence evidence;
    SECTION("files")
    {
        Poco::File(dir.file("secrets/custom-client")).createDirectories();
        std::ofstream(dir.file("secrets/custom-client/config.json")) << secretsJson();
        TerrariumProcess host(hostOptions(dir, logthon, R"({"provider":"files","ttl_ms":200,"files":{"dir":")" + dir.file("secrets") + R"("}})"));
        readAll(host, evidence);
        exerciseHost(host, evidence);
        Poco::File(dir.file("secrets/custom-client/config.json")).remove();           // the secret goes away
        REQUIRE(waitUntil([&] { return host.get("/probe/secret?path=custom-client/config&key=api_key").json()->has("result"); }));
        evidence.add("gone", host.get("/probe/secret?path=custom-client/config&key=api_key").body);
        REQUIRE(logthon.waitForCount(1));
        gatherOutputs(host, dir, logthon, evidence);
    }
    SECTION("env")
    {
        TerrariumProcess::Options options = hostOptions(dir, logthon, R"({"provider":"env","ttl_ms":200})");
        for (const auto& [key, value] : SECRETS)
        {
            std::string name = "SECRET_CUSTOM_CLIENT_CONFIG_" + key;
            for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            options.env[name] = value;
        }
        TerrariumProcess host(options);
        readAll(host, evidence);
        exerciseHost(host, evidence);
        REQUIRE(logthon.waitForCount(1));
        gatherOutputs(host, dir, logthon, evidence);
    }
    checkClean(evidence.text);
}

TEST_CASE("secret hygiene: secrets.core_dumps false makes the process non-dumpable, reported by /admin/status", "[secrets][hygiene]")
{
    TerrariumProcess::Options options;
    options.configJson = R"({"watch":{"enabled":false},"secrets":{"core_dumps":false}})";
    TerrariumProcess guarded(options);
    HttpResult status = guarded.admin("GET", "/admin/status");
    REQUIRE(status.status == 200);
    CHECK_FALSE(status.json()->getValue<bool>("dumpable"));
    CHECK(guarded.waitForLog("the process is not dumpable"));

    TerrariumProcess plain;
    CHECK(plain.admin("GET", "/admin/status").json()->getValue<bool>("dumpable"));
}
