#include "config/ConfigLoader.h"

#include "ConfigTestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <string>

using Catch::Matchers::Contains;
using terrarium::Config;
using terrarium::ConfigLoader;
using terrarium::RouteConfig;
using terrarium::test::Failure;
using terrarium::test::ScratchDir;
using terrarium::test::failureOf;

namespace {

using Overrides = ConfigLoader::Overrides;

Config parse(const std::string& json, const Overrides& environment = {}, const Overrides& flags = {})
{
    return ConfigLoader::parse(json, environment, flags);
}

Failure parseFailure(const std::string& json, const Overrides& environment = {}, const Overrides& flags = {})
{
    return failureOf([&] { ConfigLoader::parse(json, environment, flags); });
}

Poco::Timespan ms(long value)
{
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(value) * 1000);
}

void checkRoute(const RouteConfig& route, const std::string& prefix, const std::string& plugin, bool strip,
                const std::string& host = std::string())
{
    CHECK(route.prefix == prefix);
    CHECK(route.plugin == plugin);
    CHECK(route.stripPrefix == strip);
    CHECK(route.host == host);
}

const char* const FULL_FILE = R"json({
  "listen": "127.0.0.1:9090",
  "routes": [
    {"prefix": "/x", "plugin": "echo", "strip_prefix": true, "host": "Example.com"},
    {"prefix": "/keep", "plugin": "echo", "strip_prefix": false},
    {"prefix": "/default-strip", "plugin": "other"}
  ],
  "listeners": [
    {"name": "echo-direct", "listen": "127.0.0.1:9000", "plugin": "echo"},
    {"name": "api", "listen": "[::1]:0", "routes": [{"prefix": "/v1/", "plugin": "api-v1"}], "plugin": "fallback"}
  ],
  "admin": {"listen": "localhost:9091", "token_file": "/etc/terrarium/token"},
  "plugins_dir": "/opt/plugins",
  "state_dir": "/opt/state",
  "threads": 4,
  "queue_size": 1000,
  "limits": {"max_header_bytes": 1024, "max_body_bytes": 2048, "request_timeout_ms": 1500,
             "keep_alive_timeout_ms": 2500, "websocket_close_timeout_ms": 250},
  "shutdown_timeout_ms": 3500,
  "drain_timeout_ms": 4500,
  "watch": {"enabled": false, "interval_ms": 50},
  "log": {"level": "debug"},
  "plugins": {
    "echo": {"config": {"greeting": "hi", "nested": {"n": [1, 2]}},
             "routes": [{"prefix": "/echo"}, {"prefix": "/e/", "strip_prefix": false, "host": "e.example.com:8080"}]},
    "quiet": {"routes": []},
    "plain": {"config": {"x": 1}}
  }
})json";

} // namespace

// ---- defaults -----------------------------------------------------------------------------------

TEST_CASE("Without a file the defaults apply", "[config]")
{
    Config config = ConfigLoader::load("", {}, {});

    REQUIRE(config.listeners.size() == 1);
    const auto& main = config.mainListener();
    CHECK(main.name == "main");
    CHECK(main.address == "0.0.0.0:8080");
    CHECK(main.routes.empty());
    CHECK(main.pluginDefaultRoutes);
    CHECK(config.adminAddress == "127.0.0.1:8081");
    CHECK(config.adminTokenFile.empty());
    CHECK(config.pluginsDir == "/var/lib/terrarium/plugins");
    CHECK(config.stateDir == "/var/lib/terrarium");
    CHECK(config.threads == 16);
    CHECK(config.queueSize == 1024);
    CHECK(config.limits.maxHeaderBytes == 16384);
    CHECK(config.limits.maxBodyBytes == 8388608);
    CHECK(config.limits.requestTimeout == ms(30000));
    CHECK(config.limits.keepAliveTimeout == ms(15000));
    CHECK(config.limits.webSocketCloseTimeout == ms(1000));
    CHECK(config.shutdownTimeout == ms(10000));
    CHECK(config.drainTimeout == ms(30000));
    CHECK(config.watchPlugins);
    CHECK(config.watchInterval == ms(200));
    CHECK(config.logLevel == "information");
    CHECK(config.plugins.empty());
}

TEST_CASE("An empty object gives the same defaults as no file", "[config]")
{
    Config config = parse("  {}\n");
    REQUIRE(config.listeners.size() == 1);
    CHECK(config.mainListener().address == "0.0.0.0:8080");
    CHECK(config.mainListener().pluginDefaultRoutes);
    CHECK(config.threads == 16);
}

TEST_CASE("pluginSettings() returns the configured object or a new empty one", "[config]")
{
    Config config = parse(R"({"plugins": {"echo": {"config": {"greeting": "hi"}}, "bare": {}}})");

    auto echo = config.pluginSettings("echo");
    REQUIRE(echo);
    CHECK(echo->getValue<std::string>("greeting") == "hi");

    auto bare = config.pluginSettings("bare");
    REQUIRE(bare);
    CHECK(bare->size() == 0);

    auto unknown = config.pluginSettings("unknown");
    REQUIRE(unknown);
    CHECK(unknown->size() == 0);
    unknown->set("changed", true);   // a new object each time: changes do not leak
    CHECK(config.pluginSettings("unknown")->size() == 0);
}

// ---- a full file ------------------------------------------------------------------------------

