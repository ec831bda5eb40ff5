// FakeHost against hand-written C-style plugins defined in this file: the host table's validation,
// the status mapping, body ownership, configuration, routing, logs, counters and the lifecycle; the
// ABI 1.1 table (http_call, secret_get, log_enabled, histograms, gauges) and the 1.0 emulation;
// file answers (response_send_file, ABI 1.3) and the 1.2 emulation.
#include <terrarium/testing/fake_host.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

using terrarium::testing::FakeHost;
using terrarium::testing::FakeHostError;

namespace {

// ---- a probe plugin: handle() runs whatever the current test put into `probe` ----

struct Probe {
    const trm_host_api* api = nullptr;
    trm_host_ctx* ctx = nullptr;
    trm_response* lastResponse = nullptr;
    std::string lastPath, lastOriginalPath, lastQuery, lastPrefix, lastBody, lastTarget;
    trm_status (*onHandle)(trm_response*) = nullptr;
    int creates = 0;
    int destroys = 0;
    int snapshotFrees = 0;
    trm_status createResult = TRM_OK;
};
Probe probe;

std::string copy(trm_str s) { return s.len ? std::string(s.ptr, s.len) : std::string(); }
trm_str str(std::string_view s) { return trm_str{s.data(), s.size()}; }

trm_status probeCreate(const trm_host_api* api, trm_host_ctx* ctx, void** instance)
{
    probe.api = api;
    probe.ctx = ctx;
    ++probe.creates;
    *instance = &probe;
    return probe.createResult;
}
void probeDestroy(void*) { ++probe.destroys; }
trm_status probeHandle(void*, const trm_request* request, trm_response* response)
{
    probe.lastResponse = response;
    probe.lastPath = copy(request->path);
    probe.lastOriginalPath = copy(request->original_path);
    probe.lastQuery = copy(request->query);
    probe.lastPrefix = copy(request->route_prefix);
    probe.lastBody = copy(request->body);
    probe.lastTarget = TRM_HAS_FIELD(request, trm_request, target) ? copy(request->target) : std::string("<absent>");
    return probe.onHandle ? probe.onHandle(response) : TRM_OK;
}
void freeSnapshot(void*, void* data)
{
    ++probe.snapshotFrees;
    std::free(data);
}
trm_status probeSnapshot(void*, trm_buffer* out)
{
    char* data = static_cast<char*>(std::malloc(5));
    std::memcpy(data, "state", 5);
    *out = trm_buffer{data, 5, &freeSnapshot, nullptr};
    return TRM_OK;
}

const trm_route probeRoutes[] = {
    {sizeof(trm_route), TRM_ROUTE_STRIP_PREFIX, "/api", nullptr},
    {sizeof(trm_route), 0, "/api/v2", nullptr},
    {sizeof(trm_route), TRM_ROUTE_STRIP_PREFIX, "/files/", nullptr},
    {sizeof(trm_route), 0, "/", "Example.com"},
};

trm_plugin_descriptor probeDescriptor()
{
    trm_plugin_descriptor d{};
    d.struct_size = sizeof(trm_plugin_descriptor);
    d.abi_major = TERRARIUM_ABI_MAJOR;
    d.abi_minor = TERRARIUM_ABI_MINOR;
    d.name = "probe";
    d.version = "1.0.0";
    d.routes = probeRoutes;
    d.route_count = sizeof(probeRoutes) / sizeof(probeRoutes[0]);
    d.create = &probeCreate;
    d.destroy = &probeDestroy;
    d.handle = &probeHandle;
    d.snapshot = &probeSnapshot;
    return d;
}

trm_plugin_descriptor descriptor = probeDescriptor();
const trm_plugin_descriptor* probeEntry(const trm_host_api*) { return &descriptor; }

/// A fresh probe for each test.
FakeHost& reset(std::optional<FakeHost>& slot, std::string_view config = "{}")
{
    probe = Probe{};
    descriptor = probeDescriptor();
    slot.emplace(&probeEntry, config);
    return *slot;
}

// ---- adopted bodies ----
int adoptedFrees = 0;
void countFree(void* ctx, void* data)
{
    ++adoptedFrees;
    CHECK(ctx == data);   // the tests pass the data pointer as ctx
}
char bodyA[] = "adopted A";
char bodyB[] = "adopted B";

} // namespace

