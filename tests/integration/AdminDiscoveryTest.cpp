// The discoverable admin API: GET /admin lists the calls, GET /admin/config shows the effective
// configuration with the source of every setting and secrets redacted, ?pretty indents every
// answer (errors included), and terrariumd starts with terrariumctl's variables set.
#include "HttpTestClient.h"
#include "TempDir.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>

#include <set>
#include <string>

#include <csignal>

using namespace terrarium::test;
using Catch::Matchers::Contains;

namespace {

/// The {"value","source"} of one setting of GET /admin/config.
Poco::JSON::Object::Ptr setting(const Poco::JSON::Object::Ptr& config, const std::string& key)
{
    Poco::JSON::Object::Ptr settings = config->getObject("settings");
    REQUIRE(settings);
    INFO("setting " << key);
    REQUIRE(settings->has(key));
    return settings->getObject(key);
}

std::string source(const Poco::JSON::Object::Ptr& config, const std::string& key)
{
    return setting(config, key)->getValue<std::string>("source");
}

} // namespace

TEST_CASE("GET /admin lists every call of the admin API, one line each", "[admin][discovery]")
{
    TerrariumProcess host;
    HttpResult list = host.admin("GET", "/admin");
    REQUIRE(list.status == 200);
    Poco::JSON::Array::Ptr endpoints = list.json()->getArray("endpoints");
    REQUIRE(endpoints);
    std::set<std::string> calls;
    for (unsigned i = 0; i < endpoints->size(); ++i)
    {
        Poco::JSON::Object::Ptr endpoint = endpoints->getObject(i);
        std::string summary = endpoint->getValue<std::string>("summary");
        CHECK_FALSE(summary.empty());
        CHECK(summary.find('\n') == std::string::npos);
        calls.insert(endpoint->getValue<std::string>("method") + " " + endpoint->getValue<std::string>("path"));
        CHECK(endpoint->getValue<bool>("read_only_token") == !endpoint->getValue<bool>("mutates"));
    }
    for (const char* call : {"GET /admin", "GET /admin/config", "GET /admin/status", "GET /admin/plugins", "POST /admin/plugins",
                             "GET /admin/plugins/{name}", "DELETE /admin/plugins/{name}", "POST /admin/plugins/{name}/reload",
                             "GET /admin/log-levels", "POST /admin/log-levels", "GET /admin/services", "POST /admin/services/{name}",
                             "DELETE /admin/services/{name}", "GET /metrics"})
    {
        INFO(call);
        CHECK(calls.count(call) == 1);
    }
    // Every listed GET without a parameter answers.
    for (const std::string& call : calls)
    {
        if (call.compare(0, 4, "GET ") != 0 || call.find('{') != std::string::npos) continue;
        INFO(call);
        CHECK(host.admin("GET", call.substr(4)).status == 200);
    }
    // A listed path with a method the table does not have is 405 with Allow from the table.
    HttpResult wrongMethod = host.admin("PUT", "/admin/plugins");
    CHECK(wrongMethod.status == 405);
    CHECK(wrongMethod.header("Allow") == "GET, POST");
    CHECK(host.admin("GET", "/admin/nothing").status == 404);
}

