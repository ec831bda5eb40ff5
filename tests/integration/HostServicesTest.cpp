// The host services of ABI 1.1 through the real terrariumd and the services-probe fixture plugin:
// the pooled HTTP client and service directory (remote and in-process calls, retries, faults,
// request ids, moving a service through the admin API) and the log pipeline to logthon (records
// shipped with the request id, run-time levels, logthon down and back, overflow counted).
#include "HttpTestClient.h"
#include "LogthonFixture.h"
#include "TerrariumProcess.h"
#include "TestCertificate.h"
#include "UpstreamFixture.h"

#include <catch2/catch.hpp>

#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <string>
#include <thread>
#include <vector>

using namespace terrarium::test;
using terrarium::test::LogthonFixture;
using terrarium::test::TestCertificate;
using terrarium::test::UpstreamFixture;

namespace {

bool contains(const std::string& text, const std::string& needle)
{
    return text.find(needle) != std::string::npos;
}

std::string encode(const std::string& text)
{
    std::string out;
    Poco::URI::encode(text, "&=?/:", out);
    return out;
}

/// GET /probe/call?service=S&path=P&... : the probe's JSON answer.
Poco::JSON::Object::Ptr probeCall(const TerrariumProcess& host, const std::string& service, const std::string& path,
                                  const std::string& extra = "", const std::string& method = "GET",
                                  const std::map<std::string, std::string>& headers = {})
{
    HttpResult answer = host.request(method, "/probe/call?service=" + encode(service) + "&path=" + encode(path) + "&method=" + method + extra,
                                     method == "POST" ? "posted" : "", headers);
    REQUIRE(answer.status == 200);
    return answer.json();
}

int resultOf(const Poco::JSON::Object::Ptr& answer)
{
    return answer->getValue<int>("result");
}

const char* const ProbeFile = "services-probe.so";

} // namespace