TEST_CASE("A full file sets every value", "[config]")
{
    ScratchDir dir;
    Config config = ConfigLoader::load(dir.write("terrarium.json", FULL_FILE), {}, {});

    REQUIRE(config.listeners.size() == 3);

    const auto& main = config.listeners[0];
    CHECK(main.name == "main");
    CHECK(main.address == "127.0.0.1:9090");
    CHECK(main.pluginDefaultRoutes);
    REQUIRE(main.routes.size() == 3);
    checkRoute(main.routes[0], "/x", "echo", true, "example.com");
    checkRoute(main.routes[1], "/keep", "echo", false);
    checkRoute(main.routes[2], "/default-strip", "other", true);

    const auto& direct = config.listeners[1];
    CHECK(direct.name == "echo-direct");
    CHECK(direct.address == "127.0.0.1:9000");
    CHECK_FALSE(direct.pluginDefaultRoutes);
    REQUIRE(direct.routes.size() == 1);
    checkRoute(direct.routes[0], "/", "echo", false);

    const auto& api = config.listeners[2];
    CHECK(api.name == "api");
    CHECK(api.address == "[::1]:0");
    CHECK_FALSE(api.pluginDefaultRoutes);
    REQUIRE(api.routes.size() == 2);
    checkRoute(api.routes[0], "/v1/", "api-v1", true);
    checkRoute(api.routes[1], "/", "fallback", false);   // the "plugin" shorthand comes last

    CHECK(config.adminAddress == "localhost:9091");
    CHECK(config.adminTokenFile == "/etc/terrarium/token");
    CHECK(config.pluginsDir == "/opt/plugins");
    CHECK(config.stateDir == "/opt/state");
    CHECK(config.threads == 4);
    CHECK(config.queueSize == 1000);
    CHECK(config.limits.maxHeaderBytes == 1024);
    CHECK(config.limits.maxBodyBytes == 2048);
    CHECK(config.limits.requestTimeout == ms(1500));
    CHECK(config.limits.keepAliveTimeout == ms(2500));
    CHECK(config.limits.webSocketCloseTimeout == ms(250));
    CHECK(config.shutdownTimeout == ms(3500));
    CHECK(config.drainTimeout == ms(4500));
    CHECK_FALSE(config.watchPlugins);
    CHECK(config.watchInterval == ms(50));
    CHECK(config.logLevel == "debug");

    REQUIRE(config.plugins.size() == 3);
    const auto& echo = config.plugins.at("echo");
    CHECK(echo.name == "echo");
    REQUIRE(echo.settings);
    CHECK(echo.settings->getValue<std::string>("greeting") == "hi");
    REQUIRE(echo.settings->getObject("nested"));
    CHECK(echo.settings->getObject("nested")->getArray("n")->size() == 2);
    REQUIRE(echo.routes.has_value());
    REQUIRE(echo.routes->size() == 2);
    checkRoute((*echo.routes)[0], "/echo", "echo", true);
    checkRoute((*echo.routes)[1], "/e/", "echo", false, "e.example.com");

    const auto& quiet = config.plugins.at("quiet");
    REQUIRE(quiet.routes.has_value());   // an empty array removes the default routes
    CHECK(quiet.routes->empty());
    REQUIRE(quiet.settings);
    CHECK(quiet.settings->size() == 0);

    const auto& plain = config.plugins.at("plain");
    CHECK_FALSE(plain.routes.has_value());   // no "routes": the plugin's defaults stay
    CHECK(plain.settings->getValue<int>("x") == 1);

    CHECK(config.pluginSettings("echo") == echo.settings);
}

TEST_CASE("Route hosts are stored lower-case without port", "[config]")
{
    Config config = parse(R"({"routes": [
        {"prefix": "/a", "plugin": "p", "host": "WWW.Example.COM:8080"},
        {"prefix": "/b", "plugin": "p", "host": "[::1]:443"},
        {"prefix": "/c", "plugin": "p", "host": "10.0.0.1"},
        {"prefix": "/d", "plugin": "p", "host": "example.org."},
        {"prefix": "/e", "plugin": "p", "host": ""}
    ]})");
    const auto& routes = config.mainListener().routes;
    REQUIRE(routes.size() == 5);
    CHECK(routes[0].host == "www.example.com");
    CHECK(routes[1].host == "[::1]");
    CHECK(routes[2].host == "10.0.0.1");
    CHECK(routes[3].host == "example.org");
    CHECK(routes[4].host.empty());
}

TEST_CASE("The same prefix for different hosts is no duplicate", "[config]")
{
    Config config = parse(R"({"routes": [
        {"prefix": "/", "plugin": "a"},
        {"prefix": "/", "plugin": "b", "host": "b.example.com"},
        {"prefix": "/", "plugin": "c", "host": "c.example.com"}
    ]})");
    CHECK(config.mainListener().routes.size() == 3);
}

TEST_CASE("A UTF-8 byte order mark and non-ASCII strings are accepted", "[config]")
{
    Config config = parse("\xEF\xBB\xBF{\"plugins\": {\"echo\": {\"config\": {\"greeting\": \"gr\xC3\xBC\xC3\x9F \\u00e9\"}}}}");
    CHECK(config.pluginSettings("echo")->getValue<std::string>("greeting") == "gr\xC3\xBC\xC3\x9F \xC3\xA9");
}

// ---- override layers --------------------------------------------------------------------------