TEST_CASE("GET /admin/config shows each setting with its source: default, file, env, flag, admin", "[admin][discovery]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch":{"enabled":false},"threads":4,"limits":{"max_body_bytes":123456},)"
                         R"("plugins":{"echo":{"config":{"greeting":"from the file","color":"blue"}}},"services":{"billing":"http://127.0.0.1:7"}})";
    options.env = {{"TERRARIUM_MAX_HEADER_BYTES", "9000"}, {"TERRARIUM_ADMIN_URL", "http://127.0.0.1:1"}};
    options.extraArgs = {"--threads", "6"};
    TerrariumProcess host(options);

    HttpResult answer = host.admin("GET", "/admin/config");
    REQUIRE(answer.status == 200);
    Poco::JSON::Object::Ptr config = answer.json();
    std::string file = host.dir() + "/config.json";
    CHECK(config->getValue<std::string>("file") == file);
    CHECK(source(config, "listen") == "flag:--listen");
    CHECK(source(config, "admin.listen") == "flag:--admin-listen");
    CHECK(source(config, "threads") == "flag:--threads");
    CHECK(setting(config, "threads")->getValue<int>("value") == 6);
    CHECK(source(config, "limits.max_body_bytes") == "file:" + file);
    CHECK(setting(config, "limits.max_body_bytes")->getValue<int>("value") == 123456);
    CHECK(source(config, "limits.max_header_bytes") == "env:TERRARIUM_MAX_HEADER_BYTES");
    CHECK(setting(config, "limits.max_header_bytes")->getValue<int>("value") == 9000);
    CHECK(source(config, "watch.enabled") == "file:" + file);
    CHECK(source(config, "queue_size") == "default");
    CHECK(setting(config, "queue_size")->getValue<int>("value") == 1024);
    CHECK(source(config, "plugins.echo.config.greeting") == "file:" + file);
    CHECK(source(config, "services.billing") == "file:" + file);
    CHECK(config->getObject("config")->getObject("limits")->getValue<int>("max_body_bytes") == 123456);

    // What admin calls change shows as "admin".
    REQUIRE(host.admin("POST", "/admin/plugins/echo/reload", R"({"config":{"greeting":"from an admin call"}})").status == 200);
    REQUIRE(host.admin("POST", "/admin/log-levels", R"({"service":"echo","level":"debug"})").status == 200);
    REQUIRE(host.admin("POST", "/admin/services/ledger", R"({"url":"http://127.0.0.1:8"})").status == 200);
    REQUIRE(host.admin("DELETE", "/admin/services/billing").status == 200);
    config = host.admin("GET", "/admin/config").json();
    CHECK(source(config, "plugins.echo.config.greeting") == "admin");
    CHECK(setting(config, "plugins.echo.config.greeting")->getValue<std::string>("value") == "from an admin call");
    CHECK(source(config, "plugins.echo.config.color") == "file:" + file);
    CHECK(source(config, "log.plugins.echo") == "admin");
    CHECK(setting(config, "log.plugins.echo")->getValue<std::string>("value") == "debug");
    CHECK(source(config, "services.ledger") == "admin");
    CHECK(source(config, "services.billing") == "admin");
    CHECK(setting(config, "services.billing")->isNull("value"));
    CHECK(host.admin("POST", "/admin/config").status == 405);
}

TEST_CASE("GET /admin/config after SIGHUP shows what the host applied from the file read then", "[admin][discovery]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch":{"enabled":false},"plugins":{"echo":{"config":{"greeting":"first"}}}})";
    TerrariumProcess host(options);
    std::string file = host.dir() + "/config.json";
    CHECK(source(host.admin("GET", "/admin/config").json(), "log.level") == "default");

    host.replaceConfig(R"({"watch":{"enabled":false},"log":{"level":"debug"},"plugins":{"echo":{"config":{"greeting":"second"}}}})");
    ::kill(host.pid(), SIGHUP);
    REQUIRE(host.waitForLog("SIGHUP: configuration reloaded"));
    Poco::JSON::Object::Ptr config = host.admin("GET", "/admin/config").json();
    CHECK(setting(config, "log.level")->getValue<std::string>("value") == "debug");
    CHECK(source(config, "log.level") == "file:" + file);
    CHECK(setting(config, "plugins.echo.config.greeting")->getValue<std::string>("value") == "second");
    CHECK(source(config, "plugins.echo.config.greeting") == "file:" + file);
}