TEST_CASE("handle() results map to HTTP statuses like the host maps them", "[fakehost][status]")
{
    std::optional<FakeHost> slot;
    FakeHost& host = reset(slot);
    host.start();

    probe.onHandle = [](trm_response*) -> trm_status { return TRM_OK; };
    auto r = host.call("GET", "/api");
    CHECK(r.status == 200);
    CHECK(r.body.empty());

    probe.onHandle = [](trm_response* response) -> trm_status {
        probe.api->response_set_status(response, 201);
        probe.api->response_set_body(response, "made", 4);
        return TRM_OK;
    };
    r = host.call("POST", "/api");
    CHECK(r.status == 201);
    CHECK(r.body == "made");

    struct Case {
        trm_status result;
        int status;
    };
    // Mirrors host/plugin/StatusMapping.cpp and Generation::serve (TRM_AGAIN: 503 with Retry-After).
    for (Case c : {Case{TRM_ERR_BAD_REQUEST, 400}, Case{TRM_ERR_UNAVAILABLE, 503}, Case{TRM_ERR_INTERNAL, 500}, Case{TRM_ERR_NOT_FOUND, 404},
                   Case{TRM_ERR_FORBIDDEN, 403}, Case{TRM_ERR_TOO_LARGE, 413}, Case{TRM_ERR_TIMEOUT, 504}, Case{TRM_ERR_INVALID, 500},
                   Case{TRM_AGAIN, 503}, Case{777, 500}, Case{-777, 500}}) {
        static trm_status next;
        next = c.result;
        probe.onHandle = [](trm_response* response) -> trm_status {
            probe.api->response_set_status(response, 299);
            probe.api->response_set_body(response, "dropped", 7);
            return next;
        };
        r = host.call("GET", "/api");
        INFO("handle() returned " << c.result);
        CHECK(r.result == c.result);
        CHECK(r.status == c.status);
        CHECK(r.header("Content-Type") == std::string("application/json"));
        CHECK(r.body.find("dropped") == std::string::npos);
        CHECK(r.body.rfind("{\"error\":\"", 0) == 0);
        CHECK(r.body.find("\",\"message\":\"plugin 'probe' ") != std::string::npos);   // and nothing more: the host's body
        CHECK(r.header("Retry-After") == (c.result == TRM_AGAIN ? std::optional<std::string>("1") : std::nullopt));
    }
}

TEST_CASE("response_set_status accepts 100..599 only", "[fakehost][validation]")
{
    std::optional<FakeHost> slot;
    FakeHost& host = reset(slot);
    host.start();
    probe.onHandle = [](trm_response* response) -> trm_status {
        CHECK(probe.api->response_set_status(response, 99) == TRM_ERR_INVALID);
        CHECK(probe.api->response_set_status(response, 600) == TRM_ERR_INVALID);
        CHECK(probe.api->response_set_status(response, -200) == TRM_ERR_INVALID);
        CHECK(probe.api->response_set_status(response, 100) == TRM_OK);
        CHECK(probe.api->response_set_status(response, 599) == TRM_OK);
        CHECK(probe.api->response_set_status(response, 418) == TRM_OK);
        return TRM_OK;
    };
    CHECK(host.call("GET", "/api").status == 418);
}

TEST_CASE("response_add_header refuses empty names and CR/LF", "[fakehost][validation]")
{
    std::optional<FakeHost> slot;
    FakeHost& host = reset(slot);
    host.start();
    probe.onHandle = [](trm_response* response) -> trm_status {
        auto add = [response](std::string_view n, std::string_view v) { return probe.api->response_add_header(response, str(n), str(v)); };
        CHECK(add("", "x") == TRM_ERR_INVALID);
        CHECK(add("X-Bad\r", "x") == TRM_ERR_INVALID);
        CHECK(add("X-Bad\nName", "x") == TRM_ERR_INVALID);
        CHECK(add("X-Bad", "a\r\nInjected: yes") == TRM_ERR_INVALID);
        CHECK(add("X-Bad", "line\n") == TRM_ERR_INVALID);
        CHECK(probe.api->response_add_header(response, trm_str{nullptr, 3}, str("x")) == TRM_ERR_INVALID);
        CHECK(add("X-Good", "") == TRM_OK);
        CHECK(add("X-Good", "two") == TRM_OK);
        CHECK(probe.api->response_set_body(response, nullptr, 1) == TRM_ERR_INVALID);
        CHECK(probe.api->response_set_body(response, nullptr, 0) == TRM_OK);
        return TRM_OK;
    };
    auto r = host.call("GET", "/api");
    REQUIRE(r.headers.size() == 2);
    CHECK(r.headers[0] == std::make_pair(std::string("X-Good"), std::string()));
    CHECK(r.headers[1] == std::make_pair(std::string("X-Good"), std::string("two")));
    CHECK(r.header("x-good") == std::string(""));
}

