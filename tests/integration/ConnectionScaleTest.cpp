// The connection layer at scale and under abuse, against the real terrariumd over loopback:
// 1,000 concurrent keep-alive connections served by 8 threads, slowloris clients, pipelining,
// chunked requests and answers on the raw bytes, 100-continue over the limit, overload (503 with
// Retry-After above the queue and the connection cap, bounded memory, recovery) and slow handlers
// that do not stall other connections. Every wait polls with a deadline and nothing asserts how
// long something took. Where a test must know that something was still going on (a slowloris
// still open, a slow request still in its handler), it leaves a wide margin between that and the
// work it checks: a 1 s header timeout against a loop of loopback requests, 5 s against 40
// requests, 10 s slow requests against a flood that takes a fraction of a second.
#include "ExpectError.h"
#include "HttpTestClient.h"
#include "RawHttpConnection.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>


#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace terrarium::test;

namespace {

/// A test that writes to connections the host may have closed must get EPIPE, not SIGPIPE.
void ignoreSigpipe()
{
    std::signal(SIGPIPE, SIG_IGN);
}

TerrariumProcess::Options hostWith(const std::string& configJson, std::vector<std::pair<std::string, std::string>> extraPlugins = {})
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    for (auto& plugin : extraPlugins) options.plugins.push_back(std::move(plugin));
    options.configJson = configJson;
    return options;
}

std::pair<std::string, std::string> fixture(const std::string& file)
{
    return {fixturePath(file), file};
}

/// The value of one sample on the admin listener's /metrics, e.g.
/// terrarium_connections{listener="main",state="idle"}; -1 when the page has no such sample.
double metric(const TerrariumProcess& host, const std::string& sample)
{
    return metricSample(host.admin("GET", "/metrics", "", false).body, sample);
}

const std::string mainIdle = R"(terrarium_connections{listener="main",state="idle"})";
const std::string mainActive = R"(terrarium_connections{listener="main",state="active"})";
const std::string mainOpen = R"(terrarium_connections_open{listener="main"})";
const std::string mainQueued = R"(terrarium_requests_queued{listener="main"})";
const std::string mainHandling = R"(terrarium_requests_handling{listener="main"})";
const std::string mainThreads = R"(terrarium_listener_threads{listener="main"})";
const std::string mainTimeouts = R"(terrarium_connection_timeouts_total{listener="main"})";
const std::string rejectedByQueue = R"(terrarium_rejections_total{listener="main",reason="queue"})";
const std::string rejectedByConnections = R"(terrarium_rejections_total{listener="main",reason="connections"})";

/// Polls until the sample has exactly value; FAILs with the last value seen otherwise.
void waitForMetric(const TerrariumProcess& host, const std::string& sample, double value, Poco::Timespan timeout = Poco::Timespan(30, 0))
{
    double last = -1;
    bool reached = waitUntil([&] { return (last = metric(host, sample)) == value; }, timeout);
    INFO(sample << " is " << last << ", expected " << value);
    REQUIRE(reached);
}

/// Checks an overload answer: 503, Retry-After and a JSON error.
void expectOverloaded(const HttpResult& result)
{
    expectError(result, 503, "overloaded");
    CHECK_FALSE(result.header("Retry-After").empty());
}

std::string get(const std::string& path, const std::string& extraHeaders = "")
{
    return "GET " + path + " HTTP/1.1\r\nHost: test\r\n" + extraHeaders + "\r\n";
}

/// The echo plugin's answer to a request: its path (after the /echo prefix).
std::string echoedPath(const HttpResult& result)
{
    return result.json()->getValue<std::string>("path");
}

} // namespace

// ---- scale -------------------------------------------------------------------------------------

