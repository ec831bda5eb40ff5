// WebSockets against a hostile or careless peer, over raw sockets to the real terrariumd and the
// websocket-echo fixture: a ping flood that never reads is closed with 1008 and counted while the
// host's memory stays bounded; RFC 6455 validation (UTF-8 text and close reasons → 1007, invalid
// close codes and malformed control frames → 1002); a hot reload that does not wait for peers
// ignoring the close handshake, whose sockets the host closes after limits.websocket_close_timeout_ms.
#include "HttpTestClient.h"
#include "RawHttpConnection.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <Poco/Exception.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

using namespace terrarium::test;

namespace {

const char* const PluginFile = "websocket-echo.so";

TerrariumProcess::Options options(const std::string& extra = "")
{
    TerrariumProcess::Options o;
    o.plugins = {{fixturePath(PluginFile), PluginFile}};
    o.configJson = R"({"watch":{"enabled":false},"threads":8)" + extra + "}";
    return o;
}

/// A masked client frame (first byte: FIN, RSV bits and opcode as given).
std::string clientFrame(unsigned char first, const std::string& payload)
{
    std::string out(1, static_cast<char>(first));
    const std::uint64_t length = payload.size();
    if (length < 126)
        out += static_cast<char>(0x80 | length);
    else
    {
        out += static_cast<char>(0x80 | 126);
        out += static_cast<char>(length >> 8);
        out += static_cast<char>(length & 0xFF);
    }
    const char key[4] = {0x37, 0x11, 0x5a, 0x6c};
    out.append(key, 4);
    for (std::size_t i = 0; i < payload.size(); ++i) out += static_cast<char>(payload[i] ^ key[i & 3]);
    return out;
}

/// The payload of a close frame: code, then reason.
std::string closePayload(int code, const std::string& reason = "")
{
    return std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)} + reason;
}

/// An unmasked server frame as it arrives (payloads under 126 bytes).
std::string serverFrame(unsigned char first, const std::string& payload)
{
    return std::string{static_cast<char>(first), static_cast<char>(payload.size())} + payload;
}

/// A raw connection upgraded to a WebSocket on /ws/echo, with the plugin's greeting received.
std::unique_ptr<RawHttpConnection> openWebSocket(const TerrariumProcess& host)
{
    auto raw = std::make_unique<RawHttpConnection>(host.mainAddress());
    raw->send("GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    REQUIRE(raw->readHeadResponse().status == 101);
    REQUIRE(raw->waitFor("welcome "));
    return raw;
}

Poco::JSON::Object::Ptr stats(const TerrariumProcess& host)
{
    HttpResult answer = host.get("/ws/stats");
    REQUIRE(answer.status == 200);
    return answer.json();
}

double metric(const TerrariumProcess& host, const std::string& sample)
{
    return metricSample(host.admin("GET", "/metrics", "", false).body, sample);
}

/// The host closes raw with close code (and reason) and then the connection.
void requireClosedWith(RawHttpConnection& raw, int code, const std::string& reason)
{
    INFO("expected close " << code << " " << reason);
    REQUIRE(raw.waitFor(serverFrame(0x88, closePayload(code, reason))));
    CHECK(raw.waitForClose());
}

} // namespace