TEST_CASE("adopted bodies are freed exactly once, also on replacement and failure", "[fakehost][ownership]")
{
    std::optional<FakeHost> slot;
    FakeHost& host = reset(slot);
    host.start();
    adoptedFrees = 0;

    SECTION("served")
    {
        probe.onHandle = [](trm_response* response) -> trm_status {
            CHECK(probe.api->response_adopt_body(response, bodyA, 9, &countFree, bodyA) == TRM_OK);
            CHECK(adoptedFrees == 0);
            return TRM_OK;
        };
        CHECK(host.call("GET", "/api").body == "adopted A");
        CHECK(adoptedFrees == 1);
    }
    SECTION("replaced by another adopted body, then by a copied one")
    {
        probe.onHandle = [](trm_response* response) -> trm_status {
            CHECK(probe.api->response_adopt_body(response, bodyA, 9, &countFree, bodyA) == TRM_OK);
            CHECK(probe.api->response_adopt_body(response, bodyB, 9, &countFree, bodyB) == TRM_OK);
            CHECK(adoptedFrees == 1);
            CHECK(probe.api->response_set_body(response, "copied", 6) == TRM_OK);
            CHECK(adoptedFrees == 2);
            return TRM_OK;
        };
        CHECK(host.call("GET", "/api").body == "copied");
        CHECK(adoptedFrees == 2);
    }
    SECTION("handle() fails")
    {
        probe.onHandle = [](trm_response* response) -> trm_status {
            probe.api->response_adopt_body(response, bodyA, 9, &countFree, bodyA);
            return TRM_ERR_INTERNAL;
        };
        CHECK(host.call("GET", "/api").status == 500);
        CHECK(adoptedFrees == 1);
    }
    SECTION("invalid arguments: freed at once")
    {
        probe.onHandle = [](trm_response* response) -> trm_status {
            CHECK(probe.api->response_adopt_body(response, nullptr, 4, &countFree, nullptr) == TRM_ERR_INVALID);
            CHECK(adoptedFrees == 1);
            CHECK(probe.api->response_adopt_body(response, bodyA, 9, nullptr, nullptr) == TRM_OK);   // static data
            return TRM_OK;
        };
        CHECK(host.call("GET", "/api").body == "adopted A");
        CHECK(adoptedFrees == 1);
    }
    SECTION("a response used after handle() returned is refused")
    {
        host.call("GET", "/api");
        trm_response* stale = probe.lastResponse;
        CHECK(probe.api->response_set_status(stale, 200) == TRM_ERR_INVALID);
        CHECK(probe.api->response_add_header(stale, str("X"), str("y")) == TRM_ERR_INVALID);
        CHECK(probe.api->response_set_body(stale, "x", 1) == TRM_ERR_INVALID);
        CHECK(probe.api->response_adopt_body(stale, bodyA, 9, &countFree, bodyA) == TRM_ERR_INVALID);
        CHECK(adoptedFrees == 1);
    }
    CHECK(host.adoptedBodies() == host.freedBodies());
}

TEST_CASE("config_get: dotted keys into JSON, scalars as text, containers as JSON", "[fakehost][config]")
{
    std::optional<FakeHost> slot;
    const char* json = R"( {"name": "x\ty", "a": {"n": -1.5e3, "t": true, "f": false, "nul": null,
                           "arr": [1, "two", {"c": 3}], "empty": {}}, "u": "\u00e9\ud83d\ude00"} )";
    FakeHost& host = reset(slot, json);
    host.start();
    auto get = [](std::string_view key) -> std::optional<std::string> {
        trm_str out{nullptr, 0};
        trm_status s = probe.api->config_get(probe.ctx, str(key), &out);
        if (s == TRM_ERR_NOT_FOUND) return std::nullopt;
        REQUIRE(s == TRM_OK);
        REQUIRE(out.ptr != nullptr);
        CHECK(out.ptr[out.len] == '\0');   // NUL-terminated
        return std::string(out.ptr, out.len);
    };
    CHECK(get("name") == std::string("x\ty"));
    CHECK(get("a.n") == std::string("-1.5e3"));
    CHECK(get("a.t") == std::string("true"));
    CHECK(get("a.f") == std::string("false"));
    CHECK(get("a.nul") == std::nullopt);
    CHECK(get("a.arr") == std::string(R"([1, "two", {"c": 3}])"));
    CHECK(get("a.arr.1") == std::string("two"));
    CHECK(get("a.arr.2.c") == std::string("3"));
    CHECK(get("a.empty") == std::string("{}"));
    CHECK(get("u") == std::string("\xc3\xa9\xf0\x9f\x98\x80"));
    CHECK(get("") == std::string(json).substr(1, std::string(json).size() - 2));
    CHECK(get("missing") == std::nullopt);
    CHECK(get("a.missing") == std::nullopt);
    trm_str out{nullptr, 0};
    CHECK(probe.api->config_get(probe.ctx, str("name"), nullptr) == TRM_ERR_INVALID);
    CHECK(probe.api->config_get(probe.ctx, trm_str{nullptr, 2}, &out) == TRM_ERR_INVALID);
}

TEST_CASE("config: malformed JSON is refused, flat keys are taken as they are", "[fakehost][config]")
{
    for (const char* bad : {"", "[]", "{", "{\"a\":}", "{\"a\":1,}", "{\"a\":1} x", "{\"a\":\"\\x\"}", "{\"a\":01}", "{\"a\":tru}"}) {
        INFO(bad);
        CHECK_THROWS_AS(FakeHost(&probeEntry, std::string_view(bad)), std::invalid_argument);
    }
    probe = Probe{};
    FakeHost host(&probeEntry, terrarium::testing::FlatConfig{{"db.host", "localhost"}, {"db.port", "5432"}});
    host.start();
    trm_str out{nullptr, 0};
    REQUIRE(probe.api->config_get(probe.ctx, str("db.port"), &out) == TRM_OK);
    CHECK(std::string(out.ptr, out.len) == "5432");
    CHECK(probe.api->config_get(probe.ctx, str(""), &out) == TRM_ERR_NOT_FOUND);
}

