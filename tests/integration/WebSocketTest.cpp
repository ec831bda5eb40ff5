// WebSockets through the real terrariumd and the websocket-echo fixture plugin (ABI 1.2): the
// upgrade, messages both ways, pings, fragments, pushes from a plugin thread, the close handshake
// from either side, idle sockets that cost no thread, slow readers, hot reload and shutdown.
#include "HttpTestClient.h"
#include "RawHttpConnection.h"
#include "TerrariumProcess.h"
#include "TestCertificate.h"
#include "WebSocketTestClient.h"

#include <catch2/catch.hpp>

#include <Poco/Buffer.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/WebSocket.h>

#include <future>
#include <memory>
#include <string>
#include <vector>

using namespace terrarium::test;
using Poco::Net::WebSocket;
using terrarium::test::TestCertificate;

namespace {

const char* const PluginFile = "websocket-echo.so";

TerrariumProcess::Options options(const std::string& extra = "")
{
    TerrariumProcess::Options o;
    o.plugins = {{fixturePath(PluginFile), PluginFile}, {ECHO_PLUGIN_PATH, "echo.so"}};
    o.configJson = R"({"watch":{"enabled":false},"threads":8)" + extra + "}";
    return o;
}

/// A client of /ws/echo (or another path) on the main listener.
struct Client : WebSocketTestClient
{
    explicit Client(const TerrariumProcess& host, const std::string& path = "/ws/echo") : WebSocketTestClient(host, path) {}
};

int closeCode(const std::string& payload)
{
    return WebSocketTestClient::closeCode(payload);
}

Poco::JSON::Object::Ptr stats(const TerrariumProcess& host)
{
    HttpResult answer = host.get("/ws/stats");
    REQUIRE(answer.status == 200);
    return answer.json();
}

} // namespace

TEST_CASE("websocket: upgrade, greeting queued before the 101, echo of text and binary, pings, fragments", "[websocket]")
{
    TerrariumProcess host(options());
    Client client(host);
    CHECK(client.response.getStatus() == Poco::Net::HTTPResponse::HTTP_SWITCHING_PROTOCOLS);
    CHECK(client.response.get("X-Generation", "") != "");
    CHECK(client.receive().rfind("welcome ", 0) == 0);

    client.send("hello");
    int flags = 0;
    CHECK(client.receive(flags) == "hello");
    CHECK((flags & WebSocket::FRAME_OP_BITMASK) == WebSocket::FRAME_OP_TEXT);

    client.send(std::string("\x00\x01\x02", 3), WebSocket::FRAME_BINARY);
    CHECK(client.receive(flags) == std::string("\x00\x01\x02", 3));
    CHECK((flags & WebSocket::FRAME_OP_BITMASK) == WebSocket::FRAME_OP_BINARY);

    client.send("are you there", WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_PING);
    CHECK(client.receive(flags) == "are you there");
    CHECK((flags & WebSocket::FRAME_OP_BITMASK) == WebSocket::FRAME_OP_PONG);

    // A message in three fragments arrives joined.
    client.send("frag", WebSocket::FRAME_OP_TEXT);
    client.send("men", WebSocket::FRAME_OP_CONT);
    client.send("ted", WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_CONT);
    CHECK(client.receive() == "fragmented");

    // Larger messages (16- and 64-bit lengths).
    client.send("big:70000");
    CHECK(client.receive().size() == 70000);

    // The client closes: the plugin hears the code.
    client.socket->shutdown(4321, "bye");
    std::string reply = client.receive(flags);
    CHECK((flags & WebSocket::FRAME_OP_BITMASK) == WebSocket::FRAME_OP_CLOSE);
    CHECK(closeCode(reply) == 4321);
    REQUIRE(waitUntil([&] { return stats(host)->getValue<int>("closed") == 1; }));
    CHECK(stats(host)->getValue<int>("last_close_code") == 4321);
    CHECK(stats(host)->getValue<int>("open") == 0);
}

