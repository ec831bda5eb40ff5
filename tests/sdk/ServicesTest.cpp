// The ABI 1.1 part of plugin.hpp (Host::call/fetch, secrets, logEnabled, metrics, requestId)
// driven through FakeHost with the "services" test plugin (ServicesPlugin.cpp), on a 1.1 host and
// on an emulated 1.0 host.
#include <terrarium/testing/fake_host.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using terrarium::testing::FakeHost;
using terrarium::testing::FakeResponse;
using terrarium::testing::FakeServiceCall;
using terrarium::testing::FakeServiceReply;
using terrarium::testing::Headers;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// A reply that echoes the call: status 201, body "got:<body>", X-Reply naming method and path.
FakeServiceReply echo(const FakeServiceCall& call)
{
    FakeServiceReply reply;
    reply.status = 201;
    reply.body = "got:" + call.body;
    reply.headers = {{"Content-Type", "text/plain"}, {"X-Reply", call.method + " " + call.path}, {"x-reply", "second"}};
    reply.attempts = 2;
    return reply;
}

FakeServiceReply failWith(trm_status status)
{
    FakeServiceReply reply;
    reply.result = status;
    return reply;
}

} // namespace

TEST_CASE("call(): method, path, headers, body and options reach the host, the response comes back", "[sdk][services]")
{
    FakeHost host(&terrarium_plugin_entry);
    host.onServiceCall(&echo);
    host.start();

    host.setRequestId("call-rid");
    FakeResponse r = host.call("POST", "/svc/call", "hello body");
    CHECK(r.status == 201);
    CHECK(r.body == "got:hello body");
    CHECK(r.header("X-Reply") == std::string("POST /files?x=1"));   // first match, case-insensitive
    CHECK(r.header("X-Attempts") == std::string("2"));
    CHECK(r.header("X-In-Process") == std::string("no"));
    CHECK(r.header("X-Header-Names") == std::string("Content-Type;X-Reply;x-reply;"));

    auto calls = host.serviceCalls();
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].service == "file-storage");
    CHECK(calls[0].method == "POST");
    CHECK(calls[0].path == "/files?x=1");
    CHECK(calls[0].body == "hello body");
    CHECK(calls[0].headers == Headers{{"X-One", "1"}, {"X-Two", "2"}});
    CHECK(calls[0].timeoutMs == 1500);
    CHECK(calls[0].maxAttempts == 2);
    CHECK(calls[0].requestId == "call-rid");   // what the host sends as X-Request-Id
    CHECK(host.liveServiceResponses() == 0);
}

TEST_CASE("call(): more headers than the inline array, fetch() of an absolute URL, in-process flag", "[sdk][services]")
{
    FakeHost host(&terrarium_plugin_entry);
    host.onServiceCall([](const FakeServiceCall& call) {
        FakeServiceReply reply = echo(call);
        reply.inProcess = call.service == "file-storage";
        reply.attempts = 1;
        return reply;
    });
    host.start();

    FakeResponse many = host.call("GET", "/svc/call-many");
    CHECK(many.header("X-In-Process") == std::string("yes"));
    CHECK(many.header("X-Attempts") == std::string("1"));
    FakeResponse fetched = host.call("GET", "/svc/fetch?url=https://example.test/a?b=1");
    CHECK(fetched.status == 201);
    CHECK(fetched.header("X-Reply") == std::string("GET https://example.test/a?b=1"));
    CHECK(fetched.header("X-In-Process") == std::string("no"));

    auto calls = host.serviceCalls();
    REQUIRE(calls.size() == 2);
    CHECK(calls[0].method == "PUT");
    CHECK(calls[0].body == "payload");
    REQUIRE(calls[0].headers.size() == 20);
    CHECK(calls[0].headers[0] == std::make_pair(std::string("X-H0"), std::string("0")));
    CHECK(calls[0].headers[19] == std::make_pair(std::string("X-H19"), std::string("361")));
    CHECK(calls[0].timeoutMs == 0);   // host defaults
    CHECK(calls[0].maxAttempts == 0);
    CHECK(calls[1].service.empty());
    CHECK(calls[1].path == "https://example.test/a?b=1");
    CHECK(host.liveServiceResponses() == 0);
}

TEST_CASE("call(): a failed call throws Error naming the call and the status", "[sdk][services]")
{
    FakeHost host(&terrarium_plugin_entry);
    host.start();   // no handler: every service is unknown (TRM_ERR_NOT_FOUND)

    FakeResponse r = host.call("GET", "/svc/call-caught?service=nowhere&path=/missing");
    CHECK(r.status == 200);
    CHECK(contains(r.body, "\"result\":" + std::to_string(TRM_ERR_NOT_FOUND)));
    CHECK(contains(r.body, "nowhere"));
    CHECK(contains(r.body, "GET /missing"));
    CHECK(contains(r.body, "TRM_ERR_NOT_FOUND"));

    // A path that is not a path is refused by the host before the handler sees it.
    r = host.call("GET", "/svc/call-caught?service=file-storage&path=files");
    CHECK(contains(r.body, "\"result\":" + std::to_string(TRM_ERR_INVALID)));
    // fetch() without an absolute URL likewise.
    r = host.call("GET", "/svc/fetch?url=/relative");
    CHECK(r.status == 500);
    CHECK(host.serviceCalls().size() == 1);
    CHECK(host.logged("fetch GET /relative failed: TRM_ERR_INVALID"));
}