TEST_CASE("host services: a plugin calls a remote service through the directory: retries, faults, deadlines", "[services][client]")
{
    UpstreamFixture upstream;
    UpstreamFixture::Script flaky;
    flaky.behaviour = UpstreamFixture::Behaviour::FailFirst;
    flaky.failures = 2;
    flaky.failureStatus = 503;
    upstream.script("/flaky", flaky);
    UpstreamFixture::Script broken = flaky;
    broken.failures = 100;
    upstream.script("/broken", broken);
    UpstreamFixture::Script postOnce = flaky;
    postOnce.failures = 1;
    upstream.script("/post-once", postOnce);
    UpstreamFixture::Script echo;
    echo.behaviour = UpstreamFixture::Behaviour::Echo;
    upstream.script("/echo", echo);
    UpstreamFixture::Script hold;
    hold.behaviour = UpstreamFixture::Behaviour::Hold;
    upstream.script("/slow", hold);
    UpstreamFixture::Script cut;
    cut.behaviour = UpstreamFixture::Behaviour::CloseMidResponse;
    upstream.script("/cut", cut);

    TerrariumProcess::Options options;
    options.plugins = {{fixturePath(ProbeFile), ProbeFile}};
    options.configJson = R"({"watch":{"enabled":false},
        "client":{"backoff_initial_ms":5,"backoff_max_ms":20,"breaker":{"failures":1000}},
        "services":{"upstream":")" + upstream.baseUrl() + R"(","nowhere":"http://127.0.0.1:)"
                         + std::to_string(UpstreamFixture::closedPort()) + R"("}})";
    TerrariumProcess host(options);

    SECTION("5xx answers to a GET are retried until one succeeds")
    {
        Poco::JSON::Object::Ptr answer = probeCall(host, "upstream", "/flaky");
        CHECK(resultOf(answer) == 0);
        CHECK(answer->getValue<int>("status") == 200);
        CHECK(answer->getValue<int>("attempts") == 3);
        CHECK_FALSE(answer->getValue<bool>("in_process"));
        CHECK(upstream.requests("/flaky") == 3);
    }
    SECTION("retries give up after the configured tries and return the last answer")
    {
        Poco::JSON::Object::Ptr answer = probeCall(host, "upstream", "/broken");
        CHECK(resultOf(answer) == 0);
        CHECK(answer->getValue<int>("status") == 503);
        CHECK(answer->getValue<int>("attempts") == 3);
        CHECK(upstream.requests("/broken") == 3);
        Poco::JSON::Object::Ptr once = probeCall(host, "upstream", "/broken", "&attempts=1");
        CHECK(once->getValue<int>("attempts") == 1);
        CHECK(upstream.requests("/broken") == 4);
    }
    SECTION("a POST that reached the server is never sent twice")
    {
        Poco::JSON::Object::Ptr answer = probeCall(host, "upstream", "/post-once", "", "POST");
        CHECK(resultOf(answer) == 0);
        CHECK(answer->getValue<int>("status") == 503);
        CHECK(answer->getValue<int>("attempts") == 1);
        CHECK(upstream.requests("/post-once") == 1);
    }
    SECTION("the request's id and the plugin's headers reach the upstream; keep-alive connections are reused")
    {
        Poco::JSON::Object::Ptr first = probeCall(host, "upstream", "/echo", "", "GET", {{"X-Request-Id", "trace-me-42"}});
        REQUIRE(resultOf(first) == 0);
        Poco::JSON::Object::Ptr echoed = Poco::JSON::Parser().parse(first->getValue<std::string>("body")).extract<Poco::JSON::Object::Ptr>();
        Poco::JSON::Object::Ptr headers = echoed->getObject("headers");
        REQUIRE(headers);
        CHECK(headers->getValue<std::string>("x-request-id") == "trace-me-42");
        CHECK(headers->getValue<std::string>("x-probe") == "from-probe");
        unsigned connections = upstream.connectionsAccepted();
        for (int i = 0; i < 5; ++i) REQUIRE(resultOf(probeCall(host, "upstream", "/echo")) == 0);
        CHECK(upstream.connectionsAccepted() == connections);
    }
    SECTION("an upstream that refuses connections is unavailable; one slower than the deadline times out")
    {
        Poco::JSON::Object::Ptr refused = probeCall(host, "nowhere", "/x");
        CHECK(resultOf(refused) == -8);   // TRM_ERR_UNAVAILABLE
        CHECK(contains(refused->getValue<std::string>("message"), "nowhere"));

        Poco::JSON::Object::Ptr slow = probeCall(host, "upstream", "/slow", "&timeout_ms=300");
        CHECK(resultOf(slow) == -7);      // TRM_ERR_TIMEOUT
        upstream.release();

        Poco::JSON::Object::Ptr cutShort = probeCall(host, "upstream", "/cut");
        CHECK(resultOf(cutShort) == -8);
        CHECK(upstream.requests("/cut") == 3);   // a GET cut mid-response is tried again
    }
    SECTION("an unknown service is not found; a plugin of this host is called in-process")
    {
        CHECK(resultOf(probeCall(host, "no-such-service", "/")) == -3);   // TRM_ERR_NOT_FOUND

        unsigned before = upstream.requests();
        Poco::JSON::Object::Ptr local = probeCall(host, "services-probe", "/echo?x=1", "", "GET", {{"X-Request-Id", "nested-7"}});
        REQUIRE(resultOf(local) == 0);
        CHECK(local->getValue<bool>("in_process"));
        CHECK(local->getValue<bool>("served_by_probe"));
        Poco::JSON::Object::Ptr inner = Poco::JSON::Parser().parse(local->getValue<std::string>("body")).extract<Poco::JSON::Object::Ptr>();
        CHECK(inner->getValue<std::string>("path") == "/echo");
        CHECK(inner->getValue<std::string>("query") == "x=1");
        CHECK(inner->getValue<std::string>("request_id") == "nested-7");
        CHECK(inner->getValue<std::string>("header_x_request_id") == "nested-7");   // as a network call carries it
        CHECK(inner->getValue<std::string>("header_x_probe") == "from-probe");
        CHECK(upstream.requests() == before);
    }
    SECTION("an absolute URL is fetched without the directory")
    {
        HttpResult answer = host.get("/probe/fetch?url=" + encode(upstream.baseUrl() + "/flaky"));
        REQUIRE(answer.status == 200);
        CHECK(answer.json()->getValue<int>("status") == 200);
    }
    SECTION("pool, retry and breaker figures are on /metrics")
    {
        REQUIRE(resultOf(probeCall(host, "upstream", "/flaky")) == 0);
        std::string page = host.admin("GET", "/metrics", "", false).body;
        INFO(page);
        std::string origin = "{origin=\"" + upstream.baseUrl() + "\"}";
        CHECK(metricSample(page, "terrarium_client_calls_total" + origin) >= 1);
        CHECK(metricSample(page, "terrarium_client_retries_total" + origin) >= 2);
        CHECK(metricSample(page, "terrarium_client_server_errors_total" + origin) >= 2);
        CHECK(contains(page, "terrarium_client_connections{origin=\"" + upstream.baseUrl() + "\",state=\"idle\"}"));
        CHECK(metricSample(page, "terrarium_client_breaker_state{origin=\"" + upstream.baseUrl() + "\",state=\"closed\"}") == 1);
    }
}

