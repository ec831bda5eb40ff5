#include "config/ConfigChanges.h"
#include "config/ConfigLoader.h"

#include "ConfigTestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>

using terrarium::Config;
using terrarium::ConfigChanges;
using terrarium::ConfigLoader;
using terrarium::test::failureOf;

TEST_CASE("log.access configures the access log, it is off by default", "[config][access-log]")
{
    Config defaults = ConfigLoader::parse("{}", {}, {});
    CHECK(defaults.log.accessPath.empty());

    Config config = ConfigLoader::parse(R"({"log": {"access": {"path": "/var/log/t/access.log", "max_bytes": 2048, "keep": 3}}})", {}, {});
    CHECK(config.log.accessPath == "/var/log/t/access.log");
    CHECK(config.log.accessMaxBytes == 2048);
    CHECK(config.log.accessKeep == 3);

    CHECK(failureOf([] { ConfigLoader::parse(R"({"log": {"access": {"file": "x"}}})", {}, {}); }).key == "log.access.file");
    CHECK(failureOf([] { ConfigLoader::parse(R"({"log": {"access": {"keep": 0}}})", {}, {}); }).key == "log.access.keep");
    CHECK(failureOf([] { ConfigLoader::parse(R"({"log": {"access": "on"}})", {}, {}); }).key == "log.access");

    // Turning it on or off takes a restart, and SIGHUP says so.
    auto changed = ConfigChanges::needingRestart(defaults, config);
    CHECK(std::find(changed.begin(), changed.end(), "log (sinks; levels are applied)") != changed.end());
}