TEST_CASE("scale: 1,000 concurrent keep-alive connections are all answered by 8 threads, twice, and then idle", "[scale][http]")
{
    ignoreSigpipe();
    const std::size_t connections = 1000;
    REQUIRE(raiseOpenFileLimit() >= 2 * connections + 200);
    TerrariumProcess host(hostWith(R"({"threads": 8, "io_threads": 2,
        "limits": {"keep_alive_timeout_ms": 300000, "header_timeout_ms": 300000, "request_timeout_ms": 300000}})"));

    // Every connection is open and has its request on the wire before any answer is read.
    std::vector<std::unique_ptr<RawHttpConnection>> clients;
    clients.reserve(connections);
    for (std::size_t i = 0; i < connections; ++i) clients.push_back(std::make_unique<RawHttpConnection>(host.mainAddress()));
    for (std::size_t i = 0; i < connections; ++i) clients[i]->send(get("/echo/first?i=" + std::to_string(i)));

    std::vector<std::string> peers(connections);
    std::size_t answered = 0;
    for (std::size_t i = 0; i < connections; ++i)
    {
        INFO("connection " << i);
        HttpResult r = clients[i]->readResponse(Poco::Timespan(60, 0));
        REQUIRE(r.status == 200);
        auto json = r.json();
        CHECK(json->getValue<std::string>("path") == "/first");
        CHECK(json->getValue<std::string>("query") == "i=" + std::to_string(i));
        CHECK(r.header("Connection") != "close");
        peers[i] = json->getValue<std::string>("client");
        ++answered;
    }
    CHECK(answered == connections);
    // Not a thread per connection: at most the handler threads and the polling threads.
    CHECK(metric(host, mainThreads) <= 8 + 2);

    // The same connections carry a second request: keep-alive really kept them (the host saw the
    // same client port; RawHttpConnection never reconnects).
    for (std::size_t i = 0; i < connections; ++i) clients[i]->send(get("/echo/second?i=" + std::to_string(i)));
    for (std::size_t i = 0; i < connections; ++i)
    {
        INFO("connection " << i);
        HttpResult r = clients[i]->readResponse(Poco::Timespan(60, 0));
        REQUIRE(r.status == 200);
        auto json = r.json();
        CHECK(json->getValue<std::string>("path") == "/second");
        CHECK(json->getValue<std::string>("query") == "i=" + std::to_string(i));
        CHECK(json->getValue<std::string>("client") == peers[i]);
    }

    // All of them are now idle keep-alive connections, and counted so.
    waitForMetric(host, mainIdle, static_cast<double>(connections));
    CHECK(metric(host, mainOpen) == static_cast<double>(connections));
    CHECK(metric(host, mainActive) == 0);
    CHECK(host.get("/echo/").status == 200);
}

// ---- slowloris ---------------------------------------------------------------------------------

TEST_CASE("slowloris: a client trickling its header byte by byte is answered 408 and closed, others are served meanwhile",
          "[slowloris][http]")
{
    ignoreSigpipe();
    // One handler thread and one polling thread: a slowloris that held a thread would stall
    // every other client until its header timeout.
    TerrariumProcess host(hostWith(R"({"threads": 1, "io_threads": 1, "limits": {"header_timeout_ms": 1000, "request_timeout_ms": 60000}})"));
    const std::string header = "GET /echo/slowloris HTTP/1.1\r\nHost: test\r\nX-Slow: " + std::string(300, 's') + "\r\n\r\n";

    RawHttpConnection slow(host.mainAddress());
    std::atomic<bool> answered{false};
    std::atomic<std::size_t> sent{0};
    std::string failure;
    std::thread slowloris([&] {
        try
        {
            while (sent < header.size())
            {
                slow.send(header.substr(sent, 1));
                ++sent;
                // Paces the trickle (about one byte per 100 ms) and stops as soon as an answer came.
                if (slow.waitFor("\r\n\r\n", Poco::Timespan(0, 100 * 1000))) break;
            }
        }
        catch (const std::exception& e)
        {
            failure = e.what();   // the host closed the connection while a byte was on its way
        }
        answered = true;
    });

    // Meanwhile, quick requests on another keep-alive connection are answered.
    HttpTestClient quick(host.mainAddress());
    std::size_t served = 0;
    std::size_t servedWhileSlowlorisOpen = 0;
    Poco::Timestamp started;
    while ((!answered || served < 20) && !started.isElapsed(Poco::Timespan(90, 0).totalMicroseconds()))
    {
        bool before = !answered;
        HttpResult r = quick.request("GET", "/echo/quick");
        REQUIRE(r.status == 200);
        ++served;
        if (before && !answered) ++servedWhileSlowlorisOpen;
    }
    slowloris.join();
    INFO("slowloris sent " << sent << " of " << header.size() << " bytes; " << failure);
    REQUIRE(answered);
    CHECK(servedWhileSlowlorisOpen > 0);
    CHECK(sent < header.size());   // cut off long before its header was complete

    HttpResult r = slow.readResponse();
    expectError(r, 408, "request_timeout");
    CHECK(r.json()->getValue<std::string>("message").find("1000 ms") != std::string::npos);
    CHECK(r.header("Connection") == "close");
    CHECK(slow.waitForClose());
    waitForMetric(host, mainTimeouts, 1);
    CHECK(host.get("/echo/").status == 200);
}

