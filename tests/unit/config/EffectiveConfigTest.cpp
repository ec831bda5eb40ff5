// EffectiveConfig: a Config written back in the file's keys, the source of each setting, and
// which setting names hold secrets.
#include "config/ConfigLoader.h"
#include "config/EffectiveConfig.h"

#include <catch2/catch.hpp>

using terrarium::Config;
using terrarium::ConfigLoader;
using terrarium::EffectiveConfig;

TEST_CASE("EffectiveConfig: the source of each setting is default, file, env or flag", "[config][effective]")
{
    Config config = ConfigLoader::parse(R"({"threads":4,"limits":{"max_body_bytes":1000},"watch":{"enabled":false},)"
                                        R"("routes":[{"prefix":"/a","plugin":"echo"}]})",
                                        {{"TERRARIUM_MAX_HEADER_BYTES", "9000"}, {"TERRARIUM_ADMIN_URL", "http://127.0.0.1:1"}},
                                        {{"listen", "127.0.0.1:0"}, {"threads", "6"}});
    CHECK(EffectiveConfig::source(config, "threads") == "flag:--threads");
    CHECK(EffectiveConfig::source(config, "listen") == "flag:--listen");
    CHECK(EffectiveConfig::source(config, "limits.max_header_bytes") == "env:TERRARIUM_MAX_HEADER_BYTES");
    CHECK(EffectiveConfig::source(config, "limits.max_body_bytes") == "file:config");
    CHECK(EffectiveConfig::source(config, "routes[0].prefix") == "file:config");
    CHECK(EffectiveConfig::source(config, "routes[1].prefix") == "default");
    CHECK(EffectiveConfig::source(config, "queue_size") == "default");

    Poco::JSON::Object::Ptr settings = EffectiveConfig::settings(config);
    CHECK(settings->getValue<unsigned>("threads") == 6);
    CHECK(settings->getObject("limits")->getValue<unsigned>("max_body_bytes") == 1000);
    CHECK(settings->getObject("limits")->getValue<unsigned>("max_header_bytes") == 9000);
    CHECK(settings->getObject("watch")->getValue<bool>("enabled") == false);
    CHECK(settings->getArray("routes")->size() == 1);
}

TEST_CASE("EffectiveConfig: the daemon ignores terrariumctl's TERRARIUM_ADMIN_URL but refuses other unknown TERRARIUM_ variables",
          "[config][effective]")
{
    CHECK_NOTHROW(ConfigLoader::parse("{}", {{"TERRARIUM_ADMIN_URL", "http://127.0.0.1:1"}}, {}));
    CHECK_THROWS_AS(ConfigLoader::parse("{}", {{"TERRARIUM_ADMIN_URLS", "x"}}, {}), terrarium::ConfigError);
}

TEST_CASE("EffectiveConfig: names of secrets, and names of where secrets are kept", "[config][effective]")
{
    for (const char* secret : {"token", "api_key", "apiKey", "password", "client_secret", "clientSecret", "secret", "jwt", "private_key",
                               "credentials", "KEY", "access-token"})
    {
        INFO(secret);
        CHECK(EffectiveConfig::secretName(secret));
    }
    for (const char* shown : {"token_file", "read_only_token_file", "key_file", "trusted_keys_dir", "jwt_file", "keep", "monkey",
                              "greeting", "provider", "prefix", "keystore_path", "max_body_bytes"})
    {
        INFO(shown);
        CHECK_FALSE(EffectiveConfig::secretName(shown));
    }
}