TEST_CASE("Every environment variable overrides its setting", "[config][env]")
{
    Overrides environment = {
        {"TERRARIUM_LISTEN", "127.0.0.1:1"},
        {"TERRARIUM_ADMIN_LISTEN", "127.0.0.1:2"},
        {"TERRARIUM_PLUGINS_DIR", "/env/plugins"},
        {"TERRARIUM_STATE_DIR", "/env/state"},
        {"TERRARIUM_ADMIN_TOKEN_FILE", "/env/token"},
        {"TERRARIUM_THREADS", "3"},
        {"TERRARIUM_QUEUE_SIZE", "30"},
        {"TERRARIUM_LOG_LEVEL", "trace"},
        {"TERRARIUM_MAX_HEADER_BYTES", "100"},
        {"TERRARIUM_MAX_BODY_BYTES", "200"},
        {"TERRARIUM_REQUEST_TIMEOUT_MS", "300"},
        {"TERRARIUM_KEEP_ALIVE_TIMEOUT_MS", "400"},
        {"TERRARIUM_WEBSOCKET_CLOSE_TIMEOUT_MS", "450"},
        {"TERRARIUM_SHUTDOWN_TIMEOUT_MS", "500"},
        {"TERRARIUM_DRAIN_TIMEOUT_MS", "600"},
        {"TERRARIUM_WATCH", "false"},
        {"TERRARIUM_CONFIG", "/ignored/by/load.json"},
        {"PATH", "/usr/bin"},
    };
    Config config = ConfigLoader::load("", environment, {});

    CHECK(config.mainListener().address == "127.0.0.1:1");
    CHECK(config.adminAddress == "127.0.0.1:2");
    CHECK(config.pluginsDir == "/env/plugins");
    CHECK(config.stateDir == "/env/state");
    CHECK(config.adminTokenFile == "/env/token");
    CHECK(config.threads == 3);
    CHECK(config.queueSize == 30);
    CHECK(config.logLevel == "trace");
    CHECK(config.limits.maxHeaderBytes == 100);
    CHECK(config.limits.maxBodyBytes == 200);
    CHECK(config.limits.requestTimeout == ms(300));
    CHECK(config.limits.keepAliveTimeout == ms(400));
    CHECK(config.limits.webSocketCloseTimeout == ms(450));
    CHECK(config.shutdownTimeout == ms(500));
    CHECK(config.drainTimeout == ms(600));
    CHECK_FALSE(config.watchPlugins);
}

TEST_CASE("TERRARIUM_WATCH accepts true, false, 1 and 0", "[config][env]")
{
    CHECK(parse(R"({"watch": {"enabled": false}})", {{"TERRARIUM_WATCH", "true"}}).watchPlugins);
    CHECK(parse(R"({"watch": {"enabled": false}})", {{"TERRARIUM_WATCH", "1"}}).watchPlugins);
    CHECK_FALSE(parse("{}", {{"TERRARIUM_WATCH", "false"}}).watchPlugins);
    CHECK_FALSE(parse("{}", {{"TERRARIUM_WATCH", "0"}}).watchPlugins);
}

TEST_CASE("Every flag overrides its setting", "[config][flags]")
{
    Overrides flags = {
        {"listen", "127.0.0.1:11"},
        {"admin-listen", "127.0.0.1:12"},
        {"plugins-dir", "/flag/plugins"},
        {"state-dir", "/flag/state"},
        {"admin-token-file", "/flag/token"},
        {"threads", "7"},
    };
    Config config = ConfigLoader::load("", {}, flags);

    CHECK(config.mainListener().address == "127.0.0.1:11");
    CHECK(config.adminAddress == "127.0.0.1:12");
    CHECK(config.pluginsDir == "/flag/plugins");
    CHECK(config.stateDir == "/flag/state");
    CHECK(config.adminTokenFile == "/flag/token");
    CHECK(config.threads == 7);
}

TEST_CASE("Precedence: defaults < file < environment < flags", "[config][env][flags]")
{
    ScratchDir dir;
    std::string file = dir.write("c.json", R"({"listen": "127.0.0.1:1000", "threads": 2, "state_dir": "/file/state",
                                             "plugins_dir": "/file/plugins", "queue_size": 10})");
    Overrides environment = {{"TERRARIUM_LISTEN", "127.0.0.1:2000"}, {"TERRARIUM_THREADS", "3"},
                             {"TERRARIUM_STATE_DIR", "/env/state"}};
    Overrides flags = {{"listen", "127.0.0.1:3000"}};

    SECTION("file over defaults")
    {
        Config config = ConfigLoader::load(file, {}, {});
        CHECK(config.mainListener().address == "127.0.0.1:1000");
        CHECK(config.threads == 2);
        CHECK(config.adminAddress == "127.0.0.1:8081");   // untouched default
    }
    SECTION("environment over file")
    {
        Config config = ConfigLoader::load(file, environment, {});
        CHECK(config.mainListener().address == "127.0.0.1:2000");
        CHECK(config.threads == 3);
        CHECK(config.stateDir == "/env/state");
        CHECK(config.pluginsDir == "/file/plugins");   // not overridden
        CHECK(config.queueSize == 10);
    }
    SECTION("flags over environment")
    {
        Config config = ConfigLoader::load(file, environment, flags);
        CHECK(config.mainListener().address == "127.0.0.1:3000");
        CHECK(config.threads == 3);   // no --threads: the environment's value stays
        CHECK(config.stateDir == "/env/state");
    }
    SECTION("a flag over the file without environment")
    {
        Config config = ConfigLoader::load(file, {}, {{"threads", "9"}});
        CHECK(config.threads == 9);
        CHECK(config.mainListener().address == "127.0.0.1:1000");
    }
    SECTION("overriding the address keeps the routes of the main listener")
    {
        std::string withRoutes = dir.write("r.json", R"({"routes": [{"prefix": "/a", "plugin": "a"}]})");
        Config config = ConfigLoader::load(withRoutes, environment, {});
        CHECK(config.mainListener().address == "127.0.0.1:2000");
        CHECK(config.mainListener().routes.size() == 1);
    }
}

