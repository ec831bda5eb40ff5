// Idle keep-alive clients must not starve others: with 8 worker threads, 64 clients that each send
// one request and then stay connected all get their answer (an idle connection gives its thread up
// when accepted connections are waiting).
#include "RawHttpConnection.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <memory>
#include <vector>

using namespace terrarium::test;

TEST_CASE("64 idle keep-alive clients on 8 threads are all answered", "[connections]")
{
    TerrariumProcess::Options options;
    options.configJson = R"({"threads":8,"limits":{"keep_alive_timeout_ms":60000}})";
    TerrariumProcess host(options);

    std::vector<std::unique_ptr<RawHttpConnection>> clients;
    for (int i = 0; i < 64; ++i)
    {
        clients.push_back(std::make_unique<RawHttpConnection>(host.mainAddress()));
        clients.back()->send("GET /health HTTP/1.1\r\nHost: test\r\n\r\n");
    }
    int answered = 0;
    for (auto& client : clients)
    {
        HttpResult r = client->readResponse(Poco::Timespan(60, 0));
        if (r.status == 200 && r.body == "{\"status\":\"alive\"}") ++answered;
    }
    CHECK(answered == 64);
    CHECK(host.get("/health").status == 200);
}
