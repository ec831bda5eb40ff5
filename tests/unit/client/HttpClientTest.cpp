// HttpClient against the scriptable loopback upstream: pooling, bounds, idle and broken
// connections, retries, deadlines, circuit breaker, limits.
#include "ClientTestSupport.h"

#include "client/HttpClient.h"

#include "UpstreamFixture.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

using terrarium::BreakerState;
using terrarium::ClientConfig;
using terrarium::ClientRequest;
using terrarium::ClientResult;
using terrarium::ClientStatus;
using terrarium::HttpClient;
using terrarium::test::CLIENT_POLL;
using terrarium::test::CLIENT_WAIT;
using terrarium::test::contains;
using terrarium::test::eventually;
using terrarium::test::testClientConfig;
using terrarium::test::UpstreamFixture;
using Behaviour = UpstreamFixture::Behaviour;

namespace {

ClientRequest request(const std::string& url, const std::string& method = "GET", const std::string& body = std::string())
{
    ClientRequest r;
    r.url = url;
    r.method = method;
    r.body = body;
    return r;
}

UpstreamFixture::Script script(Behaviour behaviour, int status = 200, const std::string& body = "ok")
{
    UpstreamFixture::Script s;
    s.behaviour = behaviour;
    s.status = status;
    s.body = body;
    return s;
}

const terrarium::ClientStats::Origin& originStats(const terrarium::ClientStats& stats, const UpstreamFixture& upstream)
{
    const terrarium::ClientStats::Origin* origin = stats.find(upstream.baseUrl());
    REQUIRE(origin != nullptr);
    return *origin;
}

} // namespace

TEST_CASE("sequential calls reuse one keep-alive connection", "[client][pool]")
{
    UpstreamFixture upstream;
    HttpClient client(testClientConfig());
    for (int i = 0; i < 5; ++i) {
        ClientResult result = client.call(request(upstream.baseUrl() + "/hello"));
        REQUIRE(result.status == ClientStatus::Ok);
        CHECK(result.response.status == 200);
        CHECK(result.response.body == "ok");
        CHECK(result.response.attempts == 1);
        CHECK_FALSE(result.response.inProcess);
    }
    CHECK(upstream.connectionsAccepted() == 1);
    CHECK(upstream.requests("/hello") == 5);
    auto stats = client.stats();
    const auto& origin = originStats(stats, upstream);
    CHECK(origin.connects == 1);
    CHECK(origin.calls == 5);
    CHECK(origin.open == 1);
    CHECK(origin.idle == 1);
    CHECK(origin.inUse == 0);
    CHECK(origin.breaker == BreakerState::Closed);
    CHECK(stats.open == 1);
}

TEST_CASE("method, body, headers and request id reach the upstream", "[client]")
{
    UpstreamFixture upstream;
    upstream.script("/echo", script(Behaviour::Echo));
    HttpClient client(testClientConfig());
    ClientRequest r = request(upstream.baseUrl() + "/echo?x=1&y=%2F", "post", "{\"a\":1}");
    r.headers = {{"X-Test", "one"}, {"Content-Type", "application/json"}};
    r.requestId = "req-42";
    ClientResult result = client.call(r);
    REQUIRE(result.ok());
    REQUIRE(result.response.status == 200);
    auto echo = Poco::JSON::Parser().parse(result.response.body).extract<Poco::JSON::Object::Ptr>();
    CHECK(echo->getValue<std::string>("method") == "POST");
    CHECK(echo->getValue<std::string>("path") == "/echo?x=1&y=%2F");
    CHECK(echo->getValue<std::string>("body") == "{\"a\":1}");
    auto headers = echo->getObject("headers");
    CHECK(headers->getValue<std::string>("x-test") == "one");
    CHECK(headers->getValue<std::string>("x-request-id") == "req-42");
    CHECK(headers->getValue<std::string>("content-length") == "7");
    CHECK(result.response.header("content-type") == "text/plain");
}

TEST_CASE("malformed requests are Invalid and send nothing", "[client]")
{
    HttpClient client(testClientConfig());
    CHECK(client.call(request("")).status == ClientStatus::Invalid);
    CHECK(client.call(request("ftp://127.0.0.1/x")).status == ClientStatus::Invalid);
    CHECK(client.call(request("http:///nohost")).status == ClientStatus::Invalid);
    CHECK(client.call(request("http://127.0.0.1:1/x", "GE T")).status == ClientStatus::Invalid);
    ClientRequest header = request("http://127.0.0.1:1/x");
    header.headers = {{"X-Evil", "a\r\nInjected: yes"}};
    ClientResult result = client.call(header);
    CHECK(result.status == ClientStatus::Invalid);
    CHECK(contains(result.message, "X-Evil"));
}