TEST_CASE("host services: moving a service is a directory change through the admin API", "[services][directory][admin]")
{
    UpstreamFixture first;
    first.answer("/where", 200, "first");
    UpstreamFixture second;
    second.answer("/where", 200, "second");

    TerrariumProcess::Options options;
    options.plugins = {{fixturePath(ProbeFile), ProbeFile}};
    options.configJson = R"({"watch":{"enabled":false},"services":{"file-storage":")" + first.baseUrl() + R"("}})";
    TerrariumProcess host(options);

    CHECK(probeCall(host, "file-storage", "/where")->getValue<std::string>("body") == "first");
    HttpResult listed = host.admin("GET", "/admin/services");
    REQUIRE(listed.status == 200);
    CHECK(listed.json()->getObject("services")->getObject("file-storage")->getValue<std::string>("url") == first.baseUrl());

    REQUIRE(host.admin("POST", "/admin/services/file-storage", R"({"url":")" + second.baseUrl() + R"("})").status == 200);
    CHECK(probeCall(host, "file-storage", "/where")->getValue<std::string>("body") == "second");

    HttpResult bad = host.admin("POST", "/admin/services/file-storage", R"({"url":"ftp://x"})");
    CHECK(bad.status == 400);
    CHECK(bad.json()->getValue<std::string>("error") == "invalid_url");
    CHECK(host.admin("POST", "/admin/services/file-storage", R"({"url":42})").status == 400);
    CHECK(host.admin("POST", "/admin/services/file-storage", "{not json").status == 400);
    CHECK(probeCall(host, "file-storage", "/where")->getValue<std::string>("body") == "second");

    REQUIRE(host.admin("DELETE", "/admin/services/file-storage").status == 200);
    CHECK(resultOf(probeCall(host, "file-storage", "/where")) == -3);
    CHECK(host.admin("GET", "/admin/services", "", false).status == 401);
}

TEST_CASE("host services: the Edge-Terrarium environment names fill the directory", "[services][directory]")
{
    UpstreamFixture storage;
    storage.answer("/files", 200, "from storage");
    LogthonFixture logthon;

    TerrariumProcess::Options options;
    options.plugins = {{fixturePath(ProbeFile), ProbeFile}};
    options.configJson = R"({"watch":{"enabled":false}})";
    options.env = {{"FILE_STORAGE_URL", storage.baseUrl()}, {"LOGTHON_HOST", "127.0.0.1"}, {"LOGTHON_PORT", std::to_string(logthon.port())}};
    TerrariumProcess host(options);

    CHECK(probeCall(host, "file-storage", "/files")->getValue<std::string>("body") == "from storage");
    Poco::JSON::Object::Ptr health = probeCall(host, "logthon", "/health");
    CHECK(health->getValue<int>("status") == 200);
}

TEST_CASE("host services: plugin records reach logthon with service, level and request id, levels change at run time", "[services][logging]")
{
    LogthonFixture logthon;
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath(ProbeFile), ProbeFile}};
    options.configJson = R"({"watch":{"enabled":false},"services":{"logthon":")" + logthon.baseUrl()
                         + R"("},"log":{"logthon":{"flush_interval_ms":20}}})";
    options.env = {{"SERVICE_NAME", "edge-host-1"}};
    TerrariumProcess host(options);

    HttpResult logged = host.request("POST", "/probe/log?level=2", "hello \"logthon\"", {{"X-Request-Id", "rid-log-1"}});
    REQUIRE(logged.status == 200);
    CHECK(logged.header("X-Request-Id") == "rid-log-1");
    auto probeRecords = [&] {
        std::vector<Poco::JSON::Object::Ptr> found;
        for (const auto& record : logthon.records())
            if (record->getValue<std::string>("service") == "services-probe") found.push_back(record);
        return found;
    };
    REQUIRE(waitUntil([&] { return !probeRecords().empty(); }));
    Poco::JSON::Object::Ptr record = probeRecords().front();
    CHECK(record->getValue<std::string>("level") == "INFO");
    CHECK(record->getValue<std::string>("message") == "hello \"logthon\"");
    CHECK(record->getValue<std::string>("request_id") == "rid-log-1");
    Poco::JSON::Object::Ptr metadata = record->getObject("metadata");
    REQUIRE(metadata);
    CHECK(metadata->getValue<std::string>("request_id") == "rid-log-1");
    CHECK(metadata->getValue<std::string>("probe") == "yes");
    CHECK(metadata->getValue<std::string>("service_name") == "edge-host-1");
    CHECK(metadata->has("timestamp"));

    // The host's own records are shipped too, as service "host".
    bool hostRecords = false;
    for (const auto& r : logthon.records()) hostRecords = hostRecords || r->getValue<std::string>("service") == "host";
    CHECK(hostRecords);

    // Debug is off by default; the admin API turns it on for this plugin only, and back.
    HttpResult debugOff = host.request("POST", "/probe/log?level=1", "not kept");
    CHECK(debugOff.json()->getValue<bool>("enabled") == false);
    HttpResult set = host.admin("POST", "/admin/log-levels", R"({"service":"services-probe","level":"debug"})");
    REQUIRE(set.status == 200);
    CHECK(set.json()->getObject("services")->getValue<std::string>("services-probe") == "debug");
    HttpResult debugOn = host.request("POST", "/probe/log?level=1", "kept at debug");
    CHECK(debugOn.json()->getValue<bool>("enabled") == true);
    REQUIRE(waitUntil([&] {
        for (const auto& r : probeRecords())
            if (r->getValue<std::string>("message") == "kept at debug") return true;
        return false;
    }));
    for (const auto& r : probeRecords()) CHECK(r->getValue<std::string>("message") != "not kept");
    REQUIRE(host.admin("POST", "/admin/log-levels", R"({"service":"services-probe","level":null})").status == 200);
    CHECK(host.request("POST", "/probe/log?level=1", "x").json()->getValue<bool>("enabled") == false);
    CHECK(host.admin("POST", "/admin/log-levels", R"({"service":"services-probe","level":"loud"})").status == 400);
    CHECK(host.admin("POST", "/admin/log-levels", R"({"level":"debug"})").status == 400);
    HttpResult levels = host.admin("GET", "/admin/log-levels");
    REQUIRE(levels.status == 200);
    CHECK(levels.json()->getValue<std::string>("default") == "info");
}