TEST_CASE("websocket: the plugin closes, pushes from its own thread, and a plain GET is refused", "[websocket]")
{
    TerrariumProcess host(options());
    Client first(host);
    Client second(host);
    first.receive();
    second.receive();

    HttpResult pushed = host.request("POST", "/ws/push?n=3&size=10");
    REQUIRE(pushed.status == 200);
    CHECK(pushed.json()->getValue<int>("sent") == 6);
    for (int i = 0; i < 3; ++i)
    {
        CHECK(first.receive() == std::string(10, 'p'));
        CHECK(second.receive() == std::string(10, 'p'));
    }

    first.send("close:4000");
    int flags = 0;
    std::string payload = first.receive(flags);
    CHECK((flags & WebSocket::FRAME_OP_BITMASK) == WebSocket::FRAME_OP_CLOSE);
    CHECK(closeCode(payload) == 4000);
    first.socket->shutdown(4000, "");
    REQUIRE(waitUntil([&] { return stats(host)->getValue<int>("closed") == 1; }));
    CHECK(stats(host)->getValue<int>("last_close_code") == 4000);

    // The other socket still works.
    second.send("still here");
    CHECK(second.receive() == "still here");

    HttpResult plain = host.get("/ws/echo");
    CHECK(plain.status == 400);
}

TEST_CASE("websocket: 200 idle WebSockets cost no thread: HTTP on other connections keeps being answered", "[websocket][scale]")
{
    raiseOpenFileLimit();
    TerrariumProcess host(options());
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 200; ++i)
    {
        clients.push_back(std::make_unique<Client>(host));
        REQUIRE(clients.back()->receive().rfind("welcome ", 0) == 0);
    }
    REQUIRE(waitUntil([&] { return stats(host)->getValue<int>("open") == 200; }));

    // 8 handler threads, 200 open sockets: plain requests are answered all the same.
    HttpTestClient http(host.mainAddress());
    for (int i = 0; i < 200; ++i) REQUIRE(http.request("GET", "/echo/x?i=" + std::to_string(i)).status == 200);
    std::string page = host.admin("GET", "/metrics", "", false).body;
    INFO(page);
    CHECK(metricSample(page, "terrarium_connections{listener=\"main\",state=\"websocket\"}") == 200);
    CHECK(metricSample(page, "terrarium_listener_threads{listener=\"main\"}") <= 8 + 4);

    // Every socket is still served.
    for (auto& client : clients) client->send("ping?");
    for (auto& client : clients) CHECK(client->receive() == "ping?");
}

TEST_CASE("websocket: a peer that does not read gets TRM_ERR_TOO_LARGE, others are unaffected", "[websocket]")
{
    TerrariumProcess host(options(R"(,"limits":{"max_body_bytes":65536})"));
    Client lazy(host);   // never reads after the greeting
    lazy.receive();
    lazy.socket->setReceiveBufferSize(4096);
    Client busy(host);
    busy.receive();

    // Push far more than the socket buffers plus the host's bound (1 MiB at least) can hold.
    int tooLarge = 0;
    REQUIRE(waitUntil([&] {
        HttpResult pushed = host.request("POST", "/ws/push?n=64&size=65536");
        tooLarge += pushed.json()->getValue<int>("too_large");
        // The busy client drains its share so that only the lazy one backs up.
        for (int i = 0, n = pushed.json()->getValue<int>("sent"); i < n; ++i)
        {
            busy.socket->setReceiveTimeout(Poco::Timespan(0, 50 * 1000));
            try
            {
                busy.receive();
            }
            catch (const Poco::TimeoutException&)
            {
                break;
            }
        }
        return tooLarge > 0;
    }));
    CHECK(stats(host)->getValue<int>("too_large") > 0);
    busy.socket->setReceiveTimeout(Poco::Timespan(20, 0));
    CHECK(host.get("/health").status == 200);
}

