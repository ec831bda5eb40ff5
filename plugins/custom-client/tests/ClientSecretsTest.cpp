// custom-client's secrets through FakeHost: the values of the secret path, the all-defaults
// fallback with a WARN, a missing key, and the stdout block masked unless show_secrets.
#include "ClientSecrets.h"

#include "Eventually.h"
#include "StdoutCapture.h"

#include <terrarium/testing/fake_host.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <string>

using terrarium::sink::ClientSecrets;
using terrarium::testing::FakeHost;
using terrarium::testing::LogRecord;

namespace {

const std::map<std::string, std::string> Demo = {{"api_key", "mock-api-key-12345"},
                                                 {"database_url", "postgresql://user:pass@db:5432/app"},
                                                 {"jwt_secret", "mock-jwt-secret-67890"},
                                                 {"encryption_key", "mock-encryption-key-abcdef"},
                                                 {"log_level", "DEBUG"},
                                                 {"max_connections", "250"}};

void seed(FakeHost& host, const std::string& path = "custom-client/config")
{
    for (const auto& [key, value] : Demo) host.setSecret(path, key, value);
}

/// The plugin's "Secrets loaded" record, once its thread has read them.
LogRecord secretsLoaded(FakeHost& host)
{
    REQUIRE(terrarium::test::eventually([&] { return host.logged("Secrets loaded"); }));
    for (const LogRecord& record : host.logs())
        if (record.message == "Secrets loaded") return record;
    FAIL("no record");
    return {};
}

bool warned(const FakeHost& host, const std::string& message)
{
    for (const LogRecord& record : host.logs())
        if (record.level == TRM_LOG_WARN && record.message == message) return true;
    return false;
}

std::string config(bool show)
{
    return std::string(R"({"request_log_dir":"","file_interval_ms":0,"show_secrets":)") + (show ? "true" : "false") + "}";
}

std::string block(const std::map<std::string, std::string>& values)
{
    return "=== VAULT SECRETS RETRIEVED ===\n"
           "API Key: " + values.at("api_key") + "\n"
           "Database URL: " + values.at("database_url") + "\n"
           "JWT Secret: " + values.at("jwt_secret") + "\n"
           "Encryption Key: " + values.at("encryption_key") + "\n"
           "Log Level: " + values.at("log_level") + "\n"
           "Max Connections: " + values.at("max_connections") + "\n"
           "=== END VAULT SECRETS ===\n";
}

const std::map<std::string, std::string> Defaults = {{"api_key", "default-api-key"},         {"database_url", "default-database-url"},
                                                     {"jwt_secret", "default-jwt-secret"},   {"encryption_key", "default-encryption-key"},
                                                     {"log_level", "INFO"},                  {"max_connections", "100"}};

const std::map<std::string, std::string> Masked = {{"api_key", "********"},      {"database_url", "********"}, {"jwt_secret", "********"},
                                                   {"encryption_key", "********"}, {"log_level", "********"},    {"max_connections", "********"}};

} // namespace

TEST_CASE("custom-client secrets: read from custom-client/config at start, printed masked by default", "[custom-client][secrets]")
{
    terrarium::test::StdoutCapture out;
    {
        FakeHost host(&terrarium_plugin_entry, config(false));
        seed(host);
        host.start();
        LogRecord loaded = secretsLoaded(host);
        CHECK(loaded.field("source").value_or("") == "secret store");
        CHECK(loaded.field("path").value_or("") == "custom-client/config");
        CHECK(loaded.field("shown").value_or("") == "masked");
        CHECK_FALSE(warned(host, "Failed to retrieve secrets, using default values"));
    }
    std::string printed = out.text();
    INFO(printed);
    CHECK(printed.find(block(Masked)) != std::string::npos);
    for (const auto& [key, value] : Demo) CHECK(printed.find(value) == std::string::npos);
}

TEST_CASE("custom-client secrets: show_secrets prints the values read", "[custom-client][secrets]")
{
    terrarium::test::StdoutCapture out;
    {
        FakeHost host(&terrarium_plugin_entry, config(true));
        seed(host);
        host.start();
        CHECK(secretsLoaded(host).field("shown").value_or("") == "clear");
    }
    CHECK(out.text().find(block(Demo)) != std::string::npos);
}

TEST_CASE("custom-client secrets: an unreadable path falls back to every default with a WARN", "[custom-client][secrets]")
{
    for (trm_status error : {TRM_ERR_UNAVAILABLE, TRM_ERR_FORBIDDEN, TRM_OK}) {
        INFO("error " << error);
        terrarium::test::StdoutCapture out;
        {
            FakeHost host(&terrarium_plugin_entry, config(true));
            if (error != TRM_OK) {
                seed(host);
                host.setSecretError("custom-client/config", error);   // provider down, or token refused
            }                                                          // TRM_OK: nothing at that path
            host.start();
            CHECK(secretsLoaded(host).field("source").value_or("") == "defaults");
            CHECK(warned(host, "Failed to retrieve secrets, using default values"));
            for (const LogRecord& record : host.logs()) {
                if (record.message != "Failed to retrieve secrets, using default values") continue;
                CHECK(record.field("path").value_or("") == "custom-client/config");
                CHECK_FALSE(record.field("error").value_or("").empty());
            }
        }
        CHECK(out.text().find(block(Defaults)) != std::string::npos);
    }
}

TEST_CASE("custom-client secrets: a missing key keeps its default alone, with a WARN naming it", "[custom-client][secrets]")
{
    terrarium::test::StdoutCapture out;
    {
        FakeHost host(&terrarium_plugin_entry, config(true));
        for (const auto& [key, value] : Demo)
            if (key != "jwt_secret") host.setSecret("custom-client/config", key, value);
        host.start();
        CHECK(secretsLoaded(host).field("source").value_or("") == "partial");
        CHECK(warned(host, "Secret missing, using its default value"));
        CHECK(host.logged("has no key \"jwt_secret\""));
        CHECK_FALSE(warned(host, "Failed to retrieve secrets, using default values"));
    }
    std::map<std::string, std::string> expected = Demo;
    expected["jwt_secret"] = "default-jwt-secret";
    CHECK(out.text().find(block(expected)) != std::string::npos);
}

TEST_CASE("custom-client secrets: secrets_path chooses another path and show_secrets must be a boolean", "[custom-client][secrets][config]")
{
    {
        terrarium::test::StdoutCapture out;
        FakeHost host(&terrarium_plugin_entry, R"({"request_log_dir":"","file_interval_ms":0,"show_secrets":true,"secrets_path":"edge/client"})");
        seed(host, "edge/client");
        host.start();
        CHECK(secretsLoaded(host).field("source").value_or("") == "secret store");
        host.stop();
        CHECK(out.text().find(block(Demo)) != std::string::npos);
    }
    FakeHost refused(&terrarium_plugin_entry, R"({"request_log_dir":"","show_secrets":"yes"})");
    CHECK(refused.tryStart() != TRM_OK);
    CHECK(refused.logged("config key 'show_secrets' is 'yes'; expected true or false"));
}

TEST_CASE("custom-client secrets: the block of defaults, masked and clear", "[custom-client][secrets]")
{
    ClientSecrets defaults;
    CHECK(defaults.allDefaults());
    CHECK(defaults.value("api_key") == "default-api-key");
    CHECK(defaults.value("max_connections") == "100");
    CHECK(defaults.value("nope").empty());
    CHECK(defaults.report(false) == block(Masked));
    CHECK(defaults.report(true) == block(Defaults));
}