TEST_CASE("call(): an Error left to escape handle() answers like the host maps its status", "[sdk][services]")
{
    struct Case {
        trm_status result;
        int status;
    };
    for (Case c : {Case{TRM_ERR_NOT_FOUND, 404}, Case{TRM_ERR_TIMEOUT, 504}, Case{TRM_ERR_UNAVAILABLE, 503}, Case{TRM_ERR_TOO_LARGE, 413},
                   Case{TRM_ERR_INTERNAL, 500}}) {
        INFO("http_call fails with " << terrarium::testing::statusName(c.result));
        FakeHost host(&terrarium_plugin_entry);
        host.onServiceCall([c](const FakeServiceCall&) { return failWith(c.result); });
        host.start();
        FakeResponse r = host.call("GET", "/svc/call-unchecked");
        CHECK(r.result == c.result);
        CHECK(r.status == c.status);
        CHECK(host.logged(std::string("call to service \"file-storage\" GET /files failed: ") + terrarium::testing::statusName(c.result)));
        CHECK(host.liveServiceResponses() == 0);
    }
}

TEST_CASE("call(): the response is released, also when the plugin throws after the call", "[sdk][services]")
{
    FakeHost host(&terrarium_plugin_entry);
    host.onServiceCall(&echo);
    host.start();
    FakeResponse r = host.call("GET", "/svc/call-then-throw");
    CHECK(r.status == 500);
    CHECK(host.logged("failed after a call that answered 201"));
    CHECK(host.serviceCalls().size() == 1);
    CHECK(host.liveServiceResponses() == 0);

    host.call("GET", "/svc/call-unchecked");   // the response is dropped at once
    CHECK(host.liveServiceResponses() == 0);
}

TEST_CASE("call(): concurrent calls from many threads release every response", "[sdk][services]")
{
    FakeHost host(&terrarium_plugin_entry);
    host.onServiceCall(&echo);
    host.start();
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&host, &ok] {
            for (int i = 0; i < 50; ++i)
                if (host.call("POST", "/svc/call", "x").status == 201) ++ok;
        });
    for (auto& t : threads) t.join();
    CHECK(ok.load() == 200);
    CHECK(host.serviceCalls().size() == 200);
    CHECK(host.liveServiceResponses() == 0);
}

TEST_CASE("secret() and findSecret(): found, absent, refused, and values beyond 256 bytes", "[sdk][services][secrets]")
{
    FakeHost host(&terrarium_plugin_entry);
    const std::string large(1000, 'k');
    const std::string exact(256, 'e');
    const std::string almost(255, 'a');
    host.setSecret("custom-client/config", "api_key", "mock-api-key-12345");
    host.setSecret("custom-client/config", "empty", "");
    host.setSecret("custom-client/config", "large", large);
    host.setSecret("custom-client/config", "exact", exact);
    host.setSecret("custom-client/config", "almost", almost);
    host.setSecret("locked", "key", "never-shown");
    host.setSecretError("locked", TRM_ERR_FORBIDDEN);
    host.setSecretError("down", TRM_ERR_UNAVAILABLE);
    host.start();

    CHECK(host.call("GET", "/svc/secret?path=custom-client/config&key=api_key").body == "mock-api-key-12345");
    CHECK(host.call("GET", "/svc/find-secret?path=custom-client/config&key=api_key").body == "mock-api-key-12345");
    FakeResponse empty = host.call("GET", "/svc/find-secret?path=custom-client/config&key=empty");
    CHECK(empty.status == 200);
    CHECK(empty.body.empty());
    CHECK(host.call("GET", "/svc/secret?path=custom-client/config&key=large").body == large);   // the TOO_LARGE retry
    CHECK(host.call("GET", "/svc/find-secret?path=custom-client/config&key=large").body == large);
    CHECK(host.call("GET", "/svc/secret?path=custom-client/config&key=exact").body == exact);
    CHECK(host.call("GET", "/svc/secret?path=custom-client/config&key=almost").body == almost);

    CHECK(host.call("GET", "/svc/find-secret?path=custom-client/config&key=missing").status == 204);
    CHECK(host.call("GET", "/svc/find-secret?path=no/such/path&key=api_key").status == 204);

    FakeResponse missing = host.call("GET", "/svc/secret-caught?path=custom-client/config&key=missing");
    CHECK(contains(missing.body, "\"result\":" + std::to_string(TRM_ERR_NOT_FOUND)));
    CHECK(contains(missing.body, "custom-client/config"));
    CHECK(contains(missing.body, "missing"));

    FakeResponse forbidden = host.call("GET", "/svc/secret-caught?path=locked&key=key");
    CHECK(contains(forbidden.body, "\"result\":" + std::to_string(TRM_ERR_FORBIDDEN)));
    CHECK_FALSE(contains(forbidden.body, "never-shown"));
    CHECK(contains(host.call("GET", "/svc/secret-caught?path=down&key=key").body, "\"result\":" + std::to_string(TRM_ERR_UNAVAILABLE)));
    // findSecret() throws for anything but an absent secret.
    CHECK(host.call("GET", "/svc/find-secret?path=locked&key=key").status == 403);
    CHECK(host.call("GET", "/svc/find-secret?path=down&key=key").status == 503);
    CHECK(host.call("GET", "/svc/secret?path=custom-client/config&key=missing").status == 404);
    CHECK_FALSE(host.logged("never-shown"));

    host.setSecretError("locked", TRM_OK);
    CHECK(host.call("GET", "/svc/secret?path=locked&key=key").body == "never-shown");
}

