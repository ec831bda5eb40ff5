// VaultSecretProvider against the loopback VaultFixture through a real HttpClient and
// ClientHttpExchange: reads, 404, 403, Vault down, token file re-read, Kubernetes login and
// renewal, HTTPS; and the cache in front of it.
#include "SecretsTestSupport.h"

#include "client/HttpClient.h"
#include "secrets/ClientHttpExchange.h"
#include "secrets/SecretCache.h"
#include "secrets/VaultSecretProvider.h"

#include "TestCertificate.h"
#include "VaultFixture.h"

#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>

#include <thread>
#include <vector>

using terrarium::ClientConfig;
using terrarium::ClientHttpExchange;
using terrarium::HttpClient;
using terrarium::HttpExchange;
using terrarium::HttpExchangeRequest;
using terrarium::HttpExchangeResult;
using terrarium::SecretCache;
using terrarium::SecretLookup;
using terrarium::SecretOutcome;
using terrarium::SecretRead;
using terrarium::VaultConfig;
using terrarium::VaultSecretProvider;
using terrarium::test::contains;
using terrarium::test::LogCapture;
using terrarium::test::ManualClock;
using terrarium::test::ScratchDir;
using terrarium::test::TestCertificate;
using terrarium::test::testClientConfig;
using terrarium::test::VaultFixture;

namespace {

const std::string DEMO = VaultFixture::DEMO_PATH;

VaultConfig vaultConfig(const VaultFixture& vault, const std::string& token = "root")
{
    VaultConfig config;
    config.address = vault.baseUrl();
    config.token = token;
    return config;
}

} // namespace

TEST_CASE("ClientHttpExchange maps requests onto the HttpClient and failures onto reached = false", "[secrets][vault][exchange]")
{
    VaultFixture vault;
    HttpClient client(testClientConfig());
    ClientHttpExchange exchange(client);

    HttpExchangeRequest health;
    health.url = vault.baseUrl() + "/v1/sys/health";
    HttpExchangeResult result = exchange(health);
    REQUIRE(result.reached);
    CHECK(result.status == 200);
    CHECK(contains(result.body, "\"sealed\":false"));
    CHECK(result.error.empty());

    vault.addKubernetesRole("terrarium", "jwt-1");
    HttpExchangeRequest login;
    login.method = "POST";
    login.url = vault.baseUrl() + "/v1/auth/kubernetes/login";
    login.headers.emplace_back("Content-Type", "application/json");
    login.body = R"({"role":"terrarium","jwt":"jwt-1"})";
    HttpExchange bound = ClientHttpExchange::bind(client);
    result = bound(login);
    REQUIRE(result.reached);
    CHECK(result.status == 200);
    CHECK(contains(result.body, "client_token"));
    CHECK(vault.logins() == 1);

    vault.setFailureStatus(503);
    result = exchange(health);
    CHECK(result.reached);
    CHECK(result.status == 503);

    vault.setDown(true);
    result = exchange(health);
    CHECK_FALSE(result.reached);
    CHECK(contains(result.error, "2 tries"));   // the client's configured maxAttempts
}

TEST_CASE("the Vault provider reads a KV v2 path with every key", "[secrets][vault]")
{
    VaultFixture vault;
    vault.seedDemoData("root");
    HttpClient client(testClientConfig());
    VaultSecretProvider provider(vaultConfig(vault), ClientHttpExchange(client));

    SecretRead read = provider.read(DEMO);
    REQUIRE(read.outcome == SecretOutcome::Found);
    CHECK(read.values == VaultFixture::demoData());
    CHECK(vault.reads(DEMO) == 1);

    vault.putSecretJson("app/typed", R"({"port": 5432, "tls": true})");
    read = provider.read("app/typed");
    REQUIRE(read.outcome == SecretOutcome::Found);
    CHECK(read.values["port"] == "5432");
    CHECK(read.values["tls"] == "true");
}

