// logthon: GET/DELETE /logs, /health, /storage/info, /websocket/info, the web UI and the routes.
#include "LogthonFixture.h"

#include <algorithm>
#include <string>

using namespace logthon::test;

TEST_CASE("GET /logs answers the latest 100 by default, oldest first, with their count", "[logthon][query]")
{
    LogthonFixture logthon;
    for (int i = 1; i <= 150; ++i) logthon.add(i % 2 ? "odd" : "even", std::to_string(i));
    auto ids = logthon.ids();
    REQUIRE(ids.size() == 100);
    CHECK(ids.front() == 51);
    CHECK(ids.back() == 150);
    CHECK(std::is_sorted(ids.begin(), ids.end()));
    CHECK(logthon.messages("?limit=3") == std::vector<std::string>{"148", "149", "150"});
    CHECK(logthon.messages("?service=odd&limit=2") == std::vector<std::string>{"147", "149"});
    CHECK(logthon.messages("?service=even&limit=2") == std::vector<std::string>{"148", "150"});
    CHECK(logthon.logs("?service=odd&limit=10000")->size() == 75);
    CHECK(logthon.logs("?service=&limit=200")->size() == 150);   // empty service: every service
    CHECK(logthon.logs("?service=nobody")->size() == 0);
    CHECK(logthon.host.call("GET", "/api/logs?limit=1").status == 200);   // the direct listener's path
}

TEST_CASE("limit=0, negative, non-numeric, empty or above 10000 is answered 422 (0 never means everything)", "[logthon][query][bad-input]")
{
    LogthonFixture logthon;
    logthon.add("s", "m");
    for (const char* query : {"limit=0", "limit=-1", "limit=abc", "limit=", "limit=1.5", "limit=10001", "limit=99999999999", "limit=%2D1"})
    {
        FakeResponse r = logthon.host.call("GET", std::string("/logs?") + query);
        INFO(query << " -> " << r.body);
        CHECK(r.status == 422);
        CHECK(errorCode(r) == "invalid_parameter");
        CHECK(errorMessage(r).find("limit must be an integer from 1 to 10000") == 0);
    }
    CHECK(logthon.logs("?limit=10000")->size() == 1);
}

TEST_CASE("DELETE /logs?service= clears one service, DELETE /logs every service", "[logthon][query][delete]")
{
    LogthonFixture logthon;
    logthon.add("a", "1");
    logthon.add("b", "2");
    logthon.add("c", "3");
    FakeResponse one = logthon.host.call("DELETE", "/logs?service=a");
    CHECK(one.status == 200);
    CHECK(one.body == R"({"status":"success","message":"Logs cleared for a"})");
    CHECK(logthon.messages() == std::vector<std::string>{"2", "3"});
    FakeResponse all = logthon.host.call("DELETE", "/logs");
    CHECK(all.body == R"({"status":"success","message":"Logs cleared for all services"})");
    CHECK(logthon.logs()->size() == 0);
    logthon.add("a", "4");
    CHECK(logthon.ids() == std::vector<std::uint64_t>{4});   // ids go on after a clear
}

TEST_CASE("GET /health reports the service, clients, counts per service and persistence", "[logthon][health]")
{
    LogthonFixture logthon;
    logthon.add("a", "1");
    logthon.add("a", "2");
    logthon.add("b", "3");
    auto health = logthon.getObject("/health");
    CHECK(health->getValue<std::string>("status") == "healthy");
    CHECK(health->getValue<std::string>("service") == "logthon");
    CHECK(health->getValue<std::string>("timestamp").size() == 27);
    CHECK(health->getValue<int>("connected_clients") == 0);
    CHECK(health->getObject("log_counts")->getValue<int>("a") == 2);
    CHECK(health->getObject("log_counts")->getValue<int>("b") == 1);
    CHECK_FALSE(health->getObject("persistence")->getValue<bool>("enabled"));
    CHECK(logthon.host.healthy());
}

TEST_CASE("GET /storage/info reports count, max_size and is_full per service", "[logthon][storage]")
{
    LogthonFixture logthon(FlatConfig{{"max_logs", "2"}});
    CHECK(logthon.host.call("GET", "/storage/info").body == "{}");
    logthon.add("a", "1");
    logthon.add("b", "2");
    logthon.add("b", "3");
    CHECK(logthon.host.call("GET", "/storage/info").body ==
          R"({"a":{"count":1,"max_size":2,"is_full":false},"b":{"count":2,"max_size":2,"is_full":true}})");
}

TEST_CASE("GET /websocket/info reports the connections and the limit", "[logthon][stream]")
{
    LogthonFixture logthon(FlatConfig{{"max_ws_connections", "1"}});
    CHECK(logthon.host.call("GET", "/websocket/info").body == R"({"active_connections":0,"max_connections":1,"connection_limit_reached":false})");
    REQUIRE(logthon.host.call("GET", "/ws", "", upgradeHeaders()).status == 101);
    CHECK(logthon.host.call("GET", "/websocket/info").body == R"({"active_connections":1,"max_connections":1,"connection_limit_reached":true})");
}

TEST_CASE("the web UI is served at /, /index.html, /app.js and /style.css", "[logthon][ui]")
{
    LogthonFixture logthon;
    FakeResponse page = logthon.host.call("GET", "/");
    CHECK(page.status == 200);
    CHECK(page.header("Content-Type").value_or("").find("text/html") == 0);
    CHECK(page.body.find("<html") != std::string::npos);
    CHECK(logthon.host.call("GET", "/index.html").body == page.body);
    CHECK(logthon.host.call("GET", "/api/logs/").body == page.body);   // behind the gateway's prefix
    FakeResponse script = logthon.host.call("GET", "/app.js");
    CHECK(script.status == 200);
    CHECK(script.header("Content-Type").value_or("").find("javascript") != std::string::npos);
    FakeResponse style = logthon.host.call("GET", "/style.css");
    CHECK(style.status == 200);
    CHECK(style.header("Content-Type").value_or("").find("text/css") == 0);
}

TEST_CASE("unknown routes answer 404, wrong methods 405 with Allow, in JSON", "[logthon][routes]")
{
    LogthonFixture logthon;
    FakeResponse missing = logthon.host.call("GET", "/nothing");
    CHECK(missing.status == 404);
    CHECK(errorCode(missing) == "not_found");
    FakeResponse put = logthon.host.call("PUT", "/logs", "{}");
    CHECK(put.status == 405);
    CHECK(put.header("Allow") == std::string("GET, HEAD, POST, DELETE"));
    CHECK(logthon.host.call("POST", "/health").status == 405);
    CHECK(logthon.host.call("DELETE", "/").status == 405);
    FakeResponse notUpgrade = logthon.host.call("GET", "/ws");
    CHECK(notUpgrade.status == 400);
    CHECK(errorCode(notUpgrade) == "not_websocket");
}