TEST_CASE("routing: longest prefix on a segment boundary, host routes first, strip or keep", "[fakehost][routing]")
{
    std::optional<FakeHost> slot;
    FakeHost& host = reset(slot);
    host.start();
    struct Case {
        const char* path;
        const char* hostHeader;
        const char* prefix;
        const char* routed;
    };
    for (Case c : {Case{"/api", "", "/api", "/"}, Case{"/api/x/y", "", "/api", "/x/y"}, Case{"/api/v2/z", "", "/api/v2", "/api/v2/z"},
                   Case{"/api/v2", "", "/api/v2", "/api/v2"}, Case{"/apix", "", "", "/apix"}, Case{"/files/a", "", "/files/", "/a"},
                   Case{"/other", "", "", "/other"}, Case{"/api/x", "EXAMPLE.com:8080", "/", "/api/x"}}) {
        INFO(c.path << " Host: " << c.hostHeader);
        terrarium::testing::Headers headers;
        if (*c.hostHeader) headers.emplace_back("Host", c.hostHeader);
        host.call("GET", c.path, "", headers);
        CHECK(probe.lastPrefix == c.prefix);
        CHECK(probe.lastPath == c.routed);
        CHECK(probe.lastOriginalPath == c.path);
    }
    host.call("GET", "/api/q?a=1&b", "payload");
    CHECK(probe.lastQuery == "a=1&b");
    CHECK(probe.lastOriginalPath == "/api/q");
    CHECK(probe.lastBody == "payload");
    host.call("GET", "/api/q", "", {}, "explicit=1");
    CHECK(probe.lastQuery == "explicit=1");
}

TEST_CASE("the request's target (ABI 1.3) is the path as given, with a separate query appended", "[fakehost][routing]")
{
    std::optional<FakeHost> slot;
    FakeHost& host = reset(slot);
    host.start();
    host.call("GET", "/api/a%2Fb?x=1");
    CHECK(probe.lastTarget == "/api/a%2Fb?x=1");
    host.call("GET", "/api/q", "", {}, "explicit=1");
    CHECK(probe.lastTarget == "/api/q?explicit=1");
    host.call("GET", "/api/q");
    CHECK(probe.lastTarget == "/api/q");
}

TEST_CASE("log records and counters are captured and names validated", "[fakehost][log]")
{
    std::optional<FakeHost> slot;
    FakeHost& host = reset(slot);
    host.start();
    trm_kv fields[] = {{str("key"), str("value")}, {str("n"), str("1")}};
    probe.api->log(probe.ctx, TRM_LOG_WARN, str("careful"), fields, 2);
    probe.api->log(probe.ctx, 99, str("too high"), nullptr, 0);
    probe.api->log(probe.ctx, -3, str("too low"), nullptr, 0);
    auto logs = host.logs();
    REQUIRE(logs.size() == 3);
    CHECK(logs[0].level == TRM_LOG_WARN);
    CHECK(logs[0].message == "careful");
    CHECK(logs[0].field("key") == std::string("value"));
    CHECK(logs[0].fields.size() == 2);
    CHECK(logs[1].level == TRM_LOG_ERROR);
    CHECK(logs[2].level == TRM_LOG_TRACE);
    CHECK(host.logged("too high"));
    CHECK(host.logged("value"));
    CHECK_FALSE(host.logged("absent"));
    host.clearLogs();
    CHECK(host.logs().empty());

    CHECK(probe.api->counter_add(probe.ctx, str("ok_1"), 2) == TRM_OK);
    CHECK(probe.api->counter_add(probe.ctx, str("ok_1"), 3) == TRM_OK);
    CHECK(probe.api->counter_add(probe.ctx, str("_Under"), 1) == TRM_OK);
    CHECK(probe.api->counter_add(probe.ctx, str("1bad"), 1) == TRM_ERR_INVALID);
    CHECK(probe.api->counter_add(probe.ctx, str("bad-name"), 1) == TRM_ERR_INVALID);
    CHECK(probe.api->counter_add(probe.ctx, str(""), 1) == TRM_ERR_INVALID);
    CHECK(host.counter("ok_1") == 5);
    CHECK(host.counter("never") == 0);
    CHECK(host.counters().size() == 2);
}