TEST_CASE("websocket limits: a ping flood that never reads is closed with 1008 and counted, memory stays bounded", "[websocket][limits]")
{
    std::signal(SIGPIPE, SIG_IGN);   // the flood writes on after the host closed
    TerrariumProcess host(options());
    auto flooder = openWebSocket(host);
    const std::size_t baselineKiB = host.residentKiB();
    REQUIRE(baselineKiB > 0);

    std::string chunk;
    const std::string ping = clientFrame(0x89, std::string(125, 'p'));
    while (chunk.size() < (1u << 20)) chunk += ping;
    const std::size_t chunks = 256;   // 256 MiB of pings, whose pongs are never read
    std::size_t sent = 0;
    std::size_t peakKiB = baselineKiB;
    try
    {
        for (; sent < chunks; ++sent)
        {
            flooder->send(chunk);
            peakKiB = std::max(peakKiB, host.residentKiB());
        }
    }
    catch (const Poco::Exception&)
    {
        // The host closed the connection: expected once the unread pongs reached the bound.
    }
    peakKiB = std::max(peakKiB, host.residentKiB());
    INFO("sent " << sent << " MiB of pings; resident " << baselineKiB << " KiB before, at most " << peakKiB << " KiB during");
    CHECK(sent < chunks);
    CHECK(peakKiB - baselineKiB < 128 * 1024);
    CHECK(flooder->waitForClose());

    REQUIRE(waitUntil([&] { return metric(host, "terrarium_websocket_closed_total{listener=\"main\",reason=\"backlog\"}") == 1; }));
    CHECK(waitUntil([&] { return stats(host)->getValue<int>("last_close_code") == 1008; }));
    CHECK(host.get("/ws/stats").status == 200);
    auto other = openWebSocket(host);
    other->send(clientFrame(0x81, "still serving"));
    CHECK(other->waitFor(serverFrame(0x81, "still serving")));
}

TEST_CASE("websocket limits: text messages and close reasons must be UTF-8 (1007)", "[websocket][limits]")
{
    TerrariumProcess host(options());
    const std::string kosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";   // κόσμε

    SECTION("valid UTF-8 split across fragments is joined and delivered")
    {
        auto raw = openWebSocket(host);
        raw->send(clientFrame(0x01, kosme.substr(0, 3)));   // the split falls inside a character
        raw->send(clientFrame(0x00, kosme.substr(3, 5)));
        raw->send(clientFrame(0x80, kosme.substr(8)));
        CHECK(raw->waitFor(serverFrame(0x81, kosme)));
        raw->send(clientFrame(0x88, closePayload(1000, kosme)));
        requireClosedWith(*raw, 1000, "");
        CHECK(waitUntil([&] { return stats(host)->getValue<int>("last_close_code") == 1000; }));
    }
    SECTION("a text frame that is not UTF-8")
    {
        auto raw = openWebSocket(host);
        raw->send(clientFrame(0x81, "abc\xed\xa0\x80xyz"));   // a surrogate
        requireClosedWith(*raw, 1007, "text message is not valid UTF-8");
        CHECK(waitUntil([&] { return stats(host)->getValue<int>("last_close_code") == 1007; }));
    }
    SECTION("a fragmented text message that is not UTF-8 once joined")
    {
        auto raw = openWebSocket(host);
        raw->send(clientFrame(0x01, kosme));
        raw->send(clientFrame(0x80, "\xf4\x90\x80\x80"));   // past U+10FFFF
        requireClosedWith(*raw, 1007, "text message is not valid UTF-8");
    }
    SECTION("a close reason that is not UTF-8")
    {
        auto raw = openWebSocket(host);
        raw->send(clientFrame(0x88, closePayload(1000, "bye \xc0\xaf")));
        requireClosedWith(*raw, 1007, "close reason is not valid UTF-8");
    }
    SECTION("binary messages are not checked")
    {
        auto raw = openWebSocket(host);
        raw->send(clientFrame(0x82, "\xc0\xaf"));
        CHECK(raw->waitFor(serverFrame(0x82, "\xc0\xaf")));
    }
}

