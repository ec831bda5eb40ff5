// The gateway's configuration: route kinds (plugin, upstream, fixed answer), listener probes and
// CORS, plugin_routes, the proxy's threads, and which of them need a restart.
#include "config/ConfigChanges.h"
#include "config/ConfigLoader.h"

#include "ConfigTestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using Catch::Matchers::Contains;
using terrarium::Config;
using terrarium::ConfigChanges;
using terrarium::ConfigLoader;
using terrarium::RouteConfig;
using terrarium::test::Failure;
using terrarium::test::failureOf;

namespace {

Config parse(const std::string& json, const ConfigLoader::Overrides& environment = {})
{
    return ConfigLoader::parse(json, environment, {});
}

Failure parseFailure(const std::string& json)
{
    return failureOf([&] { ConfigLoader::parse(json, {}, {}); });
}

} // namespace

TEST_CASE("gateway config: an upstream route names a service or a base URL, with an optional timeout", "[config][gateway][upstream]")
{
    Config config = parse(R"({"routes": [
        {"prefix": "/api/vault", "upstream": "vault"},
        {"prefix": "/ext", "upstream": "https://api.example:8443/base/", "timeout_ms": 2500, "strip_prefix": false, "host": "a.example"}]})");
    const auto& routes = config.mainListener().routes;
    REQUIRE(routes.size() == 2);
    CHECK(routes[0].kind == RouteConfig::Kind::Upstream);
    CHECK(routes[0].upstream == "vault");
    CHECK(routes[0].plugin.empty());
    CHECK(routes[0].stripPrefix);
    CHECK(routes[0].upstreamTimeout == Poco::Timespan(0));
    CHECK(routes[1].upstream == "https://api.example:8443/base");
    CHECK(routes[1].upstreamTimeout == Poco::Timespan(2, 500000));
    CHECK_FALSE(routes[1].stripPrefix);
    CHECK(routes[1].host == "a.example");
}

TEST_CASE("gateway config: a fixed route answers status, content type and body (defaults 200, text/plain, empty)", "[config][gateway][fixed]")
{
    Config config = parse(R"({"listeners": [{"name": "gw", "listen": "127.0.0.1:0", "routes": [
        {"prefix": "/nginx-health", "respond": {"status": 200, "content_type": "text/plain", "body": "healthy\n"}},
        {"prefix": "/gone", "respond": {"status": 410}}]}]})");
    const auto& routes = config.listeners[1].routes;
    REQUIRE(routes.size() == 2);
    CHECK(routes[0].kind == RouteConfig::Kind::Fixed);
    CHECK(routes[0].answer.status == 200);
    CHECK(routes[0].answer.contentType == "text/plain");
    CHECK(routes[0].answer.body == "healthy\n");
    CHECK(routes[1].answer.status == 410);
    CHECK(routes[1].answer.contentType == "text/plain");
    CHECK(routes[1].answer.body.empty());
}