TEST_CASE("processEnvironment() collects the TERRARIUM_* variables and the platform names", "[config][env]")
{
    ::setenv("TERRARIUM_UNIT_TEST_PROBE", "a=b", 1);
    ::setenv("NOT_TERRARIUM_UNIT_TEST_PROBE", "x", 1);
    ::setenv("FILE_STORAGE_URL", "http://files:9000", 1);
    ConfigLoader::Overrides environment = ConfigLoader::processEnvironment();
    ::unsetenv("TERRARIUM_UNIT_TEST_PROBE");
    ::unsetenv("NOT_TERRARIUM_UNIT_TEST_PROBE");
    ::unsetenv("FILE_STORAGE_URL");

    REQUIRE(environment.count("TERRARIUM_UNIT_TEST_PROBE") == 1);
    CHECK(environment.at("TERRARIUM_UNIT_TEST_PROBE") == "a=b");
    CHECK(environment.count("NOT_TERRARIUM_UNIT_TEST_PROBE") == 0);
    CHECK(environment.at("FILE_STORAGE_URL") == "http://files:9000");
    const std::string platform[] = {"VAULT_ADDR", "VAULT_TOKEN", "FILE_STORAGE_URL", "LOGTHON_HOST", "LOGTHON_PORT",
                                    "SERVICE_NAME", "CONTAINER_NAME", "POD_NAME", "HOSTNAME"};
    for (const auto& [name, value] : environment) {
        bool known = name.rfind("TERRARIUM_", 0) == 0
            || std::find(std::begin(platform), std::end(platform), name) != std::end(platform);
        INFO(name);
        CHECK(known);
    }
}

// ---- addresses --------------------------------------------------------------------------------

TEST_CASE("checkAddress() accepts host:port forms", "[config][address]")
{
    for (const char* address : {"0.0.0.0:8080", "127.0.0.1:0", "localhost:65535", "[::1]:8080", "[::]:1",
                                "example.com:80", "my-host.internal:443", "Upper.Case:1", "a:1"}) {
        INFO(address);
        CHECK_NOTHROW(ConfigLoader::checkAddress("k", address));
    }
}

TEST_CASE("checkAddress() rejects malformed addresses, naming the key", "[config][address]")
{
    struct Case { const char* address; const char* says; };
    for (const Case& c : {Case{"", "empty"}, Case{"localhost", "missing port"}, Case{":8080", "missing host"},
                          Case{"300.1.1.1:80", "invalid IPv4"}, Case{"1.2.3:80", "invalid IPv4"},
                          Case{"::1:80", "brackets"}, Case{"[::1]", "missing port"}, Case{"[::g]:80", "invalid IPv6"},
                          Case{"[::1]80", "after ']'"}, Case{"bad_host:80", "invalid host name"},
                          Case{"-bad.com:80", "invalid host name"}, Case{"a..b:80", "invalid host name"},
                          Case{"host :80", "invalid host name"}}) {
        INFO(c.address);
        Failure failure = failureOf([&] { ConfigLoader::checkAddress("some.key", c.address); });
        CHECK(failure.key == "some.key");
        CHECK_THAT(failure.message, Contains(c.says));
        CHECK_THAT(failure.message, Contains("host:port"));
    }
}

TEST_CASE("checkAddress() rejects bad ports", "[config][address]")
{
    for (const char* address : {"127.0.0.1:65536", "127.0.0.1:70000", "127.0.0.1:", "127.0.0.1:http",
                                "127.0.0.1:-1", "127.0.0.1:123456", "[::1]:99999"}) {
        INFO(address);
        Failure failure = failureOf([&] { ConfigLoader::checkAddress("listen", address); });
        CHECK(failure.key == "listen");
        CHECK_THAT(failure.message, Contains("invalid port"));
        CHECK_THAT(failure.message, Contains("0 to 65535"));
    }
}

// ---- errors naming their key --------------------------------------------------------------------

TEST_CASE("Unknown keys are errors naming their full path", "[config][errors]")
{
    struct Case { const char* json; const char* key; };
    for (const Case& c : {
             Case{R"({"lisen": "0.0.0.0:1"})", "lisen"},
             Case{R"({"limits": {"max_bodybytes": 1}})", "limits.max_bodybytes"},
             Case{R"({"listeners": [{"name": "a", "listen": "127.0.0.1:1"}, {"name": "b", "listen": "127.0.0.1:2", "rout": []}]})",
                  "listeners[1].rout"},
             Case{R"({"routes": [{"prefix": "/", "plugin": "p", "hots": "x"}]})", "routes[0].hots"},
             Case{R"({"admin": {"token": "x"}})", "admin.token"},
             Case{R"({"watch": {"interval": 5}})", "watch.interval"},
             Case{R"({"log": {"lvl": "debug"}})", "log.lvl"},
             Case{R"({"plugins": {"echo": {"settings": {}}}})", "plugins.echo.settings"},
             Case{R"({"plugins": {"echo": {"routes": [{"prefix": "/e", "plugin": "echo"}]}}})",
                  "plugins.echo.routes[0].plugin"},
         }) {
        INFO(c.json);
        Failure failure = parseFailure(c.json);
        CHECK(failure.key == c.key);
        CHECK_THAT(failure.message, Contains("unknown key"));
        CHECK_THAT(failure.message, Contains("expected one of"));
    }
}

TEST_CASE("An unknown key close to a known one gets a suggestion", "[config][errors]")
{
    Failure failure = parseFailure(R"({"limits": {"max_bodybytes": 1}})");
    CHECK_THAT(failure.message, Contains("did you mean limits.max_body_bytes?"));
}