TEST_CASE("websocket limits: invalid close codes and malformed control frames close with 1002", "[websocket][limits]")
{
    TerrariumProcess host(options());
    for (int code : {999, 0, 1004, 1005, 1006, 1015, 1016, 2999, 5000})
    {
        auto raw = openWebSocket(host);
        raw->send(clientFrame(0x88, closePayload(code)));
        requireClosedWith(*raw, 1002, "invalid close code " + std::to_string(code));
    }
    {
        auto raw = openWebSocket(host);
        raw->send(clientFrame(0x88, std::string(1, '\x03')));
        requireClosedWith(*raw, 1002, "close frame with a one-byte payload");
    }
    {
        auto raw = openWebSocket(host);
        raw->send(clientFrame(0x89, std::string(126, 'p')));
        requireClosedWith(*raw, 1002, "control frames must be final and at most 125 bytes");
    }
    {
        auto raw = openWebSocket(host);
        raw->send(clientFrame(0x09, "fragmented ping"));
        requireClosedWith(*raw, 1002, "control frames must be final and at most 125 bytes");
    }
    CHECK(waitUntil([&] { return stats(host)->getValue<int>("closed") == 12; }));
    CHECK(stats(host)->getValue<int>("last_close_code") == 1002);
    CHECK(metric(host, "terrarium_websocket_closed_total{listener=\"main\",reason=\"protocol\"}") == 12);

    // Valid registered codes are echoed.
    auto raw = openWebSocket(host);
    raw->send(clientFrame(0x88, closePayload(3000, "app")));
    requireClosedWith(*raw, 3000, "");

    // Nor may the plugin put an invalid code on the wire: its close is refused, the socket stays open.
    auto refused = openWebSocket(host);
    refused->send(clientFrame(0x81, "close:1005"));
    refused->send(clientFrame(0x81, "still open"));
    CHECK(refused->waitFor(serverFrame(0x81, "still open")));
    CHECK(refused->buffered().find(serverFrame(0x88, closePayload(1005, "asked to"))) == std::string::npos);
}

TEST_CASE("websocket limits: a reload does not wait for peers that ignore the close handshake", "[websocket][limits][reload]")
{
    // A close timeout far longer than the test: the sockets outlive the reload.
    TerrariumProcess host(options(R"(,"limits":{"websocket_close_timeout_ms":600000})"));
    std::vector<std::unique_ptr<RawHttpConnection>> peers;
    for (int i = 0; i < 3; ++i) peers.push_back(openWebSocket(host));
    REQUIRE(stats(host)->getValue<int>("open") == 3);

    HttpResult reload = host.admin("POST", "/admin/plugins/websocket-echo/reload");
    REQUIRE(reload.status == 200);
    CHECK(reload.json()->getValue<std::int64_t>("generation") == 2);
    // The old generation is gone already (nothing left retiring) ...
    CHECK(host.admin("GET", "/admin/plugins").json()->getArray("retiring")->size() == 0);
    // ... while its sockets, told to go away, are still open and answered by the host.
    for (std::size_t i = 0; i < peers.size(); ++i)
    {
        RawHttpConnection& peer = *peers[i];
        CHECK(peer.waitFor(serverFrame(0x88, closePayload(1001, "service reloading"))));
        const std::string probe = "alive " + std::to_string(i);
        peer.send(clientFrame(0x89, probe));
        CHECK(peer.waitFor(serverFrame(0x8A, probe)));
    }
    CHECK(metric(host, "terrarium_connections{listener=\"main\",state=\"websocket\"}") == 3);
}

TEST_CASE("websocket limits: the host closes sockets that do not answer its close within websocket_close_timeout_ms", "[websocket][limits][reload]")
{
    TerrariumProcess host(options(R"(,"limits":{"websocket_close_timeout_ms":300})"));
    std::vector<std::unique_ptr<RawHttpConnection>> peers;
    for (int i = 0; i < 2; ++i) peers.push_back(openWebSocket(host));

    Poco::Timestamp reloadStarted;
    REQUIRE(host.admin("POST", "/admin/plugins/websocket-echo/reload").status == 200);
    for (auto& peer : peers)
    {
        CHECK(peer->waitFor(serverFrame(0x88, closePayload(1001, "service reloading"))));
        CHECK(peer->waitForClose(Poco::Timespan(20, 0)));
    }
    CHECK(reloadStarted.elapsed() >= 300 * 1000);
    CHECK(waitUntil([&] { return metric(host, "terrarium_websocket_closed_total{listener=\"main\",reason=\"close_timeout\"}") == 2; }));
    CHECK(metric(host, "terrarium_connections{listener=\"main\",state=\"websocket\"}") == 0);
}