TEST_CASE("gateway config: route target errors name the key", "[config][gateway][errors]")
{
    struct Case { const char* json; const char* key; const char* says; };
    for (const Case& c : {
             Case{R"({"routes": [{"prefix": "/", "plugin": "a", "upstream": "vault"}]})", "routes[0]", "several targets"},
             Case{R"({"routes": [{"prefix": "/", "upstream": "vault", "respond": {}}]})", "routes[0]", "several targets"},
             Case{R"({"routes": [{"prefix": "/"}]})", "routes[0].plugin", "exactly one of"},
             Case{R"({"routes": [{"prefix": "/", "upstream": "Vault!"}]})", "routes[0].upstream", "invalid upstream"},
             Case{R"({"routes": [{"prefix": "/", "upstream": "ftp://files"}]})", "routes[0].upstream", "http"},
             Case{R"({"routes": [{"prefix": "/", "upstream": "http://h/x?q=1"}]})", "routes[0].upstream", "invalid service URL"},
             Case{R"({"routes": [{"prefix": "/", "upstream": 5}]})", "routes[0].upstream", "wrong type"},
             Case{R"({"routes": [{"prefix": "/", "upstream": "vault", "timeout_ms": 0}]})", "routes[0].timeout_ms", "positive"},
             Case{R"({"routes": [{"prefix": "/", "plugin": "a", "timeout_ms": 5}]})", "routes[0].timeout_ms", "only an upstream route"},
             Case{R"({"routes": [{"prefix": "/", "respond": "healthy"}]})", "routes[0].respond", "fixed answer"},
             Case{R"({"routes": [{"prefix": "/", "respond": {"status": 99}}]})", "routes[0].respond.status", "200 to 599"},
             Case{R"({"routes": [{"prefix": "/", "respond": {"status": 600}}]})", "routes[0].respond.status", "200 to 599"},
             Case{R"({"routes": [{"prefix": "/", "respond": {"code": 200}}]})", "routes[0].respond.code", "unknown"},
             Case{R"({"routes": [{"prefix": "/", "respond": {"content_type": "text/plain\r\nX: y"}}]})", "routes[0].respond.content_type",
                  "control character"},
             Case{R"({"routes": [{"prefix": "/", "respond": {"body": 1}}]})", "routes[0].respond.body", "wrong type"},
             Case{R"({"plugins": {"echo": {"routes": [{"prefix": "/e", "upstream": "vault"}]}}})", "plugins.echo.routes[0].upstream", "unknown"},
             Case{R"({"routes": [{"prefix": "/", "upstream": "vault", "max_spooled_body_bytes": 5}]})", "routes[0].max_spooled_body_bytes",
                  "only a plugin route"},
             Case{R"({"routes": [{"prefix": "/", "plugin": "a", "max_spooled_body_bytes": 0}]})", "routes[0].max_spooled_body_bytes", "positive"},
         }) {
        INFO(c.json);
        Failure failure = parseFailure(c.json);
        CHECK(failure.key == c.key);
        CHECK_THAT(failure.message, Contains(c.says));
    }
}

TEST_CASE("gateway config: probes are the main listener's by default, a listener may turn them on or off", "[config][gateway][probes]")
{
    Config defaults = parse(R"({"listeners": [{"name": "x", "listen": "127.0.0.1:0"}]})");
    CHECK(defaults.listeners[0].probes);
    CHECK_FALSE(defaults.listeners[1].probes);
    CHECK(defaults.listeners[0].pluginDefaultRoutes);

    Config swapped = parse(R"({"probes": false, "plugin_routes": false,
                               "listeners": [{"name": "x", "listen": "127.0.0.1:0", "probes": true}]})");
    CHECK_FALSE(swapped.listeners[0].probes);
    CHECK_FALSE(swapped.listeners[0].pluginDefaultRoutes);
    CHECK(swapped.listeners[1].probes);

    CHECK(parseFailure(R"({"probes": "no"})").key == "probes");
    CHECK(parseFailure(R"({"plugin_routes": 0})").key == "plugin_routes");
    CHECK(parseFailure(R"({"listeners": [{"name": "x", "listen": "127.0.0.1:0", "probes": 1}]})").key == "listeners[0].probes");
    CHECK(parseFailure(R"({"listeners": [{"name": "x", "listen": "127.0.0.1:0", "plugin_routes": true}]})").key == "listeners[0].plugin_routes");
}

TEST_CASE("gateway config: cors is off by default, true for the permissive defaults, or an object of header values", "[config][gateway][cors]")
{
    Config defaults = parse("{}");
    CHECK_FALSE(defaults.mainListener().cors.enabled);

    Config permissive = parse(R"({"cors": true, "listeners": [{"name": "x", "listen": "127.0.0.1:0", "cors": false}]})");
    const auto& cors = permissive.mainListener().cors;
    CHECK(cors.enabled);
    CHECK(cors.allowOrigin == "*");
    CHECK(cors.allowMethods == "GET, POST, PUT, DELETE, OPTIONS");
    CHECK(cors.maxAge == 1728000);
    CHECK_FALSE(permissive.listeners[1].cors.enabled);

    Config custom = parse(R"({"listeners": [{"name": "x", "listen": "127.0.0.1:0", "cors":
        {"allow_origin": "https://app.example", "allow_methods": "GET", "allow_headers": "", "expose_headers": "X-Total", "max_age": 0}}]})");
    const auto& own = custom.listeners[1].cors;
    CHECK(own.enabled);
    CHECK(own.allowOrigin == "https://app.example");
    CHECK(own.allowMethods == "GET");
    CHECK(own.allowHeaders.empty());
    CHECK(own.exposeHeaders == "X-Total");
    CHECK(own.maxAge == 0);

    struct Case { const char* json; const char* key; const char* says; };
    for (const Case& c : {
             Case{R"({"cors": "yes"})", "cors", "true, false or an object"},
             Case{R"({"cors": {"origin": "*"}})", "cors.origin", "unknown"},
             Case{R"({"cors": {"allow_origin": ""}})", "cors.allow_origin", "empty"},
             Case{R"({"cors": {"allow_methods": "GET\nX: 1"}})", "cors.allow_methods", "control character"},
             Case{R"({"cors": {"max_age": -1}})", "cors.max_age", "out of range"},
             Case{R"({"listeners": [{"name": "x", "listen": "127.0.0.1:0", "cors": {"allow_headers": 5}}]})", "listeners[0].cors.allow_headers",
                  "wrong type"},
         }) {
        INFO(c.json);
        Failure failure = parseFailure(c.json);
        CHECK(failure.key == c.key);
        CHECK_THAT(failure.message, Contains(c.says));
    }
}