TEST_CASE("Free-form plugin config may hold any keys", "[config]")
{
    Config config = parse(R"({"plugins": {"echo": {"config": {"anything": {"goes": [true, null, 1.5]}}}}})");
    CHECK(config.pluginSettings("echo")->has("anything"));
}

TEST_CASE("Wrong types are errors naming the key and the expected type", "[config][errors]")
{
    struct Case { const char* json; const char* key; const char* says; };
    for (const Case& c : {
             Case{R"({"threads": "16"})", "threads", "got a string, expected an integer from 1 to 1024"},
             Case{R"({"threads": 16.5})", "threads", "got a number"},
             Case{R"({"threads": true})", "threads", "got a boolean"},
             Case{R"({"threads": null})", "threads", "got null"},
             Case{R"({"listen": 8080})", "listen", "got an integer, expected an address"},
             Case{R"({"routes": {}})", "routes", "got an object, expected an array"},
             Case{R"({"routes": ["/x"]})", "routes[0]", "got a string, expected a route object"},
             Case{R"({"routes": [{"prefix": "/", "plugin": "p", "strip_prefix": "yes"}]})", "routes[0].strip_prefix",
                  "expected true or false"},
             Case{R"({"routes": [{"prefix": 1, "plugin": "p"}]})", "routes[0].prefix", "got an integer"},
             Case{R"({"routes": [{"prefix": "/", "plugin": "p", "host": 1}]})", "routes[0].host", "got an integer"},
             Case{R"({"listeners": {}})", "listeners", "expected an array of listener objects"},
             Case{R"({"admin": "127.0.0.1:1"})", "admin", "got a string, expected an object"},
             Case{R"({"limits": []})", "limits", "got an array, expected an object"},
             Case{R"({"watch": {"enabled": "yes"}})", "watch.enabled", "expected true or false"},
             Case{R"({"log": {"level": 3}})", "log.level", "got an integer"},
             Case{R"({"plugins_dir": false})", "plugins_dir", "got a boolean"},
             Case{R"({"plugins": []})", "plugins", "expected an object keyed by plugin name"},
             Case{R"({"plugins": {"echo": {"config": [1]}}})", "plugins.echo.config", "got an array, expected an object"},
             Case{R"({"plugins": {"echo": {"config": null}}})", "plugins.echo.config", "got null"},
             Case{R"({"plugins": {"echo": {"routes": {}}}})", "plugins.echo.routes", "expected an array"},
             Case{R"({"plugins": {"echo": []}})", "plugins.echo", "got an array"},
         }) {
        INFO(c.json);
        Failure failure = parseFailure(c.json);
        CHECK(failure.key == c.key);
        CHECK_THAT(failure.message, Contains("wrong type"));
        CHECK_THAT(failure.message, Contains(c.says));
    }
}

TEST_CASE("Out-of-range numbers are errors naming the key", "[config][errors]")
{
    struct Case { const char* json; const char* key; const char* says; };
    for (const Case& c : {
             Case{R"({"threads": 0})", "threads", "got 0, expected an integer from 1 to 1024"},
             Case{R"({"threads": 1025})", "threads", "got 1025"},
             Case{R"({"threads": -1})", "threads", "got -1"},
             Case{R"({"queue_size": 0})", "queue_size", "from 1 to 100000"},
             Case{R"({"queue_size": 100001})", "queue_size", "from 1 to 100000"},
             Case{R"({"limits": {"max_body_bytes": 0}})", "limits.max_body_bytes", "expected a positive integer (bytes)"},
             Case{R"({"limits": {"max_body_bytes": -5}})", "limits.max_body_bytes", "got -5"},
             Case{R"({"limits": {"max_header_bytes": 0}})", "limits.max_header_bytes", "positive"},
             Case{R"({"limits": {"request_timeout_ms": 0}})", "limits.request_timeout_ms", "milliseconds"},
             Case{R"({"limits": {"keep_alive_timeout_ms": -1}})", "limits.keep_alive_timeout_ms", "milliseconds"},
             Case{R"({"limits": {"websocket_close_timeout_ms": 0}})", "limits.websocket_close_timeout_ms", "milliseconds"},
             Case{R"({"shutdown_timeout_ms": 0})", "shutdown_timeout_ms", "milliseconds"},
             Case{R"({"drain_timeout_ms": -100})", "drain_timeout_ms", "milliseconds"},
             Case{R"({"watch": {"interval_ms": 0}})", "watch.interval_ms", "milliseconds"},
             Case{R"({"shutdown_timeout_ms": 18446744073709551615})", "shutdown_timeout_ms", "out of range"},
         }) {
        INFO(c.json);
        Failure failure = parseFailure(c.json);
        CHECK(failure.key == c.key);
        CHECK_THAT(failure.message, Contains("out of range"));
        CHECK_THAT(failure.message, Contains(c.says));
    }
}

TEST_CASE("Range limits themselves are accepted", "[config]")
{
    Config config = parse(R"({"threads": 1024, "queue_size": 100000, "limits": {"max_body_bytes": 1,
                             "request_timeout_ms": 1}})");
    CHECK(config.threads == 1024);
    CHECK(config.queueSize == 100000);
    CHECK(config.limits.maxBodyBytes == 1);
    CHECK(config.limits.requestTimeout == ms(1));
    CHECK(parse(R"({"threads": 1, "queue_size": 1})").threads == 1);
}