TEST_CASE("websocket: a hot reload closes the old generation's sockets with 1001, new ones reach the new generation", "[websocket][reload]")
{
    TerrariumProcess host(options());
    Client old(host);
    std::string greeting = old.receive();
    REQUIRE(greeting.rfind("welcome ", 0) == 0);

    HttpResult reload = host.admin("POST", "/admin/plugins/websocket-echo/reload");
    REQUIRE(reload.status == 200);
    int flags = 0;
    std::string payload = old.receive(flags);
    CHECK((flags & WebSocket::FRAME_OP_BITMASK) == WebSocket::FRAME_OP_CLOSE);
    CHECK(closeCode(payload) == 1001);
    old.socket->shutdown(1001, "");

    Client fresh(host);
    CHECK(fresh.receive() != greeting);
    fresh.send("new generation");
    CHECK(fresh.receive() == "new generation");
    REQUIRE(waitUntil([&] { return host.admin("GET", "/admin/plugins").json()->getArray("retiring")->size() == 0; }));
}

TEST_CASE("websocket: sends from a plugin thread, hot reloads and the peers' own closes racing on the same sockets", "[websocket][reload][race]")
{
    // Sends from a thread that is not the connection's (pushes that fill the socket, the reload's
    // 1001) re-arm a connection while a frame of the peer may already be on its way to a poller;
    // the connection must outlive every such event even when it closes at once. Under the address
    // sanitizer a use after free aborts terrariumd, which fails the requests below.
    TerrariumProcess host(options());
    const int rounds = 40;
    const int perRound = 8;
    for (int round = 0; round < rounds; ++round)
    {
        INFO("round " << round);
        std::vector<std::unique_ptr<Client>> clients;
        for (int i = 0; i < perRound; ++i)
        {
            clients.push_back(std::make_unique<Client>(host));
            REQUIRE(clients.back()->receive().rfind("welcome ", 0) == 0);
        }
        auto pushed = std::async(std::launch::async, [&] { return host.request("POST", "/ws/push?n=32&size=16384").status; });
        auto reloaded = std::async(std::launch::async, [&] { return host.admin("POST", "/admin/plugins/websocket-echo/reload").status; });
        for (int i = 0; i < perRound; ++i)
        {
            for (int k = 0; k < 4; ++k) clients[i]->send("racing " + std::to_string(k));
            if (i % 2 == 1) clients[i]->socket->shutdown(1000, "peer leaves");
        }
        for (int i = 0; i < perRound; ++i)
        {
            // Everything up to the host's close frame (pushes, echoes), then the close is answered.
            int flags = 0;
            try
            {
                do
                {
                    clients[i]->receive(flags);
                } while ((flags & WebSocket::FRAME_OP_BITMASK) != WebSocket::FRAME_OP_CLOSE);
                if (i % 2 == 0) clients[i]->socket->shutdown(1001, "");
            }
            catch (const Poco::Net::NetException&)
            {
                // The host closed after its close frame while this peer was still sending.
            }
        }
        CHECK(pushed.get() == 200);
        CHECK(reloaded.get() == 200);
        REQUIRE(host.running());
    }
    REQUIRE(waitUntil([&] { return host.admin("GET", "/admin/plugins").json()->getArray("retiring")->size() == 0; }));
    Client fresh(host);
    CHECK(fresh.receive() == "welcome " + std::to_string(stats(host)->getValue<int>("generation")));
    fresh.send("still serving");
    CHECK(fresh.receive() == "still serving");
}

TEST_CASE("websocket: shutdown closes open sockets with 1001 and exits 0", "[websocket][shutdown]")
{
    TerrariumProcess host(options());
    Client client(host);
    client.receive();
    int code = host.terminate(SIGTERM, Poco::Timespan(30, 0));
    CHECK(code == 0);
    int flags = 0;
    std::string payload;
    try
    {
        payload = client.receive(flags);
    }
    catch (const Poco::Exception&)
    {
    }
    CHECK((flags & WebSocket::FRAME_OP_BITMASK) == WebSocket::FRAME_OP_CLOSE);
    CHECK(closeCode(payload) == 1001);
}