TEST_CASE("slowloris: 200 connections with unfinished headers do not keep a normal request from being answered", "[slowloris][http]")
{
    ignoreSigpipe();
    REQUIRE(raiseOpenFileLimit() >= 600);
    // A header timeout long enough that the slowloris connections are certainly still open while
    // the normal requests run (checked below), short enough to see them all cut off afterwards.
    TerrariumProcess host(hostWith(R"({"threads": 1, "io_threads": 1, "limits": {"header_timeout_ms": 5000, "request_timeout_ms": 60000}})"));
    const std::size_t count = 200;
    std::vector<std::unique_ptr<RawHttpConnection>> slow;
    for (std::size_t i = 0; i < count; ++i)
    {
        slow.push_back(std::make_unique<RawHttpConnection>(host.mainAddress()));
        slow.back()->send("GET /echo/slowloris HTTP/1.1\r\nHost: te");
    }
    waitForMetric(host, mainActive, static_cast<double>(count));

    for (int i = 0; i < 20; ++i) REQUIRE(host.get("/echo/normal").status == 200);
    HttpTestClient keepAlive(host.mainAddress());
    for (int i = 0; i < 20; ++i) REQUIRE(keepAlive.request("GET", "/echo/normal").status == 200);
    RawHttpConnection pipelined(host.mainAddress());
    pipelined.send(get("/echo/p1") + get("/echo/p2") + get("/echo/p3"));
    for (const char* path : {"/p1", "/p2", "/p3"}) CHECK(echoedPath(pipelined.readResponse()) == path);

    // They were all answered while every slowloris connection was still waiting for its header.
    CHECK(metric(host, mainTimeouts) == 0);

    // Then each slowloris connection gets its 408 and is closed.
    for (std::size_t i = 0; i < count; ++i)
    {
        INFO("slowloris connection " << i);
        expectError(slow[i]->readResponse(Poco::Timespan(60, 0)), 408, "request_timeout");
        CHECK(slow[i]->waitForClose());
    }
    waitForMetric(host, mainTimeouts, static_cast<double>(count));
    CHECK(host.get("/echo/").status == 200);
}

// ---- pipelining --------------------------------------------------------------------------------

