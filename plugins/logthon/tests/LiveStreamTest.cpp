// logthon: WS /ws (replay of the latest entries, then live frames, the connection limit).
#include "Eventually.h"
#include "LogthonFixture.h"

#include <string>

using namespace logthon::test;
using terrarium::test::eventually;

namespace {

std::vector<std::string> framesOf(FakeHost& host, std::size_t socket)
{
    std::vector<std::string> frames;
    for (const auto& frame : host.webSocketSent(socket))
        if (frame.first == TRM_WS_TEXT) frames.push_back(terrarium::json::parseObject(frame.second)->getValue<std::string>("message"));
    return frames;
}

} // namespace

TEST_CASE("a new WebSocket gets the latest initial_logs entries, then one frame per new entry", "[logthon][stream]")
{
    LogthonFixture logthon(FlatConfig{{"initial_logs", "2"}});
    logthon.add("a", "1");
    logthon.add("b", "2");
    logthon.add("a", "3");
    FakeResponse upgrade = logthon.host.call("GET", "/ws", "", upgradeHeaders());
    REQUIRE(upgrade.status == 101);
    CHECK(framesOf(logthon.host, 0) == std::vector<std::string>{"2", "3"});
    logthon.add("c", "4");
    REQUIRE(logthon.post(R"([{"service":"a","message":"5"},{"service":"a","message":"6"}])").status == 200);
    CHECK(eventually([&] { return framesOf(logthon.host, 0).size() == 5; }));
    CHECK(framesOf(logthon.host, 0) == std::vector<std::string>{"2", "3", "4", "5", "6"});
    auto frame = terrarium::json::parseObject(logthon.host.webSocketSent(0).back().second);
    CHECK(frame->getValue<std::uint64_t>("id") == 6);
    CHECK(frame->getValue<std::string>("service") == "a");
    CHECK(eventually([&] { return logthon.host.counter("stream_frames_sent") == 3; }));
}

TEST_CASE("LOGTHON_INITIAL_LOGS defaults to 50 entries replayed", "[logthon][stream]")
{
    LogthonFixture logthon;
    for (int i = 0; i < 60; ++i) logthon.add("a", std::to_string(i));
    REQUIRE(logthon.host.call("GET", "/ws", "", upgradeHeaders()).status == 101);
    auto frames = framesOf(logthon.host, 0);
    REQUIRE(frames.size() == 50);
    CHECK(frames.front() == "10");
    CHECK(frames.back() == "59");
}

TEST_CASE("above max_ws_connections a WebSocket is closed with 1013, a closed one frees its place", "[logthon][stream]")
{
    LogthonFixture logthon(FlatConfig{{"max_ws_connections", "2"}});
    REQUIRE(logthon.host.call("GET", "/ws", "", upgradeHeaders()).status == 101);
    REQUIRE(logthon.host.call("GET", "/ws", "", upgradeHeaders()).status == 101);
    REQUIRE(logthon.host.call("GET", "/ws", "", upgradeHeaders()).status == 101);
    CHECK(logthon.host.webSocketCloseRequested(0) == 0);
    CHECK(logthon.host.webSocketCloseRequested(1) == 0);
    CHECK(logthon.host.webSocketCloseRequested(2) == 1013);
    CHECK(logthon.host.counter("stream_connections_refused") == 1);
    logthon.host.webSocketPeerClose(2, 1013);
    CHECK(logthon.getObject("/health")->getValue<int>("connected_clients") == 2);

    logthon.host.webSocketPeerClose(0, 1000);
    CHECK(logthon.getObject("/websocket/info")->getValue<int>("active_connections") == 1);
    REQUIRE(logthon.host.call("GET", "/ws", "", upgradeHeaders()).status == 101);
    CHECK(logthon.host.webSocketCloseRequested(3) == 0);
    logthon.add("a", "live");
    CHECK(eventually([&] { return framesOf(logthon.host, 3) == std::vector<std::string>{"live"}; }));
    CHECK(eventually([&] { return framesOf(logthon.host, 1) == std::vector<std::string>{"live"}; }));
    CHECK(framesOf(logthon.host, 0).empty());
}

TEST_CASE("max_ws_connections 0 refuses every WebSocket with 1013", "[logthon][stream]")
{
    LogthonFixture logthon(FlatConfig{{"max_ws_connections", "0"}});
    REQUIRE(logthon.host.call("GET", "/ws", "", upgradeHeaders()).status == 101);
    CHECK(logthon.host.webSocketCloseRequested(0) == 1013);
}
