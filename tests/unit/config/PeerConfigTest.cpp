// The plugin transfer keys: "peers" (hosts plugins move to), admin.max_upload_bytes and
// admin.move_forward_ms.
#include "config/ConfigLoader.h"

#include "ConfigTestSupport.h"

#include <catch2/catch.hpp>

using terrarium::Config;
using terrarium::ConfigLoader;
using terrarium::test::failureKeyOf;
using terrarium::test::failureOf;
using terrarium::test::parseConfig;

TEST_CASE("peer config: defaults and configured peers", "[config][peers]")
{
    Config defaults = parseConfig("{}");
    CHECK(defaults.peers.empty());
    CHECK(defaults.adminMaxUploadBytes == 64 * 1024 * 1024);
    CHECK(defaults.moveForward == Poco::Timespan(0));

    Config config = parseConfig(R"({"admin":{"max_upload_bytes":1048576,"move_forward_ms":60000},
        "peers":{"host-b":{"admin_url":"https://b.example:8081","token_file":"/etc/terrarium/b.token","url":"http://b.example:8080"},
                 "c":{"admin_url":"http://10.0.0.3:8081","url":"http://10.0.0.3:8080"}}})");
    CHECK(config.adminMaxUploadBytes == 1048576);
    CHECK(config.moveForward == Poco::Timespan(60, 0));
    REQUIRE(config.peers.size() == 2);
    CHECK(config.peers.at("host-b").adminUrl == "https://b.example:8081");
    CHECK(config.peers.at("host-b").tokenFile == "/etc/terrarium/b.token");
    CHECK(config.peers.at("host-b").url == "http://b.example:8080");
    CHECK(config.peers.at("c").tokenFile.empty());
    CHECK(config.peers.at("c").listeners.empty());
    CHECK(parseConfig(R"({"peers":{"b":{"admin_url":"http://b:1","url":"http://b:2","listeners":{"logthon":"http://b:5000"}}}})")
              .peers.at("b")
              .listeners.at("logthon") == "http://b:5000");
}

TEST_CASE("peer config: bad values name their key", "[config][peers]")
{
    CHECK(failureKeyOf(R"({"peers":[]})") == "peers");
    CHECK(failureKeyOf(R"({"peers":{"Bad Name":{"admin_url":"http://b:1","url":"http://b:2"}}})") == "peers.Bad Name");
    CHECK(failureKeyOf(R"({"peers":{"b":{"url":"http://b:2"}}})") == "peers.b.admin_url");
    CHECK(failureKeyOf(R"({"peers":{"b":{"admin_url":"http://b:1"}}})") == "peers.b.url");
    CHECK(failureKeyOf(R"({"peers":{"b":{"admin_url":"ftp://b:1","url":"http://b:2"}}})") == "peers.b.admin_url");
    CHECK(failureKeyOf(R"({"peers":{"b":{"admin_url":"http://b:1","url":"http://b:2","token":"x"}}})") == "peers.b.token");
    CHECK(failureKeyOf(R"({"peers":{"b":{"admin_url":"http://b:1","url":"http://b:2","listeners":{"logthon":5000}}}})") == "peers.b.listeners.logthon");
    CHECK(failureKeyOf(R"({"admin":{"max_upload_bytes":0}})") == "admin.max_upload_bytes");
    CHECK(failureKeyOf(R"({"admin":{"move_forward_ms":-1}})") == "admin.move_forward_ms");
}