TEST_CASE("websocket: protocol violations close with 1002", "[websocket]")
{
    TerrariumProcess host(options());
    // The handshake by hand, since Poco's client masks every frame it sends.
    RawHttpConnection raw(host.mainAddress());
    raw.send("GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    REQUIRE(raw.waitFor("\r\n\r\n"));
    CHECK(raw.buffered().rfind("HTTP/1.1 101 Switching Protocols\r\n", 0) == 0);
    CHECK(raw.buffered().find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n") != std::string::npos);
    raw.send(std::string("\x81\x02hi", 4));   // unmasked
    // The greeting, then a close frame: code 1002 (0x03 0xea) and the reason.
    REQUIRE(raw.waitFor("client frames must be masked"));
    CHECK(raw.buffered().find(std::string("\x03\xea", 2) + "client frames must be masked") != std::string::npos);
    CHECK(raw.waitForClose());
    REQUIRE(waitUntil([&] { return stats(host)->getValue<int>("closed") == 1; }));
    CHECK(stats(host)->getValue<int>("last_close_code") == 1002);
}

TEST_CASE("websocket: a plugin built against the 1.1 header keeps working on this host", "[websocket][abi]")
{
    TerrariumProcess::Options o;
    o.plugins = {{fixturePath("abi11.so"), "abi11.so"}};
    TerrariumProcess host(o);
    HttpResult answer = host.get("/abi11/x", {{"X-Request-Id", "from-an-old-plugin"}});
    REQUIRE(answer.status == 200);
    CHECK(answer.json()->getValue<std::string>("plugin") == "abi11");
    CHECK(answer.json()->getValue<std::string>("request_id") == "from-an-old-plugin");
    CHECK(host.admin("GET", "/admin/plugins/abi11").json()->getValue<std::string>("abi") == "1.1");
}

TEST_CASE("websocket: served over an HTTPS listener too (wss)", "[websocket][tls]")
{
    Poco::Net::initializeSSL();
    TestCertificate certificate;
    TerrariumProcess host(options(R"(,"listeners":[{"name":"secure","listen":"127.0.0.1:0","routes":[{"prefix":"/ws","plugin":"websocket-echo"}],
        "tls":{"cert_file":")" + certificate.certFile() + R"(","key_file":")" + certificate.keyFile() + "\"}}]"));
    Poco::Net::Context::Params params;
    params.caLocation = certificate.certFile();
    params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    Poco::Net::SocketAddress address(host.listenerAddress("secure"));
    Poco::Net::HTTPSClientSession session(address.host().toString(), address.port(), context);
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/ws/echo", Poco::Net::HTTPMessage::HTTP_1_1);
    Poco::Net::HTTPResponse response;
    WebSocket socket(session, request, response);
    socket.setReceiveTimeout(Poco::Timespan(20, 0));
    Poco::Buffer<char> buffer(0);
    int flags = 0;
    socket.receiveFrame(buffer, flags);
    CHECK(std::string(buffer.begin(), buffer.size()).rfind("welcome ", 0) == 0);
    socket.sendFrame("secure echo", 11);
    buffer.resize(0);
    socket.receiveFrame(buffer, flags);
    CHECK(std::string(buffer.begin(), buffer.size()) == "secure echo");
    socket.shutdown();
    Poco::Net::uninitializeSSL();
}

TEST_CASE("websocket: a client message of 1 MiB, far larger than a request head, arrives whole and is echoed", "[websocket][bug]")
{
    TerrariumProcess host(options());
    Client client(host);
    CHECK(client.receive().rfind("welcome ", 0) == 0);
    std::string message(1 << 20, 'm');
    for (std::size_t i = 0; i < message.size(); i += 4096) message[i] = static_cast<char>('a' + (i / 4096) % 26);
    client.send(message);
    CHECK(client.receive() == message);
    client.send("after");
    CHECK(client.receive() == "after");
}