TEST_CASE("GET /admin/config and every plugin description never show a token, secret, password or key", "[admin][discovery]")
{
    TempDir secrets;
    std::string readOnlyToken = secrets.write("read-only.token", "read-only-token-value-5f1e\n");
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch":{"enabled":false},"admin":{"read_only_token_file":")" + readOnlyToken +
                         R"("},"plugins":{"echo":{"config":{"api_key":"api-key-value-7c2d","password":"password-value-93ab",)"
                         R"("credentials":{"user":"credential-user-value-11aa"},"trusted_keys_dir":"/etc/terrarium/trusted-keys",)"
                         R"("greeting":"shown"}}},"secrets":{"vault":{"token_file":"/run/vault-token-file"}}})";
    options.env = {{"VAULT_TOKEN", "vault-token-value-4b8e"}};
    TerrariumProcess host(options);
    HttpResult reloaded = host.admin("POST", "/admin/plugins/echo/reload", R"({"config":{"clientSecret":"client-secret-value-d00d"}})");
    REQUIRE(reloaded.status == 200);

    for (const char* path : {"/admin/config", "/admin/config?pretty", "/admin/plugins", "/admin/plugins/echo", "reload answer"})
    {
        HttpResult answer = std::string(path) == "reload answer" ? reloaded : host.admin("GET", path);
        REQUIRE(answer.status == 200);
        INFO(answer.body);
        for (const std::string& secret : {host.token(), std::string("read-only-token-value-5f1e"), std::string("api-key-value-7c2d"),
                                          std::string("password-value-93ab"), std::string("credential-user-value-11aa"),
                                          std::string("vault-token-value-4b8e"), std::string("client-secret-value-d00d")})
            CHECK(answer.body.find(secret) == std::string::npos);
        CHECK_THAT(answer.body, Contains("/etc/terrarium/trusted-keys"));
        CHECK_THAT(answer.body, Contains("shown"));
        if (std::string(path).rfind("/admin/config", 0) != 0) continue;
        CHECK_THAT(answer.body, Contains("/run/vault-token-file"));
        CHECK_THAT(answer.body, Contains(readOnlyToken));
    }
    Poco::JSON::Object::Ptr echo = host.admin("GET", "/admin/plugins/echo").json();
    CHECK(echo->getObject("config")->getValue<std::string>("api_key") == "<redacted>");
    CHECK(echo->getObject("config_overrides")->getValue<std::string>("clientSecret") == "<redacted>");
    CHECK(echo->getObject("config")->getValue<std::string>("greeting") == "shown");
    Poco::JSON::Object::Ptr config = host.admin("GET", "/admin/config").json();
    CHECK(setting(config, "secrets.vault.token")->getValue<std::string>("value") == "<redacted>");
    CHECK(source(config, "secrets.vault.token") == "env:VAULT_TOKEN");
    CHECK(setting(config, "plugins.echo.config.api_key")->getValue<std::string>("value") == "<redacted>");
    CHECK(setting(config, "secrets.provider")->getValue<std::string>("value") == "auto");
}

TEST_CASE("?pretty indents every admin answer, errors and probes included", "[admin][discovery]")
{
    TerrariumProcess host;
    for (const char* query : {"?pretty", "?pretty=1", "?pretty=true"})
    {
        HttpResult status = host.admin("GET", std::string("/admin/status") + query);
        REQUIRE(status.status == 200);
        CHECK_THAT(status.body, Contains("{\n  \"state\""));
        CHECK(status.json()->getValue<std::string>("state") == "serving");
    }
    HttpResult compact = host.admin("GET", "/admin/status?pretty=0");
    CHECK(compact.body.find('\n') == std::string::npos);
    CHECK(host.admin("GET", "/admin/status").body.find('\n') == std::string::npos);

    HttpResult notFound = host.admin("GET", "/admin/nothing?pretty");
    CHECK(notFound.status == 404);
    CHECK(notFound.json()->getValue<std::string>("error") == "not_found");
    CHECK_THAT(notFound.body, Contains("{\n  \"error\""));
    HttpResult unauthorized = host.admin("GET", "/admin/plugins?pretty", "", false);
    CHECK(unauthorized.status == 401);
    CHECK(unauthorized.json()->getValue<std::string>("error") == "unauthorized");
    CHECK_THAT(unauthorized.body, Contains("{\n  \"error\""));
    CHECK_THAT(host.admin("GET", "/admin?pretty").body, Contains("\n  \"endpoints\""));
    HttpResult health = host.admin("GET", "/health?pretty", "", false);
    CHECK(health.status == 200);
    CHECK_THAT(health.body, Contains("{\n  \"status\""));
}

TEST_CASE("terrariumd starts with terrariumctl's TERRARIUM_ADMIN_URL and TERRARIUM_ADMIN_TOKEN_FILE set", "[admin][discovery]")
{
    TempDir dir;
    std::string tokenFile = dir.write("admin.token", "shared-token-of-daemon-and-ctl\n");
    TerrariumProcess::Options options;
    options.env = {{"TERRARIUM_ADMIN_URL", "http://127.0.0.1:8081"}, {"TERRARIUM_ADMIN_TOKEN_FILE", tokenFile}};
    TerrariumProcess host(options);
    CHECK(host.token() == "shared-token-of-daemon-and-ctl");
    CHECK(host.admin("GET", "/admin/status").status == 200);
}