TEST_CASE("logEnabled() follows the host's level, records below it are not kept", "[sdk][services][log]")
{
    FakeHost host(&terrarium_plugin_entry);
    host.start();
    CHECK(host.call("GET", "/svc/log").body == "11111");
    CHECK(host.logs().size() == 5);

    host.clearLogs();
    host.setLogLevel(TRM_LOG_WARN);
    CHECK(host.call("GET", "/svc/log").body == "00011");
    auto logs = host.logs();
    REQUIRE(logs.size() == 2);
    CHECK(logs[0].level == TRM_LOG_WARN);
    CHECK(logs[1].level == TRM_LOG_ERROR);

    // Above ERROR nothing is enabled or kept.
    host.clearLogs();
    host.setLogLevel(TRM_LOG_ERROR + 1);
    CHECK(host.call("GET", "/svc/log").body == "00000");
    CHECK(host.logs().empty());
}

TEST_CASE("observe() and gauge() record histograms and gauges", "[sdk][services][metrics]")
{
    FakeHost host(&terrarium_plugin_entry);
    host.start();
    CHECK(host.call("GET", "/svc/metrics").status == 204);
    CHECK(host.observations("latency_seconds") == std::vector<double>{0.25, 0.5});
    CHECK(host.observations("never").empty());
    auto gauges = host.gauges();
    CHECK(gauges.size() == 1);   // "bad-name" was refused
    CHECK(gauges["queue_depth"] == 7);
    host.call("GET", "/svc/metrics");
    CHECK(host.observations("latency_seconds").size() == 4);
    CHECK(host.gauges()["queue_depth"] == 7);
}

TEST_CASE("requestId() is the host's request id", "[sdk][services]")
{
    FakeHost host(&terrarium_plugin_entry);
    host.start();
    CHECK(host.call("GET", "/svc/id").body == "fake-request-1");
    CHECK(host.call("GET", "/svc/id").body == "fake-request-2");
    host.setRequestId("req-abc-123");
    CHECK(host.call("GET", "/svc/id").body == "req-abc-123");
    CHECK(host.call("GET", "/svc/id").body == "req-abc-123");
    CHECK(host.call("GET", "/svc/services").body == "yes");
}

TEST_CASE("on a 1.0 host the plugin loads and every 1.1 service falls back", "[sdk][services][abi10]")
{
    FakeHost host(&terrarium_plugin_entry);
    host.onServiceCall(&echo);
    host.setSecret("custom-client/config", "api_key", "k");
    host.setLogLevel(TRM_LOG_ERROR);   // a 1.0 host filters records but cannot tell the plugin
    host.emulateAbi10();
    host.start();
    CHECK(host.descriptor()->abi_minor == 0);
    CHECK(host.api()->abi_minor == 0);
    CHECK(host.api()->struct_size == offsetof(trm_host_api, counter_add) + sizeof(host.api()->counter_add));

    CHECK(host.call("GET", "/svc/services").body == "no");
    FakeResponse call = host.call("GET", "/svc/call-caught");
    CHECK(contains(call.body, "\"result\":" + std::to_string(TRM_ERR_UNSUPPORTED)));
    CHECK(contains(call.body, "ABI 1.0 host"));
    CHECK(host.call("GET", "/svc/call-unchecked").status == 500);
    CHECK(contains(host.call("GET", "/svc/secret-caught?path=custom-client/config&key=api_key").body,
                   "\"result\":" + std::to_string(TRM_ERR_UNSUPPORTED)));
    CHECK(host.call("GET", "/svc/id").body.empty());
    host.setRequestId("not-visible");
    CHECK(host.call("GET", "/svc/id").body.empty());
    host.clearLogs();
    CHECK(host.call("GET", "/svc/log").body == "11111");   // logEnabled() is true for every level
    CHECK(host.logs().size() == 1);                         // the host kept the ERROR record only
    CHECK(host.call("GET", "/svc/metrics").status == 204);
    CHECK(host.gauges().empty());
    CHECK(host.observations("latency_seconds").empty());
    CHECK(host.serviceCalls().empty());
    CHECK(host.liveServiceResponses() == 0);
    CHECK_THROWS_AS(host.emulateAbi10(), std::logic_error);
}
