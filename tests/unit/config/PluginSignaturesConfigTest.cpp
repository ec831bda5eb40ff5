// plugins.signatures (off, warn, require) and plugins.trusted_keys_dir: defaults, values, errors,
// and that neither is taken for a plugin's settings block.
#include "config/ConfigChanges.h"
#include "config/ConfigLoader.h"

#include "ConfigTestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>

using Catch::Matchers::Contains;
using terrarium::Config;
using terrarium::ConfigChanges;
using terrarium::ConfigLoader;
using terrarium::test::failureKeyOf;
using terrarium::test::failureOf;
using terrarium::test::parseConfig;

TEST_CASE("plugin signatures: off by default, trusted keys in /etc/terrarium/trusted-keys", "[config][signatures]")
{
    Config config = parseConfig("{}");
    CHECK(config.pluginSignatures == "off");
    CHECK(config.trustedKeysDir == "/etc/terrarium/trusted-keys");
}

TEST_CASE("plugin signatures: warn and require, a trusted keys directory, beside plugin blocks", "[config][signatures]")
{
    Config config = parseConfig(R"({"plugins": {"signatures": "require", "trusted_keys_dir": "/srv/keys", "echo": {"config": {"greeting": "hi"}}}})");
    CHECK(config.pluginSignatures == "require");
    CHECK(config.trustedKeysDir == "/srv/keys");
    CHECK(config.plugins.size() == 1);
    CHECK(config.plugins.count("echo") == 1);
    CHECK(config.plugins.count("signatures") == 0);
    CHECK(parseConfig(R"({"plugins": {"signatures": "warn"}})").pluginSignatures == "warn");
    CHECK(parseConfig(R"({"plugins": {"signatures": "off"}})").pluginSignatures == "off");
}

TEST_CASE("plugin signatures: a bad policy or directory is a config error naming the key", "[config][signatures]")
{
    auto bad = failureOf([] { parseConfig(R"({"plugins": {"signatures": "yes"}})"); });
    CHECK(bad.key == "plugins.signatures");
    CHECK_THAT(bad.message, Contains("\"off\", \"warn\" or \"require\""));
    CHECK(failureOf([] { parseConfig(R"({"plugins": {"signatures": true}})"); }).key == "plugins.signatures");
    CHECK(failureOf([] { parseConfig(R"({"plugins": {"signatures": {"policy": "require"}}})"); }).key == "plugins.signatures");
    CHECK(failureOf([] { parseConfig(R"({"plugins": {"trusted_keys_dir": ""}})"); }).key == "plugins.trusted_keys_dir");
    CHECK(failureOf([] { parseConfig(R"({"plugins": {"trusted_keys_dir": 5}})"); }).key == "plugins.trusted_keys_dir");
}

TEST_CASE("plugin signatures: a changed policy or keys directory needs a restart", "[config][signatures]")
{
    Config running = parseConfig(R"({"plugins": {"signatures": "require"}})");
    auto changed = ConfigChanges::needingRestart(running, parseConfig(R"({"plugins": {"signatures": "warn"}})"));
    CHECK(std::find(changed.begin(), changed.end(), "plugins.signatures") != changed.end());
    changed = ConfigChanges::needingRestart(running, parseConfig(R"({"plugins": {"signatures": "require", "trusted_keys_dir": "/k"}})"));
    CHECK(std::find(changed.begin(), changed.end(), "plugins.signatures") != changed.end());
    CHECK(ConfigChanges::needingRestart(running, parseConfig(R"({"plugins": {"signatures": "require"}})")).empty());
}
