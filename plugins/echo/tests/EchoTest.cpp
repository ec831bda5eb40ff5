// The echo plugin, compiled into this test and served through FakeHost.
#include <terrarium/testing/fake_host.hpp>

#include <catch2/catch.hpp>

#include <string>

using terrarium::testing::FakeHost;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

} // namespace

TEST_CASE("echo answers with its version and the request it saw", "[echo]")
{
    FakeHost host(&terrarium_plugin_entry);
    host.start();
    REQUIRE(std::string(host.descriptor()->name) == "echo");
    REQUIRE(host.descriptor()->route_count == 1);
    CHECK(std::string(host.descriptor()->routes[0].prefix) == "/echo");

    auto r = host.call("POST", "/echo/some/path?x=1&y=2", "hello \"body\"", {{"X-Test", "one"}, {"Accept", "*/*"}});
    CHECK(r.result == TRM_OK);
    CHECK(r.status == 200);
    CHECK(r.header("Content-Type") == std::string("application/json"));
    CHECK(r.header("x-echo-version") == std::string("1.0.0"));
    INFO(r.body);
    CHECK(contains(r.body, "\"plugin\":\"echo\""));
    CHECK(contains(r.body, "\"version\":\"1.0.0\""));
    CHECK(contains(r.body, "\"served\":1"));
    CHECK(contains(r.body, "\"method\":\"POST\""));
    CHECK(contains(r.body, "\"path\":\"/some/path\""));             // the route strips "/echo"
    CHECK(contains(r.body, "\"original_path\":\"/echo/some/path\""));
    CHECK(contains(r.body, "\"query\":\"x=1&y=2\""));
    CHECK(contains(r.body, "\"target\":\"/echo/some/path?x=1&y=2\""));
    CHECK(contains(r.body, "\"headers\":{\"X-Test\":\"one\",\"Accept\":\"*/*\"}"));
    CHECK(contains(r.body, "\"body\":\"hello \\\"body\\\"\""));
    CHECK_FALSE(contains(r.body, "greeting"));
}

TEST_CASE("echo sees \"/\" for its bare route prefix", "[echo]")
{
    FakeHost host(&terrarium_plugin_entry);
    host.start();
    auto r = host.call("GET", "/echo");
    CHECK(r.status == 200);
    CHECK(contains(r.body, "\"path\":\"/\""));
    CHECK(contains(r.body, "\"original_path\":\"/echo\""));
}

TEST_CASE("echo includes the configured greeting", "[echo][config]")
{
    SECTION("config as JSON text")
    {
        FakeHost host(&terrarium_plugin_entry, R"({"greeting": "hi \u00e9"})");
        host.start();
        CHECK(contains(host.call("GET", "/echo").body, "\"greeting\":\"hi \xc3\xa9\""));
    }
    SECTION("config as flat keys")
    {
        FakeHost host(&terrarium_plugin_entry, terrarium::testing::FlatConfig{{"greeting", "hello"}});
        host.start();
        CHECK(contains(host.call("GET", "/echo").body, "\"greeting\":\"hello\""));
    }
}

TEST_CASE("echo counts requests and hands its body over without a copy", "[echo][counters]")
{
    FakeHost host(&terrarium_plugin_entry);
    host.start();
    for (int i = 0; i < 3; ++i) host.call("GET", "/echo");
    CHECK(host.counter("requests") == 3);
    CHECK(host.counters() == std::map<std::string, uint64_t>{{"requests", 3}});
    CHECK(host.calls() == 3);
    // Echo moves its body with response_adopt_body: each one freed exactly once.
    CHECK(host.adoptedBodies() == 3);
    CHECK(host.freedBodies() == 3);
}

TEST_CASE("echo keeps its served counter across snapshot and restore", "[echo][reload]")
{
    std::string state;
    {
        FakeHost old(&terrarium_plugin_entry);
        old.start();
        old.call("GET", "/echo");
        old.call("GET", "/echo");
        CHECK(old.drain() == TRM_ERR_UNSUPPORTED);   // echo has no drain()
        state = old.snapshot();
    }
    CHECK(state == "2");

    FakeHost next(&terrarium_plugin_entry);
    next.start();
    REQUIRE(next.restore(state) == TRM_OK);
    CHECK(contains(next.call("GET", "/echo").body, "\"served\":3"));
}

TEST_CASE("echo reports a bad snapshot through the host log", "[echo][log]")
{
    FakeHost host(&terrarium_plugin_entry);
    host.start();
    CHECK(host.logs().empty());
    CHECK(host.restore("not a number") == TRM_ERR_INTERNAL);
    auto logs = host.logs();
    REQUIRE(logs.size() == 1);
    CHECK(logs[0].level == TRM_LOG_ERROR);
    CHECK(logs[0].message == "restore failed");
    CHECK(logs[0].field("error").has_value());
    CHECK(host.logged("stoull"));
    CHECK(host.healthy());   // no health() capability: healthy
}

TEST_CASE("echo serves the page embedded from its assets folder under /_static/", "[echo][assets]")
{
    FakeHost host(&terrarium_plugin_entry);
    host.start();
    auto page = host.call("GET", "/echo/_static/index.html");
    CHECK(page.status == 200);
    CHECK(page.header("Content-Type") == std::string("text/html; charset=utf-8"));
    CHECK(contains(page.body, "<h1>echo</h1>"));
    auto missing = host.call("GET", "/echo/_static/nothing.css");
    CHECK(missing.status == 404);
    CHECK(contains(missing.body, "\"error\":\"not_found\""));
    // Other methods, and paths merely starting alike, are echoed as before.
    CHECK(contains(host.call("POST", "/echo/_static/index.html").body, "\"plugin\":\"echo\""));
    CHECK(contains(host.call("GET", "/echo/_staticx").body, "\"path\":\"/_staticx\""));
}