TEST_CASE("the Vault provider: missing and deleted paths are NotFound, a refused token Forbidden", "[secrets][vault]")
{
    VaultFixture vault;
    vault.seedDemoData("root");
    vault.addToken("narrow", {"app"});
    vault.putSecret("app/db", {{"password", "pw-VALUE-vault"}});
    HttpClient client(testClientConfig());
    VaultSecretProvider provider(vaultConfig(vault), ClientHttpExchange(client));

    SecretRead missing = provider.read("nothing/here");
    CHECK(missing.outcome == SecretOutcome::NotFound);
    CHECK(contains(missing.message, "nothing/here"));

    REQUIRE(vault.deleteSecret("app/db"));
    SecretRead deleted = provider.read("app/db");
    CHECK(deleted.outcome == SecretOutcome::NotFound);
    CHECK_FALSE(contains(deleted.message, "pw-VALUE-vault"));

    VaultSecretProvider wrong(vaultConfig(vault, "not-a-token"), ClientHttpExchange(client));
    SecretRead refused = wrong.read(DEMO);
    CHECK(refused.outcome == SecretOutcome::Forbidden);
    CHECK(contains(refused.message, "permission denied"));
    CHECK_FALSE(contains(refused.message, "not-a-token"));

    VaultSecretProvider narrow(vaultConfig(vault, "narrow"), ClientHttpExchange(client));
    CHECK(narrow.read(DEMO).outcome == SecretOutcome::Forbidden);
    vault.putSecret("app/db", {{"password", "again"}});
    CHECK(narrow.read("app/db").values["password"] == "again");
}

TEST_CASE("the Vault provider: Vault down or failing is Unavailable", "[secrets][vault]")
{
    VaultFixture vault;
    vault.seedDemoData("root");
    HttpClient client(testClientConfig());
    VaultSecretProvider provider(vaultConfig(vault), ClientHttpExchange(client));

    vault.setFailureStatus(503);
    SecretRead sealed = provider.read(DEMO);
    CHECK(sealed.outcome == SecretOutcome::Unavailable);
    CHECK(contains(sealed.message, "503"));
    vault.setFailureStatus(0);

    vault.setDown(true);
    SecretRead down = provider.read(DEMO);
    CHECK(down.outcome == SecretOutcome::Unavailable);
    CHECK(contains(down.message, DEMO));
    vault.setDown(false);
    CHECK(provider.read(DEMO).outcome == SecretOutcome::Found);
}

TEST_CASE("the Vault provider reads the token file again after a 403", "[secrets][vault][token]")
{
    VaultFixture vault;
    vault.seedDemoData();
    vault.addToken("token-a");
    ScratchDir dir;
    const std::string tokenFile = dir.write("vault-token", "token-a\n");
    VaultConfig config = vaultConfig(vault, "");
    config.tokenFile = tokenFile;
    HttpClient client(testClientConfig());
    VaultSecretProvider provider(config, ClientHttpExchange(client));

    REQUIRE(provider.read(DEMO).outcome == SecretOutcome::Found);
    CHECK(vault.reads(DEMO) == 1);

    vault.revokeToken("token-a");
    vault.addToken("token-b");
    dir.write("vault-token", "token-b\n");
    REQUIRE(provider.read(DEMO).outcome == SecretOutcome::Found);
    CHECK(vault.reads(DEMO) == 3);   // 403 with the old token, then 200 with the file's new one

    vault.revokeToken("token-b");
    SecretRead refused = provider.read(DEMO);
    CHECK(refused.outcome == SecretOutcome::Forbidden);
    CHECK(vault.reads(DEMO) == 5);   // one re-read of the file, one retry, no loop
}