TEST_CASE("the descriptor is checked like the host checks it", "[fakehost][descriptor]")
{
    std::optional<FakeHost> slot;
    auto refused = [&slot](void (*breakIt)(trm_plugin_descriptor&)) {
        FakeHost& host = reset(slot);
        breakIt(descriptor);
        trm_status s = host.tryStart();
        INFO(host.lastError());
        CHECK(probe.creates == 0);
        CHECK_FALSE(host.started());
        return s;
    };
    CHECK(refused([](trm_plugin_descriptor& d) { d.abi_major = 2; }) == TRM_ERR_UNSUPPORTED);
    CHECK(refused([](trm_plugin_descriptor& d) { d.abi_minor = FakeHost::abiMinor + 1; }) == TRM_ERR_UNSUPPORTED);
    CHECK(refused([](trm_plugin_descriptor& d) { d.name = "Probe"; }) == TRM_ERR_INVALID);
    CHECK(refused([](trm_plugin_descriptor& d) { d.name = "-probe"; }) == TRM_ERR_INVALID);
    CHECK(refused([](trm_plugin_descriptor& d) { d.name = nullptr; }) == TRM_ERR_INVALID);
    CHECK(refused([](trm_plugin_descriptor& d) { d.handle = nullptr; }) == TRM_ERR_INVALID);
    CHECK(refused([](trm_plugin_descriptor& d) { d.struct_size = 16; }) == TRM_ERR_INVALID);
    CHECK(refused([](trm_plugin_descriptor& d) { d.routes = nullptr; }) == TRM_ERR_INVALID);
    static const trm_route relative[] = {{sizeof(trm_route), 0, "api", nullptr}};
    CHECK(refused([](trm_plugin_descriptor& d) {
              d.routes = relative;
              d.route_count = 1;
          }) == TRM_ERR_INVALID);

    // A shorter (older) descriptor: capabilities beyond struct_size are not read.
    FakeHost& host = reset(slot);
    descriptor.struct_size = static_cast<uint32_t>(offsetof(trm_plugin_descriptor, snapshot));
    host.start();
    CHECK_THROWS_AS(host.snapshot(), FakeHostError);
    CHECK(host.restore("x") == TRM_ERR_UNSUPPORTED);
    CHECK(host.healthy());
}

TEST_CASE("lifecycle: create once, destroy once, errors before start", "[fakehost][lifecycle]")
{
    probe = Probe{};
    descriptor = probeDescriptor();
    {
        FakeHost host(&probeEntry);
        CHECK_THROWS_AS(host.call("GET", "/api"), std::logic_error);
        CHECK_THROWS_AS(host.drain(), std::logic_error);
        host.start();
        CHECK(host.started());
        CHECK(host.instance() == &probe);
        CHECK(probe.creates == 1);
        CHECK(host.tryStart() == TRM_ERR_INVALID);   // already started
        CHECK(host.snapshot() == "state");
        CHECK(probe.snapshotFrees == 1);
        host.stop();
        host.stop();
        CHECK(probe.destroys == 1);
    }
    CHECK(probe.destroys == 1);

    probe = Probe{};
    {
        FakeHost host(&probeEntry);
        host.start();
    }
    CHECK(probe.destroys == 1);

    probe = Probe{};
    probe.createResult = TRM_ERR_UNAVAILABLE;
    {
        FakeHost host(&probeEntry);
        try {
            host.start();
            FAIL("start() must throw");
        } catch (const FakeHostError& e) {
            CHECK(e.status() == TRM_ERR_UNAVAILABLE);
            CHECK(std::string(e.what()).find("TRM_ERR_UNAVAILABLE") != std::string::npos);
        }
    }
    CHECK(probe.destroys == 0);   // a failed create() is not destroyed
}

// ---- ABI 1.1 host table ----

TEST_CASE("the host table is the header's, emulateAbi10() makes it a 1.0 table and refuses newer plugins", "[fakehost][abi11]")
{
    std::optional<FakeHost> slot;
    FakeHost& host = reset(slot);
    CHECK(host.api()->struct_size == sizeof(trm_host_api));
    CHECK(host.api()->abi_minor == TERRARIUM_ABI_MINOR);
    CHECK(TRM_HOST_HAS(host.api(), gauge_set));
    host.start();

    FakeHost& old = reset(slot);
    old.emulateAbi10();
    CHECK(old.api()->abi_minor == 0);
    CHECK_FALSE(TRM_HOST_HAS(old.api(), http_call));
    CHECK_FALSE(TRM_HOST_HAS(old.api(), log_enabled));
    CHECK(TRM_HOST_HAS(old.api(), counter_add));
    CHECK(old.tryStart() == TRM_ERR_UNSUPPORTED);   // the probe declares the header's minor
    CHECK(old.lastError().find("plugin ABI 1." + std::to_string(TERRARIUM_ABI_MINOR) + ", host ABI 1.0") != std::string::npos);

    FakeHost& compatible = reset(slot);
    descriptor.abi_minor = 0;
    compatible.emulateAbi10();
    compatible.start();
    static size_t requestSize;
    descriptor.handle = [](void*, const trm_request* request, trm_response*) -> trm_status {
        requestSize = request->struct_size;
        return TRM_OK;
    };
    compatible.call("GET", "/api");
    CHECK(requestSize == offsetof(trm_request, request_id));
}