TEST_CASE("HEAD answers carry no body and keep the connection usable", "[client]")
{
    UpstreamFixture upstream;
    HttpClient client(testClientConfig());
    ClientResult head = client.call(request(upstream.baseUrl() + "/x", "HEAD"));
    REQUIRE(head.ok());
    CHECK(head.response.status == 200);
    CHECK(head.response.body.empty());
    ClientResult get = client.call(request(upstream.baseUrl() + "/x"));
    REQUIRE(get.ok());
    CHECK(get.response.body == "ok");
    CHECK(upstream.connectionsAccepted() == 1);
}

TEST_CASE("callers beyond maxPerOrigin wait for a free connection, and the waits are counted", "[client][pool]")
{
    UpstreamFixture upstream;
    upstream.script("/slow", script(Behaviour::Hold));
    ClientConfig config = testClientConfig();
    config.maxPerOrigin = 2;
    HttpClient client(config);

    std::atomic<int> ok{0};
    std::vector<std::thread> callers;
    for (int i = 0; i < 4; ++i) {
        callers.emplace_back([&] {
            ClientResult result = client.call(request(upstream.baseUrl() + "/slow"));
            if (result.ok() && result.response.status == 200)
                ++ok;
        });
    }
    bool saturated = eventually([&] { return upstream.holding() == 2 && client.stats().waits == 2; }, CLIENT_WAIT, CLIENT_POLL);
    auto stats = client.stats();
    upstream.release();
    for (auto& caller : callers)
        caller.join();

    REQUIRE(saturated);
    CHECK(stats.open == 2);
    CHECK(stats.inUse == 2);
    CHECK(ok == 4);
    CHECK(upstream.connectionsAccepted() == 2);
    CHECK(upstream.requests("/slow") == 4);
    CHECK(client.stats().waits == 2);
}

TEST_CASE("a caller that finds no free connection before its deadline gets Timeout", "[client][pool]")
{
    UpstreamFixture upstream;
    upstream.script("/slow", script(Behaviour::Hold));
    ClientConfig config = testClientConfig();
    config.maxPerOrigin = 1;
    HttpClient client(config);
    std::thread holder([&] { client.call(request(upstream.baseUrl() + "/slow")); });
    bool held = eventually([&] { return upstream.holding() == 1; }, CLIENT_WAIT, CLIENT_POLL);

    ClientRequest waiting = request(upstream.baseUrl() + "/other");
    waiting.timeout = Poco::Timespan(0, 200 * 1000);
    ClientResult result = client.call(waiting);
    upstream.release();
    holder.join();
    INFO(result.message);

    REQUIRE(held);
    CHECK(result.status == ClientStatus::Timeout);
    CHECK(contains(result.message, "no free connection to " + upstream.baseUrl()));
    CHECK(upstream.requests("/other") == 0);
}

TEST_CASE("the total bound closes an idle connection of another origin to make room", "[client][pool]")
{
    UpstreamFixture first;
    UpstreamFixture second;
    ClientConfig config = testClientConfig();
    config.maxTotal = 1;
    HttpClient client(config);
    REQUIRE(client.call(request(first.baseUrl() + "/a")).ok());
    REQUIRE(client.call(request(second.baseUrl() + "/b")).ok());
    auto stats = client.stats();
    CHECK(stats.open == 1);
    CHECK(originStats(stats, first).open == 0);
    CHECK(originStats(stats, first).idleClosed == 1);
    CHECK(originStats(stats, second).open == 1);
    CHECK(eventually([&] { return first.connectionsOpen() == 0; }, CLIENT_WAIT, CLIENT_POLL));
}