TEST_CASE("pipelining: GET, POST, chunked POST, HEAD and a slow request written in one send come back in order", "[pipelining][http]")
{
    ignoreSigpipe();
    TerrariumProcess host(hostWith(R"({"threads": 4})", {fixture("slow.so")}));
    RawHttpConnection c(host.mainAddress());
    c.send(get("/echo/first")
           + "POST /echo/second HTTP/1.1\r\nHost: test\r\nContent-Length: 11\r\n\r\nsecond body"
           + "POST /echo/third HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nthird\r\n6;ext=1\r\n chunk\r\n0\r\nX-T: 1\r\n\r\n"
           + "HEAD /echo/fourth HTTP/1.1\r\nHost: test\r\n\r\n"
           + get("/slow/?ms=300")
           + "PUT /echo/sixth HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

    HttpResult first = c.readResponse();
    HttpResult second = c.readResponse();
    HttpResult third = c.readResponse();
    HttpResult fourth = c.readHeadResponse();
    // HEAD has no body: the next bytes are the next answer's status line.
    REQUIRE(c.waitFor("\r\n"));
    CHECK(c.buffered().rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    HttpResult fifth = c.readResponse();
    HttpResult sixth = c.readResponse();

    REQUIRE(first.status == 200);
    REQUIRE(second.status == 200);
    REQUIRE(third.status == 200);
    REQUIRE(fourth.status == 200);
    REQUIRE(fifth.status == 200);
    REQUIRE(sixth.status == 200);
    CHECK(echoedPath(first) == "/first");
    CHECK(echoedPath(second) == "/second");
    CHECK(second.json()->getValue<std::string>("body") == "second body");
    CHECK(echoedPath(third) == "/third");
    CHECK(third.json()->getValue<std::string>("body") == "third chunk");
    CHECK_FALSE(fourth.header("Content-Length").empty());
    CHECK(fifth.body == "slow done");   // the slow answer still comes before the fast one behind it
    CHECK(echoedPath(sixth) == "/sixth");
    CHECK(sixth.json()->getValue<std::string>("method") == "PUT");
    auto served = [](const HttpResult& r) { return r.json()->getValue<std::int64_t>("served"); };
    CHECK(served(first) < served(second));
    CHECK(served(second) < served(third));
    CHECK(served(third) < served(sixth));
    CHECK(sixth.header("Connection") == "close");
    CHECK(c.waitForClose());
}

TEST_CASE("pipelining: 200 requests in one send are all answered in order", "[pipelining][http]")
{
    ignoreSigpipe();
    TerrariumProcess host(hostWith(R"({"threads": 2})"));
    RawHttpConnection c(host.mainAddress());
    std::string batch;
    for (int i = 0; i < 200; ++i)
    {
        if (i % 2 == 0)
            batch += get("/echo/n" + std::to_string(i));
        else
            batch += "POST /echo/n" + std::to_string(i) + " HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(std::to_string(i).size())
                     + "\r\n\r\n" + std::to_string(i);
    }
    c.send(batch);
    for (int i = 0; i < 200; ++i)
    {
        INFO("request " << i);
        HttpResult r = c.readResponse();
        REQUIRE(r.status == 200);
        CHECK(echoedPath(r) == "/n" + std::to_string(i));
        if (i % 2 == 1) CHECK(r.json()->getValue<std::string>("body") == std::to_string(i));
    }
    // Still open for more.
    c.send(get("/echo/after"));
    CHECK(echoedPath(c.readResponse()) == "/after");
}

// ---- chunked answers ---------------------------------------------------------------------------

TEST_CASE("chunked: a plugin's chunked answer is chunk-framed for HTTP/1.1, Content-Length-framed for HTTP/1.0, bodiless for HEAD",
          "[chunked][http]")
{
    ignoreSigpipe();
    TerrariumProcess host(hostWith("{}", {fixture("chunked-out.so")}));
    const std::string text = "hello from a chunked answer";

    SECTION("HTTP/1.1: Transfer-Encoding chunked, no Content-Length, chunks on the wire")
    {
        RawHttpConnection c(host.mainAddress());
        c.send(get("/chunked-out/"));
        REQUIRE(c.waitFor("\r\n0\r\n\r\n"));
        std::string bytes = c.buffered();
        std::size_t headEnd = bytes.find("\r\n\r\n");
        REQUIRE(headEnd != std::string::npos);
        std::string head = Poco::toLower(bytes.substr(0, headEnd + 2));
        INFO(bytes);
        CHECK(head.rfind("http/1.1 200 ok\r\n", 0) == 0);
        CHECK(head.find("\r\ntransfer-encoding: chunked\r\n") != std::string::npos);
        CHECK(head.find("content-length") == std::string::npos);
        std::string body = bytes.substr(headEnd + 4);
        CHECK(Poco::toLower(body) == "1b\r\n" + text + "\r\n0\r\n\r\n");   // 27 bytes, then the last chunk
        HttpResult r = c.readResponse();
        CHECK(r.body == text);
        CHECK(c.buffered().empty());

        // The connection is kept: a chunked request gets its body back, chunked.
        c.send("POST /chunked-out/ HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
               "5\r\nhello\r\n7;ext=x\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n");
        REQUIRE(c.waitFor("\r\n0\r\n\r\n"));
        CHECK(Poco::toLower(c.buffered()).find("\r\ntransfer-encoding: chunked\r\n") != std::string::npos);
        CHECK(Poco::toLower(c.buffered()).find("\r\n\r\nc\r\nhello, world\r\n0\r\n\r\n") != std::string::npos);
        CHECK(c.readResponse().body == "hello, world");
    }
    SECTION("HTTP/1.0: Content-Length and the plain body, then close")
    {
        RawHttpConnection c(host.mainAddress());
        c.send("GET /chunked-out/ HTTP/1.0\r\nHost: test\r\n\r\n");
        REQUIRE(c.waitForClose());
        std::string bytes = c.buffered();
        INFO(bytes);
        std::size_t headEnd = bytes.find("\r\n\r\n");
        REQUIRE(headEnd != std::string::npos);
        std::string head = Poco::toLower(bytes.substr(0, headEnd + 2));
        CHECK(head.find("\r\ncontent-length: 27\r\n") != std::string::npos);
        CHECK(head.find("transfer-encoding") == std::string::npos);
        CHECK(head.find("\r\nconnection: close\r\n") != std::string::npos);
        CHECK(bytes.substr(headEnd + 4) == text);
    }
    SECTION("HEAD: the chunked header and no body at all")
    {
        RawHttpConnection c(host.mainAddress());
        c.send("HEAD /chunked-out/ HTTP/1.1\r\nHost: test\r\n\r\n" + get("/chunked-out/"));
        HttpResult head = c.readHeadResponse();
        CHECK(head.status == 200);
        CHECK(Poco::icompare(head.header("Transfer-Encoding"), "chunked") == 0);
        REQUIRE(c.waitFor("\r\n"));
        CHECK(c.buffered().rfind("HTTP/1.1 200 OK\r\n", 0) == 0);   // the GET's answer follows at once
        CHECK(c.readResponse().body == text);
    }
    SECTION("HEAD over HTTP/1.0: no body either")
    {
        RawHttpConnection c(host.mainAddress());
        c.send("HEAD /chunked-out/ HTTP/1.0\r\nHost: test\r\n\r\n");
        REQUIRE(c.waitForClose());
        std::string bytes = c.buffered();
        INFO(bytes);
        CHECK(bytes.find("\r\n\r\n") == bytes.size() - 4);
        CHECK(Poco::toLower(bytes).find("\r\ncontent-length: 27\r\n") != std::string::npos);
    }
}

// ---- 100-continue ------------------------------------------------------------------------------

TEST_CASE("continue: a body announced over the limit with Expect: 100-continue gets 413 without a 100 Continue", "[continue][http]")
{
    ignoreSigpipe();
    TerrariumProcess host(hostWith(R"({"limits": {"max_body_bytes": 1024}})"));

    SECTION("Content-Length over the limit")
    {
        RawHttpConnection c(host.mainAddress());
        c.send("POST /echo/ HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 1000000\r\n\r\n");
        REQUIRE(c.waitFor("\r\n\r\n"));
        CHECK(c.buffered().rfind("HTTP/1.1 413 ", 0) == 0);
        HttpResult r = c.readResponse();
        expectError(r, 413, "payload_too_large");
        CHECK(r.header("Connection") == "close");
        CHECK(c.waitForClose());
        CHECK(c.buffered().empty());   // nothing after the 413: no late 100 Continue
    }
    SECTION("chunked: continued (its size is unknown), then refused at the chunk that passes the limit")
    {
        RawHttpConnection c(host.mainAddress());
        c.send("POST /echo/ HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n");
        HttpResult interim = c.readResponse();
        CHECK(interim.status == 100);
        c.send("800\r\n");   // 2048 bytes announced; none of them is sent
        HttpResult r = c.readResponse();
        expectError(r, 413, "payload_too_large");
        CHECK(c.waitForClose());
    }

    // The host keeps serving, 100-continue included.
    RawHttpConnection c(host.mainAddress());
    c.send("POST /echo/ok HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    CHECK(c.readResponse().status == 100);
    c.send("hello");
    HttpResult ok = c.readResponse();
    REQUIRE(ok.status == 200);
    CHECK(ok.json()->getValue<std::string>("body") == "hello");
    CHECK(host.get("/echo/").status == 200);
}

// ---- overload ----------------------------------------------------------------------------------

TEST_CASE("overload: above the handler threads and the queue requests get 503 with Retry-After, memory stays bounded, the host recovers",
          "[overload][http]")
{
    ignoreSigpipe();
    REQUIRE(raiseOpenFileLimit() >= 1200);
    TerrariumProcess host(hostWith(R"({"threads": 2, "io_threads": 1, "queue_size": 4, "shutdown_timeout_ms": 2000})", {fixture("slow.so")}));
    // Warm up, then the baseline.
    for (int i = 0; i < 20; ++i) REQUIRE(host.get("/echo/warm").status == 200);
    const std::size_t baselineKiB = host.residentKiB();

    // Both handler threads are held by slow requests...
    std::vector<std::unique_ptr<RawHttpConnection>> holders;
    for (int i = 0; i < 2; ++i)
    {
        holders.push_back(std::make_unique<RawHttpConnection>(host.mainAddress()));
        holders.back()->send(get("/slow/?ms=10000"));
    }
    waitForMetric(host, mainHandling, 2);
    // ...and the queue fills with four requests.
    std::vector<std::unique_ptr<RawHttpConnection>> queued;
    for (int i = 0; i < 4; ++i)
    {
        queued.push_back(std::make_unique<RawHttpConnection>(host.mainAddress()));
        queued.back()->send(get("/echo/queued" + std::to_string(i)));
        waitForMetric(host, mainQueued, i + 1);
    }

    std::uint64_t rejected = 0;
    // The next request is refused at once, on a new connection and again on a kept one.
    RawHttpConnection refusedClient(host.mainAddress());
    for (int i = 0; i < 2; ++i)
    {
        refusedClient.send(get("/echo/refused"));
        expectOverloaded(refusedClient.readResponse());
        ++rejected;
    }
    {
        HttpResult r = host.get("/echo/refused");
        expectOverloaded(r);
        ++rejected;
    }

    // A flood of requests, pipelined and on fresh connections, is refused without the host's
    // memory growing with it.
    std::size_t peakKiB = host.residentKiB();
    std::size_t notRefused = 0;
    for (int round = 0; round < 8; ++round)
    {
        RawHttpConnection flood(host.mainAddress());
        std::string batch;
        for (int i = 0; i < 250; ++i) batch += get("/echo/flood?n=" + std::to_string(i));
        flood.send(batch);
        for (int i = 0; i < 250; ++i)
        {
            HttpResult r = flood.readResponse();
            if (r.status == 503)
                ++rejected;
            else
                ++notRefused;
        }
        peakKiB = std::max(peakKiB, host.residentKiB());
    }
    for (int i = 0; i < 400; ++i)
    {
        RawHttpConnection flood(host.mainAddress());
        flood.send(get("/echo/flood", "Connection: close\r\n"));
        HttpResult r = flood.readResponse();
        if (r.status == 503)
            ++rejected;
        else
            ++notRefused;
        if (i % 50 == 0) peakKiB = std::max(peakKiB, host.residentKiB());
    }
    peakKiB = std::max(peakKiB, host.residentKiB());
    INFO("resident: " << baselineKiB << " KiB before the flood, at most " << peakKiB << " KiB during it; " << rejected << " refused, "
                      << notRefused << " served");
    CHECK(notRefused == 0);   // the holders sleep for 10 s; the flood takes a fraction of that
    CHECK(peakKiB < baselineKiB + 64 * 1024);

    // The slow requests finish, the queued ones are answered in turn, and new requests are served.
    for (auto& holder : holders) CHECK(holder->readResponse(Poco::Timespan(60, 0)).body == "slow done");
    for (int i = 0; i < 4; ++i)
    {
        HttpResult r = queued[i]->readResponse(Poco::Timespan(60, 0));
        REQUIRE(r.status == 200);
        CHECK(echoedPath(r) == "/queued" + std::to_string(i));
    }
    CHECK(waitUntil([&] { return host.get("/echo/recovered").status == 200; }));
    refusedClient.send(get("/echo/recovered"));
    CHECK(refusedClient.readResponse().status == 200);
    waitForMetric(host, mainQueued, 0);
    waitForMetric(host, mainHandling, 0);
    CHECK(metric(host, rejectedByQueue) == static_cast<double>(rejected));
    CHECK(metric(host, rejectedByConnections) == 0);
}

TEST_CASE("overload: above max_connections a new connection gets 503 and is closed, and the host recovers", "[overload][http]")
{
    ignoreSigpipe();
    REQUIRE(raiseOpenFileLimit() >= 1200);
    const int cap = 8;
    TerrariumProcess host(hostWith(R"({"max_connections": 8, "limits": {"keep_alive_timeout_ms": 300000}})"));
    for (int i = 0; i < 20; ++i) REQUIRE(host.get("/echo/warm").status == 200);
    waitForMetric(host, mainOpen, 0);
    const std::size_t baselineKiB = host.residentKiB();

    std::vector<std::unique_ptr<RawHttpConnection>> kept;
    for (int i = 0; i < cap; ++i)
    {
        kept.push_back(std::make_unique<RawHttpConnection>(host.mainAddress()));
        kept.back()->send(get("/echo/kept"));
        REQUIRE(kept.back()->readResponse().status == 200);
    }
    waitForMetric(host, mainOpen, cap);

    std::uint64_t rejected = 0;
    {
        RawHttpConnection extra(host.mainAddress());   // sends nothing: the refusal comes on accept
        HttpResult r = extra.readResponse();
        expectOverloaded(r);
        CHECK(r.header("Connection") == "close");
        CHECK(extra.waitForClose());
        ++rejected;
    }

    // A flood of connections is refused without the host's memory growing with it.
    std::size_t peakKiB = host.residentKiB();
    for (int i = 0; i < 1000; ++i)
    {
        RawHttpConnection extra(host.mainAddress());
        REQUIRE(extra.readResponse().status == 503);
        CHECK(extra.waitForClose());
        ++rejected;
        if (i % 100 == 0) peakKiB = std::max(peakKiB, host.residentKiB());
    }
    INFO("resident: " << baselineKiB << " KiB before the flood, at most " << peakKiB << " KiB during it");
    CHECK(peakKiB < baselineKiB + 64 * 1024);
    CHECK(metric(host, mainOpen) == cap);

    // The connections inside the cap were never disturbed.
    for (auto& c : kept)
    {
        c->send(get("/echo/still"));
        CHECK(echoedPath(c->readResponse()) == "/still");
    }

    // Once some close, new connections are served again.
    kept.resize(cap / 2);
    waitForMetric(host, mainOpen, cap / 2);
    CHECK(host.get("/echo/recovered").status == 200);
    RawHttpConnection fresh(host.mainAddress());
    fresh.send(get("/echo/fresh"));
    CHECK(echoedPath(fresh.readResponse()) == "/fresh");
    CHECK(metric(host, rejectedByConnections) == static_cast<double>(rejected));
    CHECK(metric(host, rejectedByQueue) == 0);
}

// ---- slow handlers -----------------------------------------------------------------------------

TEST_CASE("slow handlers: while slow requests hold handler threads, other connections keep being answered", "[slow][http]")
{
    ignoreSigpipe();
    // One polling thread: the threads that run the slow requests must be replaced as pollers.
    TerrariumProcess host(hostWith(R"({"threads": 4, "io_threads": 1, "shutdown_timeout_ms": 1000})", {fixture("slow.so")}));
    std::vector<std::unique_ptr<RawHttpConnection>> slow;
    for (int i = 0; i < 3; ++i)
    {
        slow.push_back(std::make_unique<RawHttpConnection>(host.mainAddress()));
        slow.back()->send(get("/slow/?ms=10000"));
    }
    waitForMetric(host, mainHandling, 3);

    for (int i = 0; i < 100; ++i) REQUIRE(host.get("/echo/fresh").status == 200);
    HttpTestClient keepAlive(host.mainAddress());
    for (int i = 0; i < 100; ++i) REQUIRE(keepAlive.request("POST", "/echo/kept", "body").status == 200);
    RawHttpConnection pipelined(host.mainAddress());
    std::string batch;
    for (int i = 0; i < 50; ++i) batch += get("/echo/p" + std::to_string(i));
    pipelined.send(batch);
    for (int i = 0; i < 50; ++i) CHECK(echoedPath(pipelined.readResponse()) == "/p" + std::to_string(i));

    // All of that was answered while the three slow requests were still in their handlers.
    CHECK(metric(host, mainHandling) == 3);
}

TEST_CASE("slow handlers: requests that became ready together with a slow one are answered while it runs", "[slow][http]")
{
    ignoreSigpipe();
    // One polling thread, kept busy for a moment so that the slow request and the fast ones are
    // ready together and come back from one epoll_wait: the slow one is handled first, the others
    // must be taken from the ready list by the poller that replaces the slow one's thread.
    TerrariumProcess host(hostWith(R"({"threads": 4, "io_threads": 1, "shutdown_timeout_ms": 1000})", {fixture("slow.so")}));
    RawHttpConnection busy(host.mainAddress());
    RawHttpConnection slow(host.mainAddress());
    std::vector<std::unique_ptr<RawHttpConnection>> fast;
    for (int i = 0; i < 12; ++i) fast.push_back(std::make_unique<RawHttpConnection>(host.mainAddress()));
    CHECK(host.get("/echo/warm").status == 200);

    busy.send(get("/slow/?ms=4"));
    slow.send(get("/slow/?ms=10000"));
    for (std::size_t i = 0; i < fast.size(); ++i) fast[i]->send(get("/echo/f" + std::to_string(i)));

    for (std::size_t i = 0; i < fast.size(); ++i) CHECK(echoedPath(fast[i]->readResponse()) == "/f" + std::to_string(i));
    CHECK(busy.readResponse().status == 200);
    // All answered while the slow request was still in its handler.
    CHECK(metric(host, mainHandling) == 1);
}