TEST_CASE("the Vault provider logs in with Kubernetes auth and renews the token", "[secrets][vault][kubernetes]")
{
    LogCapture logs;
    VaultFixture vault;
    vault.seedDemoData();
    ScratchDir dir;
    VaultConfig config = vaultConfig(vault, "");
    config.kubernetesRole = "terrarium";
    config.kubernetesJwtFile = dir.write("sa-token", "jwt-ABC-secret\n");
    HttpClient client(testClientConfig());
    ManualClock clock;

    SECTION("a renewable token is renewed once two thirds of its lease are gone")
    {
        vault.addKubernetesRole("terrarium", "jwt-ABC-secret", 60, true);
        VaultSecretProvider provider(config, ClientHttpExchange(client), Poco::Timespan(5, 0), clock.clock());
        REQUIRE(provider.read(DEMO).outcome == SecretOutcome::Found);
        CHECK(vault.logins() == 1);
        clock.advance(Poco::Timespan(30, 0));
        REQUIRE(provider.read(DEMO).outcome == SecretOutcome::Found);
        CHECK(vault.renewals() == 0);
        clock.advance(Poco::Timespan(11, 0));
        REQUIRE(provider.read(DEMO).outcome == SecretOutcome::Found);
        CHECK(vault.renewals() == 1);
        CHECK(vault.logins() == 1);
        clock.advance(Poco::Timespan(41, 0));
        REQUIRE(provider.read(DEMO).outcome == SecretOutcome::Found);
        CHECK(vault.renewals() == 2);

        vault.revokeIssuedTokens();   // 403: the provider logs in again, once
        REQUIRE(provider.read(DEMO).outcome == SecretOutcome::Found);
        CHECK(vault.logins() == 2);
    }
    SECTION("a token that is not renewable is replaced by a new login")
    {
        vault.addKubernetesRole("terrarium", "jwt-ABC-secret", 60, false);
        VaultSecretProvider provider(config, ClientHttpExchange(client), Poco::Timespan(5, 0), clock.clock());
        REQUIRE(provider.read(DEMO).outcome == SecretOutcome::Found);
        clock.advance(Poco::Timespan(41, 0));
        REQUIRE(provider.read(DEMO).outcome == SecretOutcome::Found);
        CHECK(vault.logins() == 2);
        CHECK(vault.renewals() == 0);
    }
    SECTION("a wrong service account token is Forbidden")
    {
        vault.addKubernetesRole("terrarium", "another-jwt");
        VaultSecretProvider provider(config, ClientHttpExchange(client), Poco::Timespan(5, 0), clock.clock());
        SecretRead refused = provider.read(DEMO);
        CHECK(refused.outcome == SecretOutcome::Forbidden);
        CHECK(contains(refused.message, "terrarium"));
        CHECK_FALSE(contains(refused.message, "jwt-ABC-secret"));
        CHECK(vault.logins() == 0);
    }
    for (const auto& entry : logs.entries())
    {
        INFO(entry.logger << ": " << entry.text);
        CHECK_FALSE(contains(entry.text, "jwt-ABC-secret"));
        CHECK_FALSE(contains(entry.text, "s.fixture-token"));
        CHECK_FALSE(contains(entry.text, "mock-api-key-12345"));
    }
}

TEST_CASE("the Vault provider reads over HTTPS with the fixture's certificate trusted", "[secrets][vault][tls]")
{
    TestCertificate certificate;
    VaultFixture vault(&certificate);
    vault.seedDemoData("root");
    REQUIRE(vault.baseUrl().compare(0, 8, "https://") == 0);
    ClientConfig clientConfig = testClientConfig();
    clientConfig.caFile = certificate.certFile();
    HttpClient client(clientConfig);
    VaultSecretProvider provider(vaultConfig(vault), ClientHttpExchange(client));
    SecretRead read = provider.read(DEMO);
    INFO(read.message);
    REQUIRE(read.outcome == SecretOutcome::Found);
    CHECK(read.values["api_key"] == "mock-api-key-12345");
}