TEST_CASE("Addresses in the file are checked", "[config][errors]")
{
    SECTION("main listener")
    {
        Failure failure = parseFailure(R"({"listen": "0.0.0.0"})");
        CHECK(failure.key == "listen");
        CHECK_THAT(failure.message, Contains("missing port"));
    }
    SECTION("bad port")
    {
        Failure failure = parseFailure(R"({"admin": {"listen": "127.0.0.1:65536"}})");
        CHECK(failure.key == "admin.listen");
        CHECK_THAT(failure.message, Contains("invalid port '65536'"));
    }
    SECTION("extra listener")
    {
        Failure failure = parseFailure(R"({"listeners": [{"name": "x", "listen": "999.0.0.1:80"}]})");
        CHECK(failure.key == "listeners[0].listen");
        CHECK_THAT(failure.message, Contains("invalid IPv4 address"));
    }
}

TEST_CASE("Bad log levels are errors listing the valid ones", "[config][errors]")
{
    Failure failure = parseFailure(R"({"log": {"level": "verbose"}})");
    CHECK(failure.key == "log.level");
    CHECK_THAT(failure.message, Contains("'verbose'"));
    CHECK_THAT(failure.message, Contains("none, fatal, critical, error, warning, notice, information, debug, trace"));

    for (const char* level : {"none", "fatal", "critical", "error", "warning", "notice", "information", "debug", "trace"}) {
        INFO(level);
        CHECK(parse(std::string(R"({"log": {"level": ")") + level + "\"}}").logLevel == level);
    }
    CHECK(parse(R"({"log": {"level": "DEBUG"}})").logLevel == "debug");
}

TEST_CASE("Route errors name the route's key", "[config][errors]")
{
    struct Case { const char* json; const char* key; const char* says; };
    for (const Case& c : {
             Case{R"({"routes": [{"prefix": "/", "plugin": "a"}, {"prefix": "api", "plugin": "b"}]})", "routes[1].prefix",
                  "starting with '/'"},
             Case{R"({"routes": [{"prefix": "", "plugin": "a"}]})", "routes[0].prefix", "starting with '/'"},
             Case{R"({"routes": [{"prefix": "/a?b", "plugin": "a"}]})", "routes[0].prefix", "query"},
             Case{R"({"routes": [{"prefix": "/a b", "plugin": "a"}]})", "routes[0].prefix", "spaces"},
             Case{R"({"routes": [{"plugin": "a"}]})", "routes[0].prefix", "missing"},
             Case{R"({"routes": [{"prefix": "/"}]})", "routes[0].plugin", "missing"},
             Case{R"({"routes": [{"prefix": "/", "plugin": "Echo"}]})", "routes[0].plugin", "invalid plugin name"},
             Case{R"({"routes": [{"prefix": "/", "plugin": ""}]})", "routes[0].plugin", "invalid plugin name"},
             Case{R"({"routes": [{"prefix": "/", "plugin": "a", "host": "bad host"}]})", "routes[0].host", "invalid host name"},
             Case{R"({"routes": [{"prefix": "/", "plugin": "a", "host": "h.com:99999"}]})", "routes[0].host", "invalid port"},
             Case{R"({"plugins": {"echo": {"routes": [{"prefix": "/a"}, {"prefix": "b"}]}}})",
                  "plugins.echo.routes[1].prefix", "starting with '/'"},
             Case{R"({"listeners": [{"name": "x", "listen": "127.0.0.1:1", "routes": [{"prefix": "/"}]}]})",
                  "listeners[0].routes[0].plugin", "missing"},
             Case{R"({"listeners": [{"name": "x", "listen": "127.0.0.1:1", "plugin": "Bad!"}]})", "listeners[0].plugin",
                  "invalid plugin name"},
         }) {
        INFO(c.json);
        Failure failure = parseFailure(c.json);
        CHECK(failure.key == c.key);
        CHECK_THAT(failure.message, Contains(c.says));
        CHECK_THAT(failure.message, Contains("expected"));
    }
}

TEST_CASE("Duplicate routes within a listener are errors", "[config][errors]")
{
    SECTION("main listener")
    {
        Failure failure = parseFailure(R"({"routes": [{"prefix": "/a", "plugin": "x"}, {"prefix": "/b", "plugin": "y"},
                                                      {"prefix": "/a", "plugin": "z", "strip_prefix": false}]})");
        CHECK(failure.key == "routes[2]");
        CHECK_THAT(failure.message, Contains("duplicate route"));
        CHECK_THAT(failure.message, Contains("routes[0]"));
    }
    SECTION("same host after normalization")
    {
        Failure failure = parseFailure(R"({"routes": [{"prefix": "/", "plugin": "x", "host": "a.com"},
                                                      {"prefix": "/", "plugin": "y", "host": "A.com:80"}]})");
        CHECK(failure.key == "routes[1]");
        CHECK_THAT(failure.message, Contains("host 'a.com'"));
    }
    SECTION("a listener's routes and its plugin shorthand")
    {
        Failure failure = parseFailure(R"({"listeners": [{"name": "x", "listen": "127.0.0.1:1",
                                             "routes": [{"prefix": "/", "plugin": "a"}], "plugin": "b"}]})");
        CHECK(failure.key == "listeners[0].plugin");
        CHECK_THAT(failure.message, Contains("listeners[0].routes[0]"));
    }
    SECTION("a plugin's routes")
    {
        Failure failure = parseFailure(R"({"plugins": {"echo": {"routes": [{"prefix": "/e"}, {"prefix": "/e"}]}}})");
        CHECK(failure.key == "plugins.echo.routes[1]");
    }
    SECTION("different listeners may use the same prefix")
    {
        Config config = parse(R"({"routes": [{"prefix": "/", "plugin": "a"}],
                                  "listeners": [{"name": "x", "listen": "127.0.0.1:1", "plugin": "b"}]})");
        CHECK(config.listeners.size() == 2);
    }
}

