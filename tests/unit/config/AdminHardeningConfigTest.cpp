// The admin API's hardening keys: max_body_bytes, auth_failures, read_only_token_file,
// socket_mode, and a "unix:<path>" admin listener (file, environment and flag).
#include "config/ConfigChanges.h"
#include "config/ConfigLoader.h"

#include "ConfigTestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>

using terrarium::Config;
using terrarium::ConfigChanges;
using terrarium::ConfigLoader;
using terrarium::test::failureOf;

namespace {

Config parse(const std::string& json, const ConfigLoader::Overrides& flags = {})
{
    return ConfigLoader::parse(json, {}, flags);
}

std::string failureKey(const std::string& json, const ConfigLoader::Overrides& flags = {})
{
    return failureOf([&] { ConfigLoader::parse(json, {}, flags); }).key;
}

} // namespace

TEST_CASE("admin hardening config: defaults and configured values", "[config][admin]")
{
    Config defaults = parse("{}");
    CHECK(defaults.adminMaxBodyBytes == 64 * 1024);
    CHECK(defaults.adminAuthFailuresMax == 10);
    CHECK(defaults.adminAuthFailuresWindow == Poco::Timespan(60, 0));
    CHECK(defaults.adminReadOnlyTokenFile.empty());
    CHECK(defaults.adminSocketMode == 0660);

    Config config = parse(R"({"admin":{"listen":"unix:/run/terrarium/admin.sock","max_body_bytes":4096,
        "auth_failures":{"max":3,"window_ms":1500},"read_only_token_file":"/etc/terrarium/ro.token","socket_mode":"0600"}})");
    CHECK(config.adminAddress == "unix:/run/terrarium/admin.sock");
    CHECK(config.adminMaxBodyBytes == 4096);
    CHECK(config.adminAuthFailuresMax == 3);
    CHECK(config.adminAuthFailuresWindow == Poco::Timespan(1, 500 * 1000));
    CHECK(config.adminReadOnlyTokenFile == "/etc/terrarium/ro.token");
    CHECK(config.adminSocketMode == 0600);

    CHECK(parse("{}", {{"admin-listen", "unix:/tmp/a.sock"}}).adminAddress == "unix:/tmp/a.sock");
}

TEST_CASE("admin hardening config: bad values name their key", "[config][admin]")
{
    CHECK(failureKey(R"({"admin":{"listen":"unix:relative.sock"}})") == "admin.listen");
    CHECK(failureKey(R"({"admin":{"listen":"unix:/)" + std::string(120, 'x') + "\"}}") == "admin.listen");
    CHECK(failureKey("{}", {{"admin-listen", "unix:"}}) == "--admin-listen");
    CHECK(failureKey(R"({"admin":{"max_body_bytes":0}})") == "admin.max_body_bytes");
    CHECK(failureKey(R"({"admin":{"auth_failures":{"max":0}}})") == "admin.auth_failures.max");
    CHECK(failureKey(R"({"admin":{"auth_failures":{"window_ms":0}}})") == "admin.auth_failures.window_ms");
    CHECK(failureKey(R"({"admin":{"auth_failures":{"per":"minute"}}})") == "admin.auth_failures.per");
    CHECK(failureKey(R"({"admin":{"read_only_token_file":""}})") == "admin.read_only_token_file");
    CHECK(failureKey(R"({"admin":{"socket_mode":"0999"}})") == "admin.socket_mode");
    CHECK(failureKey(R"({"admin":{"socket_mode":432}})") == "admin.socket_mode");
}

TEST_CASE("admin hardening config: the keys take effect at the next restart", "[config][admin]")
{
    Config running = parse("{}");
    Config fresh = parse(R"({"admin":{"max_body_bytes":1,"auth_failures":{"max":2},"read_only_token_file":"/x","socket_mode":"0600"}})");
    std::vector<std::string> restart = ConfigChanges::needingRestart(running, fresh);
    for (const char* key : {"admin.max_body_bytes", "admin.auth_failures", "admin.read_only_token_file", "admin.socket_mode"})
        CHECK(std::find(restart.begin(), restart.end(), key) != restart.end());
}
