// SecretProviderFactory: the provider "auto", "vault", "files" and "env" select, and the
// configuration errors it names.
#include "SecretsTestSupport.h"

#include "secrets/EnvSecretProvider.h"
#include "secrets/FileSecretProvider.h"
#include "secrets/SecretProviderFactory.h"
#include "secrets/VaultSecretProvider.h"

#include <Poco/Exception.h>

#include <catch2/catch.hpp>

using terrarium::EnvSecretProvider;
using terrarium::FileSecretProvider;
using terrarium::HttpExchange;
using terrarium::HttpExchangeRequest;
using terrarium::HttpExchangeResult;
using terrarium::SecretProvider;
using terrarium::SecretProviderFactory;
using terrarium::SecretsConfig;
using terrarium::VaultSecretProvider;
using terrarium::test::contains;

namespace {

HttpExchange unreachable()
{
    return [](const HttpExchangeRequest&) {
        HttpExchangeResult result;
        result.error = "not wired in this test";
        return result;
    };
}

/// The message of the Poco::InvalidArgumentException that create() throws ("" when none).
std::string refusal(const SecretsConfig& config, const std::string& stateDir = "/var/lib/terrarium", HttpExchange exchange = unreachable())
{
    try
    {
        SecretProviderFactory::create(config, stateDir, std::move(exchange));
    }
    catch (const Poco::InvalidArgumentException& error)
    {
        return error.message();
    }
    return std::string();
}

} // namespace

TEST_CASE("auto picks vault when an address is set, else files below the state directory", "[secrets][factory]")
{
    SecretsConfig config;
    REQUIRE(config.provider == "auto");
    std::unique_ptr<SecretProvider> files = SecretProviderFactory::create(config, "/var/lib/terrarium", unreachable());
    REQUIRE(files->name() == "files");
    CHECK(dynamic_cast<FileSecretProvider&>(*files).dir() == "/var/lib/terrarium/secrets");

    config.vault.address = "http://127.0.0.1:8200";
    config.vault.token = "root";
    std::unique_ptr<SecretProvider> vault = SecretProviderFactory::create(config, "/var/lib/terrarium", unreachable());
    REQUIRE(vault->name() == "vault");
    CHECK(dynamic_cast<VaultSecretProvider&>(*vault).readUrl("custom-client/config")
          == "http://127.0.0.1:8200/v1/secret/data/custom-client/config");
}

TEST_CASE("files uses files.dir when set, env uses the prefix", "[secrets][factory]")
{
    SecretsConfig config;
    config.provider = "files";
    config.filesDir = "/run/secrets";
    config.vault.address = "http://127.0.0.1:8200";   // ignored: files was asked for
    std::unique_ptr<SecretProvider> files = SecretProviderFactory::create(config, "/var/lib/terrarium", nullptr);
    REQUIRE(files->name() == "files");
    CHECK(dynamic_cast<FileSecretProvider&>(*files).dir() == "/run/secrets");

    config.filesDir.clear();
    CHECK(dynamic_cast<FileSecretProvider&>(*SecretProviderFactory::create(config, "/srv/state/", nullptr)).dir() == "/srv/state/secrets");

    config.provider = "env";
    config.envPrefix = "APP_SECRET_";
    std::unique_ptr<SecretProvider> env = SecretProviderFactory::create(config, "/var/lib/terrarium", nullptr);
    REQUIRE(env->name() == "env");
    CHECK(dynamic_cast<EnvSecretProvider&>(*env).variablePrefix("a/b") == "APP_SECRET_A_B_");
}

TEST_CASE("configuration errors name the key at fault", "[secrets][factory]")
{
    SecretsConfig config;
    config.provider = "vault";
    CHECK(contains(refusal(config), "secrets.vault.address"));

    config.vault.address = "ftp://vault:8200";
    CHECK(contains(refusal(config), "secrets.vault.address"));

    config.vault.address = "http://127.0.0.1:8200";
    config.vault.mount = "../x";
    CHECK(contains(refusal(config), "secrets.vault.mount"));

    config.vault.mount = "secret";
    CHECK(contains(refusal(config, "/var/lib/terrarium", nullptr), "transport"));
    CHECK(refusal(config).empty());

    config.provider = "files";
    CHECK(contains(refusal(config, ""), "secrets.files.dir"));

    config.provider = "env";
    config.envPrefix.clear();
    CHECK(contains(refusal(config), "secrets.env.prefix"));

    config.provider = "consul";
    const std::string unknown = refusal(config);
    CHECK(contains(unknown, "secrets.provider"));
    CHECK(contains(unknown, "consul"));
}
