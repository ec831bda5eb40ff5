// The ABI 1.2 part of plugin.hpp (Host::acceptWebSocket, terrarium::WebSocket) driven through
// FakeHost's WebSocket emulation, with the websocket-echo fixture plugin compiled in.
#include <terrarium/testing/fake_host.hpp>

#include <catch2/catch.hpp>

#include <string>

using terrarium::testing::FakeHost;
using terrarium::testing::FakeResponse;
using terrarium::testing::Headers;

namespace {

const Headers upgrade = {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}, {"Sec-WebSocket-Version", "13"},
                         {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};

} // namespace

TEST_CASE("an upgrade is accepted: 101, the greeting queued, messages echoed, close requested and delivered", "[sdk][websocket]")
{
    FakeHost host(&terrarium_plugin_entry);
    host.start();
    FakeResponse accepted = host.call("GET", "/ws/echo", {}, upgrade);
    CHECK(accepted.status == 101);
    REQUIRE(host.webSocketCount() == 1);
    REQUIRE(host.webSocketSent(0).size() == 1);
    CHECK(host.webSocketSent(0)[0].second.rfind("welcome ", 0) == 0);

    host.webSocketReceive(0, "hello");
    host.webSocketReceive(0, std::string("\x01\x02", 2), TRM_WS_BINARY);
    auto sent = host.webSocketSent(0);
    REQUIRE(sent.size() == 3);
    CHECK(sent[1] == std::make_pair(int32_t(TRM_WS_TEXT), std::string("hello")));
    CHECK(sent[2] == std::make_pair(int32_t(TRM_WS_BINARY), std::string("\x01\x02", 2)));

    host.webSocketReceive(0, "close:4001");
    CHECK(host.webSocketCloseRequested(0) == 4001);
    host.webSocketReceive(0, "after close");   // sends answer TRM_ERR_UNAVAILABLE: nothing more is sent
    CHECK(host.webSocketSent(0).size() == 3);
    host.webSocketPeerClose(0, 4001);
    CHECK(host.call("GET", "/ws/stats").body.find("\"closed\":1") != std::string::npos);
    CHECK(host.call("GET", "/ws/stats").body.find("\"last_close_code\":4001") != std::string::npos);
    CHECK(host.call("GET", "/ws/stats").body.find("\"open\":0") != std::string::npos);
    CHECK(host.webSocketReleased(0));   // the plugin dropped its last copy after onClose
}

TEST_CASE("a request that is not an upgrade is answered 400, stop() closes open sockets with 1001", "[sdk][websocket]")
{
    FakeHost host(&terrarium_plugin_entry);
    host.start();
    CHECK(host.call("GET", "/ws/echo").status == 400);
    CHECK(host.webSocketCount() == 0);
    REQUIRE(host.call("GET", "/ws/echo", {}, upgrade).status == 101);
    REQUIRE(host.call("POST", "/ws/push?n=2&size=4").status == 200);
    CHECK(host.webSocketSent(0).size() == 3);
    host.stop();
    CHECK(host.webSocketReleased(0));
}

TEST_CASE("on a 1.1 host acceptWebSocket() throws TRM_ERR_UNSUPPORTED", "[sdk][websocket]")
{
    FakeHost host(&terrarium_plugin_entry);
    host.emulateAbi10();
    CHECK(host.tryStart() == TRM_ERR_UNSUPPORTED);   // the fixture declares the header's ABI: refused, naming both versions
    CHECK(host.lastError().find("plugin ABI 1." + std::to_string(TERRARIUM_ABI_MINOR) + ", host ABI 1.0") != std::string::npos);
}
