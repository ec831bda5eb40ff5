// logthon's WS /ws through the real terrariumd: the replay of the latest entries, then live
// frames, then the connection limit (1013).
#include "HttpTestClient.h"
#include "TerrariumProcess.h"
#include "WebSocketTestClient.h"

#include <catch2/catch.hpp>

#include <Poco/JSON/Parser.h>
#include <Poco/Net/WebSocket.h>

#include <memory>
#include <string>

using namespace terrarium::test;
using Poco::Net::WebSocket;

namespace {

/// A client of logthon's live stream on the host's main listener.
struct StreamClient : WebSocketTestClient
{
    explicit StreamClient(const TerrariumProcess& host, const std::string& path = "/api/logthon/ws") : WebSocketTestClient(host, path) {}

    /// The message of the next frame (a JSON entry).
    std::string nextMessage()
    {
        int flags = 0;
        std::string frame = receive(flags);
        INFO(frame);
        REQUIRE((flags & WebSocket::FRAME_OP_BITMASK) == WebSocket::FRAME_OP_TEXT);
        return Poco::JSON::Parser().parse(frame).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("message");
    }
};

void post(const TerrariumProcess& host, const std::string& message)
{
    REQUIRE(host.request("POST", "/api/logs", R"({"service":"s","message":")" + message + R"("})").status == 200);
}

} // namespace

TEST_CASE("logthon: a WebSocket gets the latest entries, then live frames, above the limit it is closed with 1013", "[logthon][stream]")
{
    TerrariumProcess::Options options;
    options.plugins = {{LOGTHON_PLUGIN_PATH, "logthon.so"}};
    options.configJson = R"({"watch":{"enabled":false},"log":{"logthon":{"enabled":false}},)"
                         R"("plugins":{"logthon":{"config":{"initial_logs":3,"max_ws_connections":2}}}})";
    TerrariumProcess host(options);
    for (int i = 1; i <= 5; ++i) post(host, std::to_string(i));

    StreamClient first(host);
    REQUIRE(first.response.getStatus() == Poco::Net::HTTPResponse::HTTP_SWITCHING_PROTOCOLS);
    CHECK(first.nextMessage() == "3");
    CHECK(first.nextMessage() == "4");
    CHECK(first.nextMessage() == "5");
    post(host, "live-1");
    CHECK(first.nextMessage() == "live-1");

    StreamClient second(host, "/api/logs/ws");   // behind the other gateway prefix
    CHECK(second.nextMessage() == "4");
    CHECK(second.nextMessage() == "5");
    CHECK(second.nextMessage() == "live-1");

    StreamClient third(host);
    int flags = 0;
    std::string payload = third.receive(flags);
    CHECK((flags & WebSocket::FRAME_OP_BITMASK) == WebSocket::FRAME_OP_CLOSE);
    CHECK(WebSocketTestClient::closeCode(payload) == 1013);

    HttpResult info = host.get("/api/logthon/websocket/info");
    REQUIRE(info.status == 200);
    CHECK(info.json()->getValue<int>("active_connections") == 2);
    CHECK(info.json()->getValue<bool>("connection_limit_reached"));

    post(host, "live-2");
    CHECK(first.nextMessage() == "live-2");
    CHECK(second.nextMessage() == "live-2");
}

TEST_CASE("logthon: a WebSocket reader that does not read never holds ingestion up, its dropped frames are counted", "[logthon][stream]")
{
    TerrariumProcess::Options options;
    options.plugins = {{LOGTHON_PLUGIN_PATH, "logthon.so"}};
    options.configJson = R"({"watch":{"enabled":false},"log":{"logthon":{"enabled":false}},"limits":{"max_body_bytes":2097152},)"
                         R"("plugins":{"logthon":{"config":{"initial_logs":0,"max_logs":100}}}})";
    TerrariumProcess host(options);
    StreamClient stalled(host);   // never reads: the kernel's buffers, then the host's backlog bound fill up
    REQUIRE(waitUntil([&] { return host.get("/api/logthon/websocket/info").json()->getValue<int>("active_connections") == 1; }));

    const std::string message(10000, 'x');
    std::string batch = "[";
    for (int i = 0; i < 100; ++i) batch += (i ? "," : "") + std::string(R"({"service":"s","message":")") + message + "\"}";
    batch += "]";
    HttpTestClient client(host.mainAddress());
    for (int round = 0; round < 40; ++round) REQUIRE(client.request("POST", "/api/logs", batch).status == 200);   // 40 MB of frames

    auto dropped = [&] {
        return metricSample(host.admin("GET", "/metrics", "", false).body, "terrarium_plugin_logthon_stream_frames_dropped_total");
    };
    CHECK(waitUntil([&] { return dropped() > 0; }));
    HttpResult health = host.get("/api/logthon/health");
    CHECK(health.json()->getObject("log_counts")->getValue<int>("s") == 100);
}