TEST_CASE("secret_get: copies when the value fits, TRM_ERR_TOO_LARGE with the size otherwise", "[fakehost][abi11][secrets]")
{
    std::optional<FakeHost> slot;
    FakeHost& host = reset(slot);
    host.setSecret("p", "k", "abcd");
    host.setSecret("p", "other", "x");
    host.setSecretError("denied", TRM_ERR_FORBIDDEN);
    host.start();
    auto get = [](std::string_view path, std::string_view key, char* buf, size_t size, size_t* len) {
        return probe.api->secret_get(probe.ctx, str(path), str(key), buf, size, len);
    };
    char buf[8];
    size_t len = 0;
    std::memset(buf, '#', sizeof buf);
    CHECK(get("p", "k", buf, sizeof buf, &len) == TRM_OK);
    CHECK(len == 4);
    CHECK(std::string(buf) == "abcd");   // NUL-terminated when there is room

    std::memset(buf, '#', sizeof buf);
    CHECK(get("p", "k", buf, 4, &len) == TRM_OK);   // fits exactly: no room for the NUL
    CHECK(len == 4);
    CHECK(std::string(buf, 5) == "abcd#");

    len = 0;
    CHECK(get("p", "k", buf, 3, &len) == TRM_ERR_TOO_LARGE);
    CHECK(len == 4);
    CHECK(get("p", "k", nullptr, 0, &len) == TRM_ERR_TOO_LARGE);
    CHECK(len == 4);

    CHECK(get("p", "missing", buf, sizeof buf, &len) == TRM_ERR_NOT_FOUND);
    CHECK(get("q", "k", buf, sizeof buf, &len) == TRM_ERR_NOT_FOUND);
    CHECK(get("denied", "k", buf, sizeof buf, &len) == TRM_ERR_FORBIDDEN);
    CHECK(get("p", "k", buf, sizeof buf, nullptr) == TRM_ERR_INVALID);
    CHECK(get("p", "k", nullptr, 4, &len) == TRM_ERR_INVALID);
    CHECK(probe.api->secret_get(probe.ctx, trm_str{nullptr, 1}, str("k"), buf, sizeof buf, &len) == TRM_ERR_INVALID);
}

TEST_CASE("http_call: validation, defaults, ownership of responses", "[fakehost][abi11][services]")
{
    std::optional<FakeHost> slot;
    FakeHost& host = reset(slot);
    host.start();
    trm_kv headers[] = {{str("X-A"), str("1")}};
    auto request = [&headers](std::string_view service, std::string_view method, std::string_view path) {
        trm_client_request r{};
        r.struct_size = sizeof(trm_client_request);
        r.service = str(service);
        r.method = str(method);
        r.path = str(path);
        r.headers = headers;
        r.header_count = 1;
        return r;
    };
    trm_client_response* out = nullptr;

    // No handler: every service is unknown.
    trm_client_request r = request("file-storage", "", "/files");
    CHECK(probe.api->http_call(probe.ctx, &r, &out) == TRM_ERR_NOT_FOUND);
    CHECK(out == nullptr);
    REQUIRE(host.serviceCalls().size() == 1);
    CHECK(host.serviceCalls()[0].method == "GET");   // empty method

    host.onServiceCall([](const terrarium::testing::FakeServiceCall& call) {
        if (call.path == "/throw") throw std::runtime_error("handler failed");
        terrarium::testing::FakeServiceReply reply;
        reply.status = 404;
        reply.body = "nope";
        reply.headers = {{"X-B", "2"}};
        return reply;
    });
    REQUIRE(probe.api->http_call(probe.ctx, &r, &out) == TRM_OK);
    REQUIRE(out != nullptr);
    CHECK(out->struct_size == sizeof(trm_client_response));
    CHECK(out->status == 404);   // an HTTP error status is a response
    CHECK(copy(out->body) == "nope");
    REQUIRE(out->header_count == 1);
    CHECK(copy(out->headers[0].key) == "X-B");
    CHECK(out->attempts == 1);
    CHECK(out->flags == 0);
    trm_client_response* second = nullptr;
    REQUIRE(probe.api->http_call(probe.ctx, &r, &second) == TRM_OK);
    CHECK(host.liveServiceResponses() == 2);
    probe.api->client_response_release(probe.ctx, out);
    probe.api->client_response_release(probe.ctx, out);       // a second release is ignored
    probe.api->client_response_release(probe.ctx, nullptr);   // NULL is ignored
    CHECK(host.liveServiceResponses() == 1);
    // `second` is left unreleased: the FakeHost frees it when destroyed.

    trm_client_request bad = request("file-storage", "GET", "/throw");
    CHECK(probe.api->http_call(probe.ctx, &bad, &out) == TRM_ERR_INTERNAL);
    size_t before = host.serviceCalls().size();
    bad = request("file-storage", "GET", "files");
    CHECK(probe.api->http_call(probe.ctx, &bad, &out) == TRM_ERR_INVALID);
    bad = request("", "GET", "/files");
    CHECK(probe.api->http_call(probe.ctx, &bad, &out) == TRM_ERR_INVALID);
    bad = request("", "GET", "ftp://example.test/");
    CHECK(probe.api->http_call(probe.ctx, &bad, &out) == TRM_ERR_INVALID);
    bad = request("file-storage", "GET", "/files");
    bad.struct_size = static_cast<uint32_t>(offsetof(trm_client_request, timeout_ms));
    CHECK(probe.api->http_call(probe.ctx, &bad, &out) == TRM_ERR_INVALID);
    bad = request("file-storage", "GET", "/files");
    bad.headers = nullptr;
    CHECK(probe.api->http_call(probe.ctx, &bad, &out) == TRM_ERR_INVALID);
    trm_kv injected[] = {{str("X-A"), str("1\r\nX-Injected: yes")}};
    bad = request("file-storage", "GET", "/files");
    bad.headers = injected;
    CHECK(probe.api->http_call(probe.ctx, &bad, &out) == TRM_ERR_INVALID);
    CHECK(probe.api->http_call(probe.ctx, nullptr, &out) == TRM_ERR_INVALID);
    CHECK(probe.api->http_call(probe.ctx, &r, nullptr) == TRM_ERR_INVALID);
    CHECK(host.serviceCalls().size() == before);   // refused calls never reach the handler
    bad = request("", "DELETE", "https://example.test/x");
    CHECK(probe.api->http_call(probe.ctx, &bad, &out) == TRM_OK);
    probe.api->client_response_release(probe.ctx, out);
    CHECK(host.liveServiceResponses() == 1);
}