TEST_CASE("idle connections are closed after the idle timeout", "[client][pool]")
{
    UpstreamFixture upstream;
    ClientConfig config = testClientConfig();
    config.idleTimeout = Poco::Timespan(0, 50 * 1000);
    HttpClient client(config);
    REQUIRE(client.call(request(upstream.baseUrl() + "/a")).ok());
    CHECK(eventually([&] {
        client.reapIdle();
        return client.stats().open == 0;
    }, CLIENT_WAIT, CLIENT_POLL));
    CHECK(client.stats().idleClosed == 1);
    CHECK(eventually([&] { return upstream.connectionsOpen() == 0; }, CLIENT_WAIT, CLIENT_POLL));
    REQUIRE(client.call(request(upstream.baseUrl() + "/a")).ok());
    CHECK(upstream.connectionsAccepted() == 2);
}

TEST_CASE("closeIdle closes every idle connection at once", "[client][pool]")
{
    UpstreamFixture upstream;
    HttpClient client(testClientConfig());
    REQUIRE(client.call(request(upstream.baseUrl() + "/a")).ok());
    REQUIRE(client.stats().idle == 1);
    client.closeIdle();
    CHECK(client.stats().open == 0);
    CHECK(eventually([&] { return upstream.connectionsOpen() == 0; }, CLIENT_WAIT, CLIENT_POLL));
}

TEST_CASE("a pooled connection the upstream closed while idle is replaced transparently", "[client][pool]")
{
    UpstreamFixture upstream;
    upstream.script("/bye", script(Behaviour::CloseAfterAnswer));
    HttpClient client(testClientConfig());
    REQUIRE(client.call(request(upstream.baseUrl() + "/bye", "POST", "one")).ok());
    ClientResult second = client.call(request(upstream.baseUrl() + "/bye", "POST", "two"));
    REQUIRE(second.ok());
    CHECK(second.response.status == 200);
    CHECK(second.response.attempts == 1);
    CHECK(upstream.connectionsAccepted() == 2);
    CHECK(upstream.requests("/bye") == 2);
    auto stats = client.stats();
    CHECK(stats.staleReplaced == 1);
    CHECK(stats.retries == 0);
}

TEST_CASE("a request that a reused connection loses before any answer is sent again once, even a POST", "[client][pool]")
{
    UpstreamFixture upstream;
    upstream.script("/drop", script(Behaviour::DropOnReuse));
    HttpClient client(testClientConfig());
    REQUIRE(client.call(request(upstream.baseUrl() + "/drop", "POST", "first")).ok());
    ClientResult second = client.call(request(upstream.baseUrl() + "/drop", "POST", "second"));
    INFO(second.message);
    REQUIRE(second.ok());
    CHECK(second.response.status == 200);
    CHECK(second.response.attempts == 1);
    CHECK(upstream.connectionsAccepted() == 2);
    CHECK(upstream.requests("/drop") == 3);   // first, second (dropped unanswered), second again
    auto stats = client.stats();
    CHECK(stats.staleReplaced == 1);
    CHECK(stats.retries == 0);
    CHECK(stats.failures == 0);
}

TEST_CASE("a refused connection is Unavailable after maxAttempts tries", "[client][retry]")
{
    Poco::UInt16 port = UpstreamFixture::closedPort();
    HttpClient client(testClientConfig());
    ClientResult result = client.call(request("http://127.0.0.1:" + std::to_string(port) + "/x", "POST", "body"));
    CHECK(result.status == ClientStatus::Unavailable);
    CHECK(result.message == "connection refused by 127.0.0.1:" + std::to_string(port) + " after 3 tries");
    auto stats = client.stats();
    CHECK(stats.retries == 2);
    CHECK(stats.failures == 3);
    CHECK(stats.open == 0);
}

TEST_CASE("a request's maxAttempts overrides the configured tries", "[client][retry]")
{
    Poco::UInt16 port = UpstreamFixture::closedPort();
    HttpClient client(testClientConfig());
    ClientRequest r = request("http://127.0.0.1:" + std::to_string(port) + "/x");
    r.maxAttempts = 1;
    ClientResult result = client.call(r);
    CHECK(result.status == ClientStatus::Unavailable);
    CHECK(result.message == "connection refused by 127.0.0.1:" + std::to_string(port) + " after 1 try");
    CHECK(client.stats().retries == 0);
}

TEST_CASE("an upstream slower than the deadline gives Timeout, without retry", "[client][retry]")
{
    UpstreamFixture upstream;
    upstream.script("/slow", script(Behaviour::Hold));
    HttpClient client(testClientConfig());
    ClientRequest r = request(upstream.baseUrl() + "/slow");
    r.timeout = Poco::Timespan(0, 300 * 1000);
    ClientResult result = client.call(r);
    upstream.release();
    INFO(result.message);
    CHECK(result.status == ClientStatus::Timeout);
    CHECK(result.message == "timed out waiting for a response from " + upstream.baseUrl() + " (deadline 300 ms, 1 try)");
    CHECK(upstream.requests("/slow") == 1);
    CHECK(client.stats().open == 0);   // the late connection is not reused
}