TEST_CASE("the cache over Vault: one read per path, stale while Vault is down, fresh when it is back", "[secrets][vault][cache]")
{
    LogCapture logs;
    VaultFixture vault;
    vault.seedDemoData("root");
    HttpClient client(testClientConfig());
    ManualClock clock;
    SecretCache cache(std::make_unique<VaultSecretProvider>(vaultConfig(vault), ClientHttpExchange(client)),
        SecretCache::Settings(), clock.clock());

    for (const auto& value : VaultFixture::demoData())
        CHECK(cache.get(DEMO, value.first).value == value.second);
    CHECK(vault.reads(DEMO) == 1);

    // Many threads at once on a cold path: one read.
    vault.putSecret("app/db", {{"user", "app"}});
    std::vector<std::thread> callers;
    std::vector<SecretLookup> answers(8);
    for (std::size_t i = 0; i < answers.size(); ++i)
        callers.emplace_back([&, i] { answers[i] = cache.get("app/db", "user"); });
    for (std::thread& caller : callers)
        caller.join();
    for (const SecretLookup& answer : answers)
        CHECK(answer.value == "app");
    CHECK(vault.reads("app/db") == 1);

    vault.setDown(true);
    clock.advance(Poco::Timespan(301, 0));
    SecretLookup stale = cache.get(DEMO, "api_key");
    REQUIRE(stale.found());
    CHECK(stale.stale);
    CHECK(stale.value == "mock-api-key-12345");
    CHECK(cache.stats().staleServes == 1);
    CHECK(cache.stats().providerErrors == 1);
    CHECK(cache.get("nothing/here", "x").outcome == SecretOutcome::Unavailable);

    vault.setDown(false);
    clock.advance(Poco::Timespan(5, 0));
    SecretLookup fresh = cache.get(DEMO, "api_key");
    REQUIRE(fresh.found());
    CHECK_FALSE(fresh.stale);
    CHECK(vault.reads(DEMO) == 2);

    vault.deleteSecret(DEMO);
    clock.advance(Poco::Timespan(300, 0));
    CHECK(cache.get(DEMO, "api_key").outcome == SecretOutcome::NotFound);

    for (const auto& entry : logs.entries())
        for (const auto& value : VaultFixture::demoData())
            if (value.second.size() > 5)
                CHECK_FALSE(contains(entry.text, value.second));
}

TEST_CASE("the Vault provider never repeats its token or JWT when Vault's error text echoes them", "[secrets][vault]")
{
    // Found by fuzzing the provider with Vault answers: the errors Vault sends are quoted in the
    // outcome's message, which must never hold a credential.
    const std::string token = "s.secret-token-4711";
    ScratchDir dir;
    const std::string jwtFile = dir.write("jwt", "eyJhbGciOi.service-account.jwt-0815");
    HttpExchange echoing = [](const HttpExchangeRequest& request) {
        HttpExchangeResult result;
        result.reached = true;
        result.status = 403;
        std::string credential;
        for (const auto& header : request.headers)
            if (header.first == "X-Vault-Token") credential = header.second;
        if (!request.body.empty())
            credential = Poco::JSON::Parser().parse(request.body).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("jwt");
        result.body = R"({"errors":["permission denied for )" + credential + R"("]})";
        return result;
    };

    VaultConfig withToken;
    withToken.address = "http://127.0.0.1:1";
    withToken.token = token;
    SecretRead refused = VaultSecretProvider(withToken, echoing).read(DEMO);
    CHECK(refused.outcome == SecretOutcome::Forbidden);
    CHECK(contains(refused.message, "permission denied"));
    CHECK(contains(refused.message, "<redacted>"));
    CHECK_FALSE(contains(refused.message, token));

    VaultConfig withLogin;
    withLogin.address = "http://127.0.0.1:1";
    withLogin.kubernetesRole = "reader";
    withLogin.kubernetesJwtFile = jwtFile;
    SecretRead login = VaultSecretProvider(withLogin, echoing).read(DEMO);
    CHECK(login.outcome == SecretOutcome::Forbidden);
    CHECK_FALSE(contains(login.message, "service-account.jwt-0815"));
}