TEST_CASE("ServiceResponse: move-only owner that releases exactly once", "[fakehost][abi11][services]")
{
    std::optional<FakeHost> slot;
    FakeHost& host = reset(slot);
    host.onServiceCall([](const terrarium::testing::FakeServiceCall& call) {
        terrarium::testing::FakeServiceReply reply;
        reply.body = call.path;
        reply.headers = {{"Content-Type", "text/plain"}, {"X-Path", call.path}};
        reply.attempts = 3;
        reply.inProcess = true;
        return reply;
    });
    host.start();
    terrarium::Host wrapper(probe.api, probe.ctx);
    REQUIRE(wrapper.hasServices());
    {
        terrarium::ServiceResponse a = wrapper.call("file-storage", "GET", "/a");
        CHECK(a.status() == 200);
        CHECK(a.body() == "/a");
        CHECK(a.header("x-path") == std::optional<std::string_view>("/a"));
        CHECK(a.header("missing") == std::nullopt);
        CHECK(a.headerCount() == 2);
        CHECK(a.headerAt(1).first == "X-Path");
        CHECK(a.attempts() == 3);
        CHECK(a.inProcess());
        terrarium::ServiceResponse b = std::move(a);
        CHECK(a.status() == 0);   // moved from: empty, safe to read
        CHECK(a.body().empty());
        CHECK(a.headerCount() == 0);
        CHECK(b.body() == "/a");
        CHECK(host.liveServiceResponses() == 1);
        terrarium::ServiceResponse c = wrapper.call("file-storage", "GET", "/c");
        CHECK(host.liveServiceResponses() == 2);
        c = std::move(b);   // releases the response c held
        CHECK(host.liveServiceResponses() == 1);
        CHECK(c.body() == "/a");
    }
    CHECK(host.liveServiceResponses() == 0);
}

TEST_CASE("log_enabled, histograms and gauges: levels and names", "[fakehost][abi11][log]")
{
    std::optional<FakeHost> slot;
    FakeHost& host = reset(slot);
    host.start();
    CHECK(probe.api->log_enabled(probe.ctx, TRM_LOG_TRACE));
    host.setLogLevel(TRM_LOG_INFO);
    CHECK_FALSE(probe.api->log_enabled(probe.ctx, TRM_LOG_DEBUG));
    CHECK(probe.api->log_enabled(probe.ctx, TRM_LOG_INFO));
    CHECK(probe.api->log_enabled(probe.ctx, 99));   // clamped to ERROR
    CHECK_FALSE(probe.api->log_enabled(probe.ctx, -5));
    probe.api->log(probe.ctx, TRM_LOG_DEBUG, str("dropped"), nullptr, 0);
    probe.api->log(probe.ctx, TRM_LOG_WARN, str("kept"), nullptr, 0);
    CHECK(host.logs().size() == 1);
    CHECK_FALSE(host.logged("dropped"));

    CHECK(probe.api->histogram_observe(probe.ctx, str("latency_seconds"), 0.125) == TRM_OK);
    CHECK(probe.api->histogram_observe(probe.ctx, str("latency_seconds"), std::nan("")) == TRM_ERR_INVALID);
    CHECK(probe.api->histogram_observe(probe.ctx, str("bad-name"), 1) == TRM_ERR_INVALID);
    CHECK(probe.api->gauge_set(probe.ctx, str("depth"), 3) == TRM_OK);
    CHECK(probe.api->gauge_set(probe.ctx, str("depth"), -1.5) == TRM_OK);
    CHECK(probe.api->gauge_set(probe.ctx, str("9lives"), 1) == TRM_ERR_INVALID);
    CHECK(host.observations("latency_seconds") == std::vector<double>{0.125});
    CHECK(host.gauges() == std::map<std::string, double>{{"depth", -1.5}});
}

