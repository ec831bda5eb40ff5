// Spooled request bodies: spool_dir (default <state_dir>/spool), the host's spool threshold and
// limit under "limits", a plugin's "spool" block over them (or false), and what is refused.
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

TEST_CASE("spool: the directory defaults to <state_dir>/spool, with a 1 MiB threshold and a 1 GiB limit", "[config][spool]")
{
    Config config = parseConfig(R"({"state_dir": "/srv/terrarium"})");
    CHECK(config.spoolDirectory() == "/srv/terrarium/spool");
    CHECK(config.limits.spoolThresholdBytes == 1024 * 1024);
    CHECK(config.limits.maxSpooledBodyBytes == 1024ull * 1024 * 1024);
    CHECK(Config::spoolLimits(config.limits, nullptr) == std::make_pair<std::uint64_t, std::uint64_t>(1024 * 1024, 1024ull * 1024 * 1024));

    config = parseConfig(R"({"spool_dir": "/mnt/big/spool", "limits": {"spool_threshold_bytes": 0, "max_spooled_body_bytes": 4294967296}})");
    CHECK(config.spoolDirectory() == "/mnt/big/spool");
    CHECK(config.limits.spoolThresholdBytes == 0);
    CHECK(config.limits.maxSpooledBodyBytes == 4294967296ull);
}

TEST_CASE("spool: a plugin's spool block overrides the host's values, false turns spooling off", "[config][spool]")
{
    Config config = parseConfig(R"({"limits": {"spool_threshold_bytes": 1000, "max_spooled_body_bytes": 50000},
                              "plugins": {"files": {"spool": {"max_bytes": 9000000000}},
                                          "small": {"spool": {"threshold_bytes": 10}},
                                          "off": {"spool": false},
                                          "on": {"spool": true},
                                          "plain": {"config": {}}}})");
    auto limits = [&](const std::string& name) { return Config::spoolLimits(config.limits, &config.plugins.at(name)); };
    CHECK(limits("files") == std::make_pair<std::uint64_t, std::uint64_t>(1000, 9000000000ull));
    CHECK(limits("small") == std::make_pair<std::uint64_t, std::uint64_t>(10, 50000));
    CHECK(limits("off") == std::make_pair<std::uint64_t, std::uint64_t>(0, 0));
    CHECK(limits("on") == std::make_pair<std::uint64_t, std::uint64_t>(1000, 50000));
    CHECK(limits("plain") == std::make_pair<std::uint64_t, std::uint64_t>(1000, 50000));
}

TEST_CASE("spool: bad values name their key", "[config][spool]")
{
    CHECK(failureKeyOf(R"({"spool_dir": ""})") == "spool_dir");
    CHECK(failureKeyOf(R"({"spool_dir": "relative/spool"})") == "spool_dir");
    CHECK(failureKeyOf(R"({"limits": {"max_spooled_body_bytes": 0}})") == "limits.max_spooled_body_bytes");
    CHECK(failureKeyOf(R"({"limits": {"spool_threshold_bytes": -1}})") == "limits.spool_threshold_bytes");
    CHECK(failureKeyOf(R"({"limits": {"spool_threshold_bytes": 2000, "max_spooled_body_bytes": 1000}})") == "limits.spool_threshold_bytes");
    CHECK(failureKeyOf(R"({"plugins": {"files": {"spool": {"max_bytes": 10}}}})") == "plugins.files.spool");
    CHECK(failureKeyOf(R"({"plugins": {"files": {"spool": {"threshold": 10}}}})") == "plugins.files.spool.threshold");
    CHECK(failureKeyOf(R"({"plugins": {"files": {"spool": "yes"}}})") == "plugins.files.spool");
    CHECK_THAT(failureOf([] { ConfigLoader::parse(R"({"plugins": {"files": {"spool": {"threshold_bytes": 5000000000}}}})", {}, {}); }).message,
               Contains("threshold 5000000000 larger than the limit 1073741824"));
}

TEST_CASE("spool: the directory and the host's values take a restart", "[config][spool]")
{
    Config running = parseConfig("{}");
    auto changed = ConfigChanges::needingRestart(running, parseConfig(R"({"spool_dir": "/elsewhere"})"));
    CHECK(std::find(changed.begin(), changed.end(), "spool_dir") != changed.end());
    changed = ConfigChanges::needingRestart(running, parseConfig(R"({"limits": {"max_spooled_body_bytes": 5000000}})"));
    CHECK(std::find(changed.begin(), changed.end(), "limits") != changed.end());
}