TEST_CASE("Listener errors", "[config][errors]")
{
    struct Case { const char* json; const char* key; const char* says; };
    for (const Case& c : {
             Case{R"({"listeners": [{"name": "a", "listen": "127.0.0.1:1"}, {"name": "a", "listen": "127.0.0.1:2"}]})",
                  "listeners[1].name", "duplicate listener name 'a', already used by listeners[0]"},
             Case{R"({"listeners": [{"name": "main", "listen": "127.0.0.1:1"}]})", "listeners[0].name", "reserved"},
             Case{R"({"listeners": [{"name": "admin", "listen": "127.0.0.1:1"}]})", "listeners[0].name", "reserved"},
             Case{R"({"listeners": [{"listen": "127.0.0.1:1"}]})", "listeners[0].name", "missing"},
             Case{R"({"listeners": [{"name": "", "listen": "127.0.0.1:1"}]})", "listeners[0].name", "invalid listener name"},
             Case{R"({"listeners": [{"name": "a"}]})", "listeners[0].listen", "missing"},
             Case{R"({"listeners": ["a"]})", "listeners[0]", "expected a listener object"},
         }) {
        INFO(c.json);
        Failure failure = parseFailure(c.json);
        CHECK(failure.key == c.key);
        CHECK_THAT(failure.message, Contains(c.says));
    }
}

TEST_CASE("Two listeners on the same address are an error", "[config][errors]")
{
    SECTION("in the file")
    {
        Failure failure = parseFailure(R"({"listen": "127.0.0.1:9000",
                                           "listeners": [{"name": "x", "listen": "127.0.0.1:9000"}]})");
        CHECK(failure.key == "listeners[0].listen");
        CHECK_THAT(failure.message, Contains("already used by listener 'main'"));
    }
    SECTION("through an override")
    {
        Failure failure = parseFailure("{}", {}, {{"admin-listen", "0.0.0.0:8080"}});
        CHECK(failure.key == "--admin-listen");
        CHECK_THAT(failure.message, Contains("listener 'main' (listen)"));
    }
    SECTION("port 0 may repeat")
    {
        Config config = parse(R"({"listen": "127.0.0.1:0", "admin": {"listen": "127.0.0.1:0"},
                                  "listeners": [{"name": "x", "listen": "127.0.0.1:0"}]})");
        CHECK(config.listeners.size() == 2);
    }
}

TEST_CASE("Plugin names are checked", "[config][errors]")
{
    for (const char* name : {"Echo", "-echo", "_echo", "echo.so", "e cho", ""}) {
        INFO(name);
        Failure failure = parseFailure(std::string(R"({"plugins": {")") + name + "\": {}}}");
        CHECK(failure.key == std::string("plugins.") + name);
        CHECK_THAT(failure.message, Contains("invalid plugin name"));
    }
    Config config = parse(R"({"plugins": {"0echo": {}, "echo_2": {}, "my-plugin": {}}})");
    CHECK(config.plugins.size() == 3);
}

TEST_CASE("Bad environment values are errors naming the variable", "[config][env][errors]")
{
    struct Case { const char* name; const char* value; const char* says; };
    for (const Case& c : {
             Case{"TERRARIUM_LISTEN", "nope", "missing port"},
             Case{"TERRARIUM_LISTEN", "", "empty address"},
             Case{"TERRARIUM_ADMIN_LISTEN", "127.0.0.1:100000", "invalid port"},
             Case{"TERRARIUM_THREADS", "abc", "not an integer: got 'abc', expected an integer from 1 to 1024"},
             Case{"TERRARIUM_THREADS", "0", "out of range"},
             Case{"TERRARIUM_THREADS", " 4", "not an integer"},
             Case{"TERRARIUM_QUEUE_SIZE", "-3", "out of range: got -3"},
             Case{"TERRARIUM_MAX_BODY_BYTES", "0", "positive"},
             Case{"TERRARIUM_MAX_HEADER_BYTES", "99999999999999999999999", "out of range"},
             Case{"TERRARIUM_REQUEST_TIMEOUT_MS", "1.5", "not an integer"},
             Case{"TERRARIUM_KEEP_ALIVE_TIMEOUT_MS", "0", "milliseconds"},
             Case{"TERRARIUM_WEBSOCKET_CLOSE_TIMEOUT_MS", "-1", "milliseconds"},
             Case{"TERRARIUM_SHUTDOWN_TIMEOUT_MS", "", "not an integer"},
             Case{"TERRARIUM_DRAIN_TIMEOUT_MS", "-1", "milliseconds"},
             Case{"TERRARIUM_LOG_LEVEL", "loud", "invalid log level"},
             Case{"TERRARIUM_WATCH", "maybe", "expected true, false, 1 or 0"},
             Case{"TERRARIUM_PLUGINS_DIR", "", "empty"},
             Case{"TERRARIUM_STATE_DIR", "", "empty"},
         }) {
        INFO(c.name << "=" << c.value);
        Failure failure = parseFailure("{}", {{c.name, c.value}});
        CHECK(failure.key == c.name);
        CHECK_THAT(failure.message, Contains(c.says));
    }
}

