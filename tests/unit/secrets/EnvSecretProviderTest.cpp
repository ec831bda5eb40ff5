// EnvSecretProvider: <prefix><PATH>_<KEY> variables, canonical keys, and the cache in front of it.
#include "SecretsTestSupport.h"

#include "secrets/EnvSecretProvider.h"
#include "secrets/SecretCache.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <vector>

using terrarium::EnvSecretProvider;
using terrarium::SecretCache;
using terrarium::SecretOutcome;
using terrarium::SecretRead;
using terrarium::test::contains;

namespace {

/// Sets environment variables for one test and removes them afterwards.
class ScopedEnvironment
{
public:
    ScopedEnvironment(std::initializer_list<std::pair<std::string, std::string>> variables)
    {
        for (const auto& variable : variables)
        {
            ::setenv(variable.first.c_str(), variable.second.c_str(), 1);
            _names.push_back(variable.first);
        }
    }

    ~ScopedEnvironment()
    {
        for (const std::string& name : _names)
            ::unsetenv(name.c_str());
    }

    ScopedEnvironment(const ScopedEnvironment&) = delete;
    ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

private:
    std::vector<std::string> _names;
};

} // namespace

TEST_CASE("the env provider reads <prefix><PATH>_<KEY> variables with lower-case keys", "[secrets][env]")
{
    ScopedEnvironment environment({{"TRMTEST_CUSTOM_CLIENT_CONFIG_API_KEY", "mock-api-key-12345"},
                                   {"TRMTEST_CUSTOM_CLIENT_CONFIG_LOG_LEVEL", "INFO"},
                                   {"TRMTEST_OTHER_X", "y"}});
    EnvSecretProvider provider("TRMTEST_");
    CHECK(provider.name() == "env");
    CHECK(provider.variablePrefix("custom-client/config") == "TRMTEST_CUSTOM_CLIENT_CONFIG_");
    CHECK(provider.canonicalKey("API-Key") == "api_key");

    SecretRead read = provider.read("custom-client/config");
    REQUIRE(read.outcome == SecretOutcome::Found);
    CHECK(read.values.size() == 2);
    CHECK(read.values["api_key"] == "mock-api-key-12345");
    CHECK(read.values["log_level"] == "INFO");

    SecretRead missing = provider.read("nothing/here");
    CHECK(missing.outcome == SecretOutcome::NotFound);
    CHECK(contains(missing.message, "TRMTEST_NOTHING_HERE_"));
    CHECK(provider.read("../x").outcome == SecretOutcome::Invalid);
}

TEST_CASE("the cache in front of the env provider finds keys in any spelling", "[secrets][env][cache]")
{
    ScopedEnvironment environment({{"TRMTEST_APP_DB_PASSWORD", "pw"}});
    SecretCache cache(std::make_unique<EnvSecretProvider>("TRMTEST_"), SecretCache::Settings());
    CHECK(cache.get("app/db", "password").value == "pw");
    CHECK(cache.get("app/db", "PASSWORD").value == "pw");
    CHECK(cache.get("app-db", "Password").value == "pw");
    CHECK(cache.get("app/db", "user").outcome == SecretOutcome::NotFound);
    CHECK(cache.stats().provider == "env");
}