TEST_CASE("a connection closed mid-response fails a POST without retry, and is retried for GET", "[client][retry]")
{
    UpstreamFixture upstream;
    upstream.script("/cut", script(Behaviour::CloseMidResponse, 200, "0123456789"));
    HttpClient client(testClientConfig());

    ClientResult post = client.call(request(upstream.baseUrl() + "/cut", "POST", "data"));
    INFO(post.message);
    CHECK(post.status == ClientStatus::Unavailable);
    CHECK(contains(post.message, "closed the connection mid-response (5 of 110 body bytes received) after 1 try"));
    CHECK(contains(post.message, "POST is not repeated"));
    CHECK(upstream.requests("/cut") == 1);

    ClientResult get = client.call(request(upstream.baseUrl() + "/cut"));
    INFO(get.message);
    CHECK(get.status == ClientStatus::Unavailable);
    CHECK(contains(get.message, "after 3 tries"));
    CHECK(upstream.requests("/cut") == 4);
}

TEST_CASE("503 answers to a GET are retried until success", "[client][retry]")
{
    UpstreamFixture upstream;
    UpstreamFixture::Script flaky = script(Behaviour::FailFirst, 200, "finally");
    flaky.failures = 2;
    upstream.script("/flaky", flaky);
    HttpClient client(testClientConfig());
    ClientResult result = client.call(request(upstream.baseUrl() + "/flaky"));
    REQUIRE(result.ok());
    CHECK(result.response.status == 200);
    CHECK(result.response.body == "finally");
    CHECK(result.response.attempts == 3);
    CHECK(upstream.requests("/flaky") == 3);
    auto stats = client.stats();
    CHECK(stats.retries == 2);
    CHECK(stats.serverErrors == 2);
    CHECK(upstream.connectionsAccepted() == 1);   // 5xx answers keep the connection
}

TEST_CASE("a GET that always gets 503 returns the last 503 after maxAttempts tries", "[client][retry]")
{
    UpstreamFixture upstream;
    UpstreamFixture::Script down = script(Behaviour::FailFirst);
    down.failures = 1000;
    upstream.script("/down", down);
    HttpClient client(testClientConfig());
    ClientResult result = client.call(request(upstream.baseUrl() + "/down"));
    REQUIRE(result.ok());
    CHECK(result.response.status == 503);
    CHECK(result.response.body == "failure 3");
    CHECK(result.response.attempts == 3);
    CHECK(upstream.requests("/down") == 3);
}

TEST_CASE("a POST answered 503 is not retried", "[client][retry]")
{
    UpstreamFixture upstream;
    UpstreamFixture::Script down = script(Behaviour::FailFirst);
    down.failures = 1000;
    upstream.script("/down", down);
    HttpClient client(testClientConfig());
    ClientResult result = client.call(request(upstream.baseUrl() + "/down", "POST", "x"));
    REQUIRE(result.ok());
    CHECK(result.response.status == 503);
    CHECK(result.response.attempts == 1);
    CHECK(upstream.requests("/down") == 1);
}

TEST_CASE("4xx and 500 answers are Ok and not retried", "[client][retry]")
{
    UpstreamFixture upstream;
    upstream.answer("/missing", 404, "nope");
    upstream.answer("/broken", 500, "bug");
    HttpClient client(testClientConfig());
    ClientResult missing = client.call(request(upstream.baseUrl() + "/missing"));
    REQUIRE(missing.ok());
    CHECK(missing.response.status == 404);
    CHECK(missing.response.body == "nope");
    ClientResult broken = client.call(request(upstream.baseUrl() + "/broken"));
    REQUIRE(broken.ok());
    CHECK(broken.response.status == 500);
    CHECK(upstream.requests("/broken") == 1);
}