TEST_CASE("An unknown TERRARIUM_ variable is an error listing the known ones", "[config][env][errors]")
{
    Failure failure = parseFailure("{}", {{"TERRARIUM_THREAD", "4"}, {"TERRARIUM_THREADS", "4"}});
    CHECK(failure.key == "TERRARIUM_THREAD");
    CHECK_THAT(failure.message, Contains("unknown environment variable; known: "));
    CHECK_THAT(failure.message, Contains("TERRARIUM_THREADS"));
    CHECK_THAT(failure.message, Contains("TERRARIUM_WATCH"));

    CHECK_NOTHROW(parse("{}", {{"TERRARIUM_CONFIG", "x.json"}, {"HOME", "/root"}}));
}

TEST_CASE("An empty admin token file from the environment means 'generate'", "[config][env]")
{
    Config config = parse(R"({"admin": {"token_file": "/file/token"}})", {{"TERRARIUM_ADMIN_TOKEN_FILE", ""}});
    CHECK(config.adminTokenFile.empty());
}

TEST_CASE("Bad flag values are errors naming the flag", "[config][flags][errors]")
{
    struct Case { const char* flag; const char* value; const char* key; const char* says; };
    for (const Case& c : {
             Case{"listen", "0.0.0.0:x", "--listen", "invalid port"},
             Case{"admin-listen", "[::1", "--admin-listen", "invalid IPv6"},
             Case{"plugins-dir", "", "--plugins-dir", "empty"},
             Case{"state-dir", "", "--state-dir", "empty"},
             Case{"threads", "2000", "--threads", "out of range: got 2000"},
             Case{"threads", "many", "--threads", "not an integer"},
             Case{"queue-size", "1", "--queue-size", "unknown flag"},
         }) {
        INFO(c.flag << "=" << c.value);
        Failure failure = parseFailure("{}", {}, {{c.flag, c.value}});
        CHECK(failure.key == c.key);
        CHECK_THAT(failure.message, Contains(c.says));
    }
}

TEST_CASE("A bad environment value is reported even when a flag overrides it", "[config][env][flags][errors]")
{
    Failure failure = parseFailure("{}", {{"TERRARIUM_THREADS", "x"}}, {{"threads", "4"}});
    CHECK(failure.key == "TERRARIUM_THREADS");
}

// ---- malformed and unreadable files ------------------------------------------------------------

TEST_CASE("Malformed JSON is an error naming the file and the line", "[config][errors][json]")
{
    SECTION("from parse(): key 'config'")
    {
        Failure failure = parseFailure("{\n  \"threads\": 4,\n  \"listen\": \n}\n");
        CHECK(failure.key == "config");
        CHECK_THAT(failure.message, Contains("invalid JSON at line 4, column 1"));
    }
    SECTION("from load(): key = the file name")
    {
        ScratchDir dir;
        std::string file = dir.write("broken.json", "{\n  \"threads\": 4\n  \"listen\": \"0.0.0.0:1\"\n}\n");
        Failure failure = failureOf([&] { ConfigLoader::load(file, {}, {}); });
        CHECK(failure.key == file);
        CHECK_THAT(failure.message, Contains("invalid JSON at line 3"));
    }
    SECTION("various breakage")
    {
        for (const char* json : {"{", "{\"a\": }", "{\"threads\": 4,}", "{\"a\" 1}", "{} {}", "{'a': 1}",
                                 "{\"a\": tru}", "{\"a\": 01}", "{\"threads\": 4 // comment\n}"}) {
            INFO(json);
            Failure failure = parseFailure(json);
            CHECK(failure.key == "config");
            CHECK_THAT(failure.message, Contains("invalid JSON"));
            CHECK_THAT(failure.message, Contains("line 1"));
        }
    }
    SECTION("empty text")
    {
        for (const char* json : {"", "  \n\t"}) {
            Failure failure = parseFailure(json);
            CHECK(failure.key == "config");
            CHECK_THAT(failure.message, Contains("empty; expected a JSON object"));
        }
    }
    SECTION("not an object")
    {
        for (const char* json : {"[]", "\"x\"", "42", "null", "true"}) {
            INFO(json);
            Failure failure = parseFailure(json);
            CHECK(failure.key == "config");
            CHECK_THAT(failure.message, Contains("expected a JSON object at the top level"));
        }
    }
}

TEST_CASE("A key defined twice is an error naming the key", "[config][errors][json]")
{
    Failure failure = parseFailure("{\"limits\": {\"max_body_bytes\": 1,\n \"max_body_bytes\": 2}}");
    CHECK(failure.key == "limits.max_body_bytes");
    CHECK_THAT(failure.message, Contains("duplicate key"));
    CHECK_THAT(failure.message, Contains("line 1"));
    CHECK_THAT(failure.message, Contains("line 2"));

    Failure inArray = parseFailure(R"({"routes": [{"prefix": "/", "prefix": "/a", "plugin": "p"}]})");
    CHECK(inArray.key == "routes[0].prefix");
}

TEST_CASE("A file that cannot be read is an error with the OS reason", "[config][errors]")
{
    ScratchDir dir;
    SECTION("missing file")
    {
        std::string file = dir.file("does-not-exist.json");
        Failure failure = failureOf([&] { ConfigLoader::load(file, {}, {}); });
        CHECK(failure.key == file);
        CHECK_THAT(failure.message, Contains("No such file or directory"));
    }
    SECTION("a directory")
    {
        std::string file = dir.file("sub");
        Poco::File(file).createDirectories();
        Failure failure = failureOf([&] { ConfigLoader::load(file, {}, {}); });
        CHECK(failure.key == file);
        CHECK_THAT(failure.message, Contains("Is a directory"));
    }
}

TEST_CASE("ConfigError carries the key and a 'key: message' text", "[config]")
{
    terrarium::ConfigError error("threads", "out of range");
    CHECK(error.key() == "threads");
    CHECK(std::string(error.what()) == "threads: out of range");
}