TEST_CASE("host services: logthon down for a while: records wait and are shipped when it is back, requests never wait", "[services][logging]")
{
    LogthonFixture logthon;
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath(ProbeFile), ProbeFile}};
    options.configJson = R"({"watch":{"enabled":false},"services":{"logthon":")" + logthon.baseUrl()
                         + R"("},"log":{"logthon":{"flush_interval_ms":20}}})";
    TerrariumProcess host(options);
    REQUIRE(waitUntil([&] { return logthon.count() > 0; }));

    logthon.setDown(true);
    for (int i = 0; i < 5; ++i) REQUIRE(host.request("POST", "/probe/log?level=3", "while down " + std::to_string(i)).status == 200);
    REQUIRE(waitUntil([&] { return metricSample(host.admin("GET", "/metrics", "", false).body, "terrarium_log_sink_failures_total{sink=\"logthon\"}") >= 1; }));
    CHECK(host.get("/health").status == 200);

    logthon.setDown(false);
    REQUIRE(waitUntil([&] {
        int seen = 0;
        for (const auto& r : logthon.records())
            if (contains(r->getValue<std::string>("message"), "while down ")) ++seen;
        return seen == 5;
    }));
    // In the order they were logged.
    std::vector<std::string> order;
    for (const auto& r : logthon.records())
        if (contains(r->getValue<std::string>("message"), "while down ")) order.push_back(r->getValue<std::string>("message"));
    CHECK(order == std::vector<std::string>{"while down 0", "while down 1", "while down 2", "while down 3", "while down 4"});
}

TEST_CASE("host services: a slow logthon with a full queue drops and counts records, and never blocks a request", "[services][logging]")
{
    LogthonFixture logthon;
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath(ProbeFile), ProbeFile}};
    options.configJson = R"({"watch":{"enabled":false},"services":{"logthon":")" + logthon.baseUrl()
                         + R"("},"log":{"logthon":{"flush_interval_ms":20,"queue_capacity":8,"batch_size":1}}})";
    TerrariumProcess host(options);

    logthon.setSlow(true);
    REQUIRE(host.request("POST", "/probe/log?level=3", "first").status == 200);
    REQUIRE(logthon.waitForHeld(1));
    // The shipping thread now waits on logthon; every request still answers at once.
    for (int i = 0; i < 40; ++i) REQUIRE(host.request("POST", "/probe/log?level=3", "flood " + std::to_string(i)).status == 200);
    REQUIRE(waitUntil([&] { return metricSample(host.admin("GET", "/metrics", "", false).body, "terrarium_log_dropped_total{sink=\"logthon\"}") > 0; }));
    std::string page = host.admin("GET", "/metrics", "", false).body;
    INFO(page);
    CHECK(metricSample(page, "terrarium_log_queue_depth{queue=\"logthon\"}") <= 8);
    logthon.setSlow(false);
    REQUIRE(waitUntil([&] { return metricSample(host.admin("GET", "/metrics", "", false).body, "terrarium_log_queue_depth{queue=\"logthon\"}") == 0; }));
    CHECK(host.get("/health").status == 200);
}