// ---- files (ABI 1.3) ----

namespace {

/// A file holding "0123456789" (unlinked at once: the descriptor keeps it) and a directory descriptor.
int tenBytes()
{
    char path[] = "/tmp/terrarium-fakehost-XXXXXX";
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::unlink(path);
    REQUIRE(::write(fd, "0123456789", 10) == 10);
    return fd;
}

bool isOpen(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

int sendFd = -1;
uint64_t sendOffset = 0;
uint64_t sendLength = 0;
trm_status sendResult = TRM_OK;

} // namespace

TEST_CASE("response_send_file: the file's range is the body, the descriptor is the host's and closed, also on failure", "[fakehost][files]")
{
    std::optional<FakeHost> slot;
    FakeHost& host = reset(slot);
    host.start();
    probe.onHandle = [](trm_response* response) -> trm_status {
        probe.api->response_set_status(response, 206);
        probe.api->response_add_header(response, str("Content-Range"), str("bytes 3-6/10"));
        sendResult = probe.api->response_send_file(response, sendFd, sendOffset, sendLength);
        return TRM_OK;
    };

    sendFd = tenBytes();
    sendOffset = 3;
    sendLength = 4;
    auto r = host.call("GET", "/api");
    CHECK(sendResult == TRM_OK);
    CHECK(r.status == 206);
    CHECK(r.body == "3456");
    CHECK(r.header("Content-Range") == "bytes 3-6/10");
    REQUIRE(r.file);
    CHECK(r.file->descriptor == sendFd);
    CHECK(r.file->offset == 3);
    CHECK(r.file->length == 4);
    CHECK_FALSE(isOpen(sendFd));
    CHECK(host.closedFiles() == 1);

    host.readFileBodies(false);
    sendFd = tenBytes();
    sendOffset = 0;
    sendLength = 10;
    r = host.call("GET", "/api");
    CHECK(r.body.empty());
    REQUIRE(r.file);
    CHECK(r.file->length == 10);
    CHECK_FALSE(isOpen(sendFd));

    // Refused (a range past the end, a directory, a negative descriptor): closed by the host at once.
    sendFd = tenBytes();
    sendOffset = 8;
    sendLength = 3;
    r = host.call("GET", "/api");
    CHECK(sendResult == TRM_ERR_INVALID);
    CHECK_FALSE(r.file);
    CHECK_FALSE(isOpen(sendFd));

    sendFd = ::open("/tmp", O_RDONLY | O_DIRECTORY);
    REQUIRE(sendFd >= 0);
    sendOffset = 0;
    sendLength = 0;
    host.call("GET", "/api");
    CHECK(sendResult == TRM_ERR_INVALID);
    CHECK_FALSE(isOpen(sendFd));

    sendFd = -1;
    host.call("GET", "/api");
    CHECK(sendResult == TRM_ERR_INVALID);

    // An error from handle() drops the file, closed like the rest of the response.
    sendFd = tenBytes();
    sendLength = 10;
    probe.onHandle = [](trm_response* response) -> trm_status {
        sendResult = probe.api->response_send_file(response, sendFd, 0, sendLength);
        return TRM_ERR_UNAVAILABLE;
    };
    r = host.call("GET", "/api");
    CHECK(r.status == 503);
    CHECK_FALSE(r.file);
    CHECK_FALSE(isOpen(sendFd));

    // A body set afterwards replaces the file (and closes it).
    sendFd = tenBytes();
    probe.onHandle = [](trm_response* response) -> trm_status {
        probe.api->response_send_file(response, sendFd, 0, sendLength);
        probe.api->response_set_body(response, "instead", 7);
        return TRM_OK;
    };
    host.readFileBodies(true);
    r = host.call("GET", "/api");
    CHECK(r.body == "instead");
    CHECK_FALSE(r.file);
    CHECK_FALSE(isOpen(sendFd));
}

TEST_CASE("emulateAbi12() ends the table before response_send_file and the request before target", "[fakehost][files]")
{
    std::optional<FakeHost> slot;
    FakeHost& host = reset(slot);
    descriptor.abi_minor = 2;
    host.emulateAbi12();
    host.start();
    CHECK(host.api()->abi_minor == 2);
    CHECK(TRM_HOST_HAS(host.api(), websocket_release));
    CHECK_FALSE(TRM_HOST_HAS(host.api(), response_send_file));
    host.call("GET", "/api/x");
    CHECK(probe.lastTarget == "<absent>");
}