TEST_CASE("gateway config: the proxy's threads and queue", "[config][gateway][proxy]")
{
    Config defaults = parse("{}");
    CHECK(defaults.proxy.threads == 8);
    CHECK(defaults.proxy.queueSize == 1024);
    Config set = parse(R"({"proxy": {"threads": 2, "queue_size": 16}})");
    CHECK(set.proxy.threads == 2);
    CHECK(set.proxy.queueSize == 16);
    CHECK(parseFailure(R"({"proxy": {"threads": 0}})").key == "proxy.threads");
    CHECK(parseFailure(R"({"proxy": {"queue": 1}})").key == "proxy.queue");
}

TEST_CASE("gateway config: changed route kinds, probes, cors, plugin_routes and proxy need a restart", "[config][gateway][changes]")
{
    const std::string base = R"({"routes": [{"prefix": "/api/vault", "upstream": "vault"}]})";
    Config running = parse(base);
    CHECK(ConfigChanges::needingRestart(running, parse(base)).empty());
    auto listed = [&](const std::string& json, const std::string& what) {
        std::vector<std::string> changed = ConfigChanges::needingRestart(running, parse(json));
        return std::find(changed.begin(), changed.end(), what) != changed.end();
    };
    CHECK(listed(R"({"routes": [{"prefix": "/api/vault", "upstream": "http://127.0.0.1:8200"}]})", "listener 'main'"));
    CHECK(listed(R"({"routes": [{"prefix": "/api/vault", "upstream": "vault", "timeout_ms": 5}]})", "listener 'main'"));
    CHECK(listed(R"({"routes": [{"prefix": "/api/vault", "respond": {"body": "x"}}]})", "listener 'main'"));
    CHECK(listed(R"({"cors": true, "routes": [{"prefix": "/api/vault", "upstream": "vault"}]})", "listener 'main'"));
    CHECK(listed(R"({"probes": false, "routes": [{"prefix": "/api/vault", "upstream": "vault"}]})", "listener 'main'"));
    CHECK(listed(R"({"plugin_routes": false, "routes": [{"prefix": "/api/vault", "upstream": "vault"}]})", "listener 'main'"));
    CHECK(listed(R"({"proxy": {"threads": 1}, "routes": [{"prefix": "/api/vault", "upstream": "vault"}]})", "proxy"));
}

TEST_CASE("gateway config: a plugin route may bound the bodies spooled for it (max_spooled_body_bytes)", "[config][gateway][spool]")
{
    Config config = parse(R"({"routes": [{"prefix": "/small", "plugin": "file-storage", "max_spooled_body_bytes": 1024},
                                         {"prefix": "/big", "plugin": "file-storage"}],
                              "plugins": {"echo": {"routes": [{"prefix": "/e", "max_spooled_body_bytes": 2048}]}}})");
    const auto& routes = config.mainListener().routes;
    REQUIRE(routes.size() == 2);
    CHECK(routes[0].maxSpooledBodyBytes == std::optional<std::uint64_t>(1024));
    CHECK_FALSE(routes[1].maxSpooledBodyBytes);
    const auto& echo = config.plugins.at("echo");
    REQUIRE(echo.routes);
    CHECK((*echo.routes)[0].maxSpooledBodyBytes == std::optional<std::uint64_t>(2048));

    Config changed = parse(R"({"routes": [{"prefix": "/small", "plugin": "file-storage", "max_spooled_body_bytes": 4096},
                                          {"prefix": "/big", "plugin": "file-storage"}],
                               "plugins": {"echo": {"routes": [{"prefix": "/e", "max_spooled_body_bytes": 2048}]}}})");
    CHECK_FALSE(ConfigChanges::needingRestart(config, changed).empty());   // listener routes are fixed at start
}