TEST_CASE("the circuit breaker opens, fails fast, probes when half-open and closes", "[client][breaker]")
{
    UpstreamFixture upstream;
    upstream.answer("/flaky", 500, "down");
    ClientConfig config = testClientConfig();
    config.breakerFailures = 2;
    config.breakerOpen = Poco::Timespan(1, 0);
    config.maxAttempts = 1;
    HttpClient client(config);
    const std::string url = upstream.baseUrl() + "/flaky";

    REQUIRE(client.call(request(url)).response.status == 500);
    REQUIRE(client.call(request(url)).response.status == 500);
    ClientResult fast = client.call(request(url));
    CHECK(fast.status == ClientStatus::Unavailable);
    CHECK(fast.message == "circuit open for " + upstream.baseUrl());
    CHECK(upstream.requests("/flaky") == 2);
    CHECK(originStats(client.stats(), upstream).breaker == BreakerState::Open);

    // Half-open: one probe reaches the upstream; it fails, so the breaker opens again.
    REQUIRE(eventually([&] { return client.call(request(url)).ok(); }, CLIENT_WAIT, CLIENT_POLL));
    CHECK(upstream.requests("/flaky") == 3);
    CHECK(originStats(client.stats(), upstream).breaker == BreakerState::Open);

    // The upstream recovers: the next probe succeeds and closes the breaker.
    upstream.answer("/flaky", 200, "up");
    REQUIRE(eventually([&] { return client.call(request(url)).ok(); }, CLIENT_WAIT, CLIENT_POLL));
    CHECK(originStats(client.stats(), upstream).breaker == BreakerState::Closed);
    ClientResult after = client.call(request(url));
    REQUIRE(after.ok());
    CHECK(after.response.body == "up");
}

TEST_CASE("a call that bypasses the breaker reaches an origin whose breaker is open, and its success closes it", "[client][breaker]")
{
    UpstreamFixture upstream;
    upstream.answer("/flaky", 500, "down");
    ClientConfig config = testClientConfig();
    config.breakerFailures = 1;
    config.breakerOpen = Poco::Timespan(600, 0);
    config.maxAttempts = 1;
    HttpClient client(config);
    const std::string url = upstream.baseUrl() + "/flaky";
    REQUIRE(client.call(request(url)).response.status == 500);
    REQUIRE(originStats(client.stats(), upstream).breaker == BreakerState::Open);
    CHECK(client.call(request(url)).status == ClientStatus::Unavailable);   // fails fast

    ClientRequest bypassing = request(url);
    bypassing.bypassBreaker = true;
    ClientResult down = client.call(bypassing);
    REQUIRE(down.ok());
    CHECK(down.response.status == 500);
    CHECK(upstream.requests("/flaky") == 2);
    upstream.answer("/flaky", 200, "up");
    ClientResult up = client.call(bypassing);
    REQUIRE(up.ok());
    CHECK(up.response.body == "up");
    CHECK(originStats(client.stats(), upstream).breaker == BreakerState::Closed);
    CHECK(client.call(request(url)).ok());
}

TEST_CASE("a response above maxResponseBytes is TooLarge and its connection dropped", "[client]")
{
    UpstreamFixture upstream;
    upstream.answer("/big", 200, std::string(100, 'x'));
    upstream.answer("/small", 200, "tiny");
    ClientConfig config = testClientConfig();
    config.maxResponseBytes = 10;
    HttpClient client(config);
    ClientResult big = client.call(request(upstream.baseUrl() + "/big"));
    CHECK(big.status == ClientStatus::TooLarge);
    CHECK(contains(big.message, "above the limit of 10 bytes"));
    CHECK(upstream.requests("/big") == 1);
    ClientResult small = client.call(request(upstream.baseUrl() + "/small"));
    REQUIRE(small.ok());
    CHECK(small.response.body == "tiny");
    CHECK(upstream.connectionsAccepted() == 2);
}

TEST_CASE("many threads share one client", "[client][pool]")
{
    UpstreamFixture upstream;
    upstream.script("/echo", script(Behaviour::Echo));
    HttpClient client(testClientConfig());
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i) {
                std::string body = "t" + std::to_string(t) + "-" + std::to_string(i);
                ClientResult result = client.call(request(upstream.baseUrl() + "/echo", "POST", body));
                if (result.ok() && contains(result.response.body, "\"body\":\"" + body + "\""))
                    ++ok;
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    CHECK(ok == 100);
    CHECK(upstream.connectionsAccepted() <= 4);
    auto stats = client.stats();
    CHECK(stats.calls == 100);
    CHECK(stats.inUse == 0);
}