TEST_CASE("host services: an HTTPS upstream is verified against the configured CA bundle", "[services][client][tls]")
{
    TestCertificate certificate;
    UpstreamFixture secure(&certificate);
    secure.answer("/hello", 200, "over tls");

    SECTION("trusted through client.ca_file")
    {
        TerrariumProcess::Options options;
        options.plugins = {{fixturePath(ProbeFile), ProbeFile}};
        options.configJson = R"({"watch":{"enabled":false},"client":{"ca_file":")" + certificate.certFile() + R"("},
            "services":{"secure":")" + secure.baseUrl() + R"("}})";
        TerrariumProcess host(options);
        Poco::JSON::Object::Ptr answer = probeCall(host, "secure", "/hello");
        REQUIRE(resultOf(answer) == 0);
        CHECK(answer->getValue<std::string>("body") == "over tls");
    }
    SECTION("refused without it: servers are verified by default")
    {
        TerrariumProcess::Options options;
        options.plugins = {{fixturePath(ProbeFile), ProbeFile}};
        options.configJson = R"({"watch":{"enabled":false},"services":{"secure":")" + secure.baseUrl() + R"("}})";
        TerrariumProcess host(options);
        Poco::JSON::Object::Ptr answer = probeCall(host, "secure", "/hello");
        CHECK(resultOf(answer) == -8);
        CHECK(secure.requests("/hello") == 0);
    }
}

TEST_CASE("host services: with logthon a plugin of this host, records are shipped in-process and never loop", "[services][logging]")
{
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath(ProbeFile), ProbeFile}, {fixturePath("logthon-standin.so"), "logthon-standin.so"}};
    options.configJson = R"({"watch":{"enabled":false},"log":{"logthon":{"flush_interval_ms":20}}})";
    TerrariumProcess host(options);

    REQUIRE(host.request("POST", "/probe/log?level=3", "to the plugin", {{"X-Request-Id", "in-proc-1"}}).status == 200);
    auto records = [&] { return host.get("/logthon-standin/records").json()->getArray("records"); };
    REQUIRE(waitUntil([&] {
        Poco::JSON::Array::Ptr list = records();
        for (std::size_t i = 0; i < list->size(); ++i)
            if (list->getObject(static_cast<unsigned>(i))->getValue<std::string>("message") == "to the plugin") return true;
        return false;
    }));
    // The stand-in logs every record it receives; those records are made while shipping and are
    // suppressed, so they never come back to it.
    Poco::JSON::Array::Ptr list = records();
    for (std::size_t i = 0; i < list->size(); ++i)
        CHECK(list->getObject(static_cast<unsigned>(i))->getValue<std::string>("message") != "stand-in received a record");
    std::string page = host.admin("GET", "/metrics", "", false).body;
    CHECK(metricSample(page, "terrarium_log_suppressed_total") >= 1);
    CHECK(page.find("\nterrarium_client_calls_total{") == std::string::npos);   // no socket was used: no origin at all
}

TEST_CASE("host services: a plugin's own thread calls services through the host", "[services][client]")
{
    UpstreamFixture upstream;
    upstream.answer("/from-thread", 200, "thread ok");
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath(ProbeFile), ProbeFile}};
    options.configJson = R"({"watch":{"enabled":false},"services":{"upstream":")" + upstream.baseUrl() + R"("}})";
    TerrariumProcess host(options);

    HttpResult remote = host.get("/probe/thread-call?service=upstream&path=/from-thread");
    REQUIRE(remote.status == 200);
    CHECK(remote.json()->getValue<int>("result") == 0);
    CHECK(remote.json()->getValue<std::string>("body") == "thread ok");
    HttpResult local = host.get("/probe/thread-call?service=services-probe&path=/echo");
    REQUIRE(local.status == 200);
    CHECK(local.json()->getValue<bool>("in_process"));
}
