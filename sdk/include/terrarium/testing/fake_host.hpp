// Terrarium plugin SDK: an in-process fake host for unit-testing a plugin without terrariumd.
//
// Header-only and dependency-free (C++17 standard library only). It implements the whole ABI 1.3
// host function table, loads a plugin through its entry function and serves requests directly:
//
//     #include <terrarium/testing/fake_host.hpp>    // the plugin's .cpp is compiled into the test
//
//     terrarium::testing::FakeHost host(&terrarium_plugin_entry, R"({"greeting":"hi"})");
//     host.start();                                  // entry + create; throws FakeHostError
//     auto r = host.call("GET", "/echo/x");          // routed like the host routes it
//     REQUIRE(r.status == 200);
//     REQUIRE(host.counter("requests") == 1);
//
// The 1.1 host services are scripted by the test:
//
//     host.onServiceCall([](const terrarium::testing::FakeServiceCall& c) {
//         terrarium::testing::FakeServiceReply reply;       // TRM_OK, 200
//         reply.body = c.service == "file-storage" ? "[]" : "";
//         return reply;                                      // or set reply.result = TRM_ERR_TIMEOUT
//     });
//     host.setSecret("custom-client/config", "api_key", "k-123");
//     host.setSecretError("locked/path", TRM_ERR_FORBIDDEN);
//     host.setLogLevel(TRM_LOG_INFO);                        // log_enabled and the records kept
//     ... host.serviceCalls(), host.liveServiceResponses() == 0, host.gauges(), host.observations("x")
//
// host.emulateAbi10() (or emulateAbi12()) before start() hands the plugin a 1.0 (1.2) host table and
// requests of that size, to test a plugin's fallback path (it must then declare
// TERRARIUM_PLUGIN_MIN_ABI_MINOR 0, or 2).
//
// Bodies in files (ABI 1.3): a response_send_file answer is read into FakeResponse::body (unless
// host.readFileBodies(false)) and described by FakeResponse::file (descriptor, offset, length); the
// descriptor is closed once call() returns (host.closedFiles() counts them).
// host.spoolBodies(dir, threshold) spools request bodies of a plugin declaring
// TRM_PLUGIN_SPOOL_BODIES into a new file of dir, passed as body_file (host.lastBodyFile()), and
// removes what the plugin did not take once handle() returned.
//
// A plugin loaded with dlopen() works the same way: pass the dlsym()'d entry function.
//
// What it mirrors from the ABI contract (plugin.h) and the host:
//  - the descriptor is checked like the host checks it (ABI major equal, minor not newer than 1.3,
//    name [a-z0-9][a-z0-9_-]*, create/destroy/handle present, routes starting with '/');
//  - response_set_status accepts 100..599, response_add_header refuses an empty name and CR/LF in
//    name or value (TRM_ERR_INVALID), adopted bodies are freed with their free function exactly
//    once (also on failure), and a response used after handle() returned is refused;
//  - handle() results map to HTTP like the host: TRM_OK -> the status set (200 by default),
//    TRM_ERR_BAD_REQUEST -> 400, TRM_ERR_FORBIDDEN -> 403, TRM_ERR_NOT_FOUND -> 404,
//    TRM_ERR_TOO_LARGE -> 413, TRM_ERR_UNAVAILABLE -> 503, TRM_ERR_TIMEOUT -> 504, TRM_AGAIN ->
//    503 with Retry-After: 1, anything else -> 500; on an error the response the plugin built is
//    dropped and the host's JSON error body {"error":<code>,"message":"plugin '<name>' failed:
//    <status name>"} is sent instead, with the host's codes (see handle() in plugin.h);
//  - routing over the plugin's default routes: longest prefix on a segment boundary, routes bound
//    to a Host header first, the routed path stripped (always starting with '/') when the route
//    strips its prefix; a path no route matches reaches the plugin unchanged; the request's target
//    is the path argument as given (with "?query" appended when the query came separately), and
//    unlike the real host the fake host does not resolve dot segments;
//  - config_get: '.'-separated keys into the JSON config object ("" = the whole object), scalars
//    as text, objects and arrays as JSON, array elements by index ("list.0"); null means absent;
//  - http_call: struct_size must reach timeout_ms; an empty method is GET; a service path must be
//    empty or start with '/' or '?'; an empty service needs an absolute http(s):// URL; header
//    names must be non-empty without CR/LF (TRM_ERR_INVALID otherwise); every response handed out
//    is tracked until client_response_release (liveServiceResponses());
//  - secret_get: the value is copied when it fits buf_size (NUL-terminated when there is room),
//    TRM_ERR_TOO_LARGE otherwise, *value_len is the value's length in both cases;
//  - metric names [a-zA-Z_][a-zA-Z0-9_]* for counters, gauges and histograms (NaN refused).
#ifndef TERRARIUM_TESTING_FAKE_HOST_HPP
#define TERRARIUM_TESTING_FAKE_HOST_HPP

// FakeHost is defined here; its parts are in fake_host/: common.hpp (Headers, FlatConfig, statusName),
// records.hpp (FakeResponse, FakeFileBody, LogRecord, FakeServiceCall, FakeServiceReply, FakeHostError),
// json_flattener.hpp (the configuration), descriptor_check.hpp, routing.hpp, call_state.hpp,
// file_bodies.hpp (file answers and spooled bodies), websockets.hpp and host_functions.hpp (the host
// function table and the state it records).
#include "terrarium/plugin.h"
#include "terrarium/plugin.hpp"
#include "terrarium/testing/fake_host/call_state.hpp"
#include "terrarium/testing/fake_host/common.hpp"
#include "terrarium/testing/fake_host/descriptor_check.hpp"
#include "terrarium/testing/fake_host/file_bodies.hpp"
#include "terrarium/testing/fake_host/host_functions.hpp"
#include "terrarium/testing/fake_host/json_flattener.hpp"
#include "terrarium/testing/fake_host/records.hpp"
#include "terrarium/testing/fake_host/routing.hpp"
#include "terrarium/testing/fake_host/websockets.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// The entry symbol of a plugin whose sources are compiled into the test (same declaration as the
/// one TERRARIUM_PLUGIN defines), so that tests can write FakeHost(&terrarium_plugin_entry).
extern "C" TERRARIUM_EXPORT const trm_plugin_descriptor* terrarium_plugin_entry(const trm_host_api* host);

namespace terrarium {
namespace testing {

/// An in-process host for one plugin instance: implements the ABI 1.3 host table, records logs,
/// metrics and service calls, and serves requests synchronously. call(), the host functions and
/// every accessor and setter of recorded or scripted state are thread-safe.
class FakeHost {
public:
    /// The ABI version this fake host implements.
    static constexpr uint16_t abiMajor = 1;
    /// The ABI minor this fake host implements (a plugin needing a newer minor is refused).
    static constexpr uint16_t abiMinor = TERRARIUM_ABI_MINOR;
    static_assert(TERRARIUM_ABI_MAJOR == 1, "FakeHost implements ABI 1.x; update it with plugin.h");

    /// A host for the plugin behind entry, with an empty configuration.
    explicit FakeHost(trm_plugin_entry_fn entry) : FakeHost(entry, FlatConfig{}) {}

    /// A host whose plugin configuration is the JSON object configJson (std::invalid_argument if malformed).
    FakeHost(trm_plugin_entry_fn entry, std::string_view configJson) : FakeHost(entry, FlatConfig{})
    {
        detail::JsonFlattener::flatten(configJson, _state.config);
    }

    /// A host whose plugin configuration is given as flat '.'-separated keys and text values.
    FakeHost(trm_plugin_entry_fn entry, FlatConfig config) : _entry(entry)
    {
        _state.config = std::move(config);
        _api.struct_size = static_cast<uint32_t>(sizeof(trm_host_api));
        _api.abi_major = abiMajor;
        _api.abi_minor = abiMinor;
        detail::HostFunctions::install(_api);
    }

    FakeHost(const FakeHost&) = delete;
    FakeHost& operator=(const FakeHost&) = delete;

    /// Destroys the plugin instance if it was created, and frees service responses never released.
    ~FakeHost() { stop(); }

    /// Makes this host a 1.0 host (call before start()): the table ends after counter_add with
    /// abi_minor 0, and requests are 1.0-sized (no request_id). Throws std::logic_error after start().
    void emulateAbi10()
    {
        if (_started) throw std::logic_error("FakeHost::emulateAbi10() after start()");
        _api.struct_size = static_cast<uint32_t>(offsetof(trm_host_api, counter_add) + sizeof(_api.counter_add));
        _api.abi_minor = 0;
        _api.http_call = nullptr;
        _api.client_response_release = nullptr;
        _api.secret_get = nullptr;
        _api.log_enabled = nullptr;
        _api.histogram_observe = nullptr;
        _api.gauge_set = nullptr;
        _api.websocket_accept = nullptr;
        _api.websocket_send = nullptr;
        _api.websocket_close = nullptr;
        _api.websocket_release = nullptr;
        _api.response_send_file = nullptr;
        _requestStructSize = static_cast<uint32_t>(offsetof(trm_request, request_id));
    }

    /// Makes this host a 1.2 host (call before start()): the table ends after websocket_release with
    /// abi_minor 2 (no response_send_file), and requests end after request_id (no target, no
    /// body_file). Throws std::logic_error after start().
    void emulateAbi12()
    {
        if (_started) throw std::logic_error("FakeHost::emulateAbi12() after start()");
        _api.struct_size = static_cast<uint32_t>(offsetof(trm_host_api, websocket_release) + sizeof(_api.websocket_release));
        _api.abi_minor = 2;
        _api.response_send_file = nullptr;
        _requestStructSize = static_cast<uint32_t>(offsetof(trm_request, target));
    }

    // ---- bodies in files (ABI 1.3) ----

    /// Spools request bodies as the host does for a plugin that declares TRM_PLUGIN_SPOOL_BODIES
    /// (plugin.hpp: spoolBodies = true): a body longer than thresholdBytes is written to a new file
    /// in directory (mode 0600) and handed over as body_file with body empty; whatever is still at
    /// that path when handle() returned is unlinked. "" turns spooling off again (the default).
    void spoolBodies(std::string directory, uint64_t thresholdBytes = 0)
    {
        std::lock_guard<std::mutex> lock(_fileMutex);
        _spoolDirectory = std::move(directory);
        _spoolThreshold = thresholdBytes;
    }

    /// The body_file path of the last call() whose body was spooled ("" when none was).
    std::string lastBodyFile() const
    {
        std::lock_guard<std::mutex> lock(_fileMutex);
        return _lastBodyFile;
    }

    /// Whether a file a plugin answers with (response_send_file) is read into FakeResponse::body
    /// (default true); FakeResponse::file tells the range either way.
    void readFileBodies(bool read) noexcept { _readFileBodies.store(read); }

    /// Files the plugin answered with that the host closed (all of them once call() returned).
    uint64_t closedFiles() const noexcept { return _closedFiles.load(); }

    /// Calls the entry function, checks the descriptor and creates the instance; throws FakeHostError on failure.
    void start()
    {
        trm_status status = tryStart();
        if (status != TRM_OK) throw FakeHostError(status, _lastError);
    }

    /// Like start() but returns the status (TRM_OK on success); lastError() explains a failure.
    trm_status tryStart() noexcept
    {
        try {
            return startInstance();
        } catch (const std::bad_alloc&) {
            _lastError = "out of memory";
            return TRM_ERR_NO_MEMORY;
        } catch (...) {
            return TRM_ERR_INTERNAL;
        }
    }

    /// Destroys the instance (once); later calls do nothing.
    void stop() noexcept
    {
        if (!_started) return;
        // As the real host does when a generation retires: open WebSockets close with 1001.
        _state.webSockets.peerCloseAll(TRM_WS_CLOSE_GOING_AWAY);
        _started = false;
        _descriptor->destroy(_instance);
        _instance = nullptr;
    }

    /// True between a successful start() and stop().
    bool started() const noexcept { return _started; }

    /// Why the last start() failed ("" when it did not).
    const std::string& lastError() const noexcept { return _lastError; }

    /// The descriptor the entry function returned (nullptr before start() or when it returned NULL).
    const trm_plugin_descriptor* descriptor() const noexcept { return _descriptor; }

    /// The host function table handed to the plugin.
    const trm_host_api* api() const noexcept { return &_api; }

    // ---- WebSockets (ABI 1.2): call() with the upgrade headers (Upgrade: websocket, Connection:
    // Upgrade, Sec-WebSocket-Version: 13, Sec-WebSocket-Key) lets the plugin accept; the response
    // then has status 101. Sockets are numbered in the order they were accepted. ----

    /// WebSockets accepted so far.
    size_t webSocketCount() const { return _state.webSockets.count(); }

    /// Messages the plugin sent on socket i (opcode, payload), in order.
    std::vector<std::pair<int32_t, std::string>> webSocketSent(size_t i) const { return _state.webSockets.sent(i); }

    /// The peer sends a message on socket i: the plugin's on_message runs now, on this thread.
    void webSocketReceive(size_t i, std::string_view payload, int32_t opcode = TRM_WS_TEXT) { _state.webSockets.receive(i, payload, opcode); }

    /// The socket closes with code (the peer closed, or answered the plugin's close): on_close
    /// runs now, once; later sends answer TRM_ERR_UNAVAILABLE.
    void webSocketPeerClose(size_t i, int32_t code, std::string_view reason = {}) { _state.webSockets.peerClose(i, code, reason); }

    /// True when the plugin asked to close socket i (websocket_close), and with which code (0: not).
    int32_t webSocketCloseRequested(size_t i) const { return _state.webSockets.closeRequested(i); }

    /// True once the plugin released socket i (websocket_release).
    bool webSocketReleased(size_t i) const { return _state.webSockets.released(i); }

    /// The plugin's opaque instance (nullptr before start()).
    void* instance() const noexcept { return _instance; }

    /// Serves one request: path may carry "?query" when query is empty. Throws std::logic_error before start().
    FakeResponse call(std::string_view method, std::string_view path, std::string_view body = {}, const Headers& headers = {},
                      std::string_view query = {})
    {
        requireStarted("call");
        std::string originalPath(path);
        std::string queryText(query);
        std::string target(path);
        size_t mark = originalPath.find('?');
        if (mark == std::string::npos && !queryText.empty()) target += "?" + queryText;
        if (mark != std::string::npos) {
            if (queryText.empty()) queryText = originalPath.substr(mark + 1);
            originalPath.erase(mark);
        }
        std::string routePrefix;
        std::string routedPath = originalPath;
        _routes.route(detail::findPair(headers, "Host").value_or(""), originalPath, routePrefix, routedPath);

        std::vector<trm_kv> kv;
        kv.reserve(headers.size());
        for (const auto& h : headers) kv.push_back(trm_kv{str(h.first), str(h.second)});

        std::string requestId = nextRequestId();
        trm_request request{};
        request.struct_size = _requestStructSize;
        request.method = str(method);
        request.path = str(routedPath);
        request.original_path = str(originalPath);
        request.query = str(queryText);
        request.headers = kv.empty() ? nullptr : kv.data();
        request.header_count = kv.size();
        request.body = str(body);
        request.client_address = str(_clientAddress);
        request.listener = str(_listener);
        request.route_prefix = str(routePrefix);
        if (TRM_HAS_FIELD(&request, trm_request, request_id)) request.request_id = str(requestId);
        if (TRM_HAS_FIELD(&request, trm_request, target)) request.target = str(target);

        std::unique_ptr<detail::SpooledBody> spooled = spool(body);
        if (spooled) {
            request.body = trm_str{nullptr, 0};
            if (TRM_HAS_FIELD(&request, trm_request, body_file)) request.body_file = str(spooled->path());
        }

        detail::ResponseState state;
        state.adoptedCounter = &_adoptedBodies;
        state.freedCounter = &_freedBodies;
        state.closedFileCounter = &_closedFiles;
        state.readFileBody = _readFileBodies.load();
        auto* response = reinterpret_cast<trm_response*>(&state);
        trm_status result;
        {
            detail::LiveScope live(response);   // the response is usable only during handle()
            detail::ServingRequest serving(requestId);
            result = _descriptor->handle(_instance, &request, response);
        }
        ++_calls;

        spooled.reset();   // what the plugin did not take
        FakeResponse out = state.toFakeResponse(result, _descriptor->name);
        state.releaseAdopted();
        state.releaseFile();
        return out;
    }

    /// Number of call()s served so far.
    uint64_t calls() const noexcept { return _calls.load(); }

    /// Calls the plugin's drain(); TRM_ERR_UNSUPPORTED when it has none.
    trm_status drain()
    {
        requireStarted("drain");
        auto fn = capability(&trm_plugin_descriptor::drain, offsetof(trm_plugin_descriptor, drain));
        return fn ? fn(_instance) : TRM_ERR_UNSUPPORTED;
    }

    /// Calls the plugin's snapshot() and returns the state (freed with its free function once);
    /// throws FakeHostError when absent (TRM_ERR_UNSUPPORTED) or failing.
    std::string snapshot()
    {
        requireStarted("snapshot");
        auto fn = capability(&trm_plugin_descriptor::snapshot, offsetof(trm_plugin_descriptor, snapshot));
        if (!fn) throw FakeHostError(TRM_ERR_UNSUPPORTED, "the plugin has no snapshot()");
        trm_buffer buffer{nullptr, 0, nullptr, nullptr};
        trm_status status = fn(_instance, &buffer);
        if (status != TRM_OK) throw FakeHostError(status, "snapshot() failed");
        std::string state;
        try {
            if (buffer.len != 0 && buffer.data == nullptr) throw FakeHostError(TRM_ERR_INVALID, "snapshot() returned NULL data with a length");
            if (buffer.len != 0) state.assign(static_cast<const char*>(buffer.data), buffer.len);
        } catch (...) {
            if (buffer.free_fn != nullptr) buffer.free_fn(buffer.free_ctx, buffer.data);
            throw;
        }
        if (buffer.free_fn != nullptr) buffer.free_fn(buffer.free_ctx, buffer.data);
        return state;
    }

    /// Calls the plugin's restore() with state; TRM_ERR_UNSUPPORTED when it has none.
    trm_status restore(std::string_view state)
    {
        requireStarted("restore");
        auto fn = capability(&trm_plugin_descriptor::restore, offsetof(trm_plugin_descriptor, restore));
        return fn ? fn(_instance, state.data(), state.size()) : TRM_ERR_UNSUPPORTED;
    }

    /// The plugin's health() result (TRM_OK when it has none).
    trm_status health()
    {
        requireStarted("health");
        auto fn = capability(&trm_plugin_descriptor::health, offsetof(trm_plugin_descriptor, health));
        return fn ? fn(_instance) : TRM_OK;
    }

    /// True when health() is TRM_OK.
    bool healthy() { return health() == TRM_OK; }

    /// A copy of the log records emitted so far, oldest first.
    std::vector<LogRecord> logs() const
    {
        std::lock_guard<std::mutex> lock(_state.mutex);
        return _state.logs;
    }

    /// True when some record's message or field value contains text.
    bool logged(std::string_view text) const
    {
        std::lock_guard<std::mutex> lock(_state.mutex);
        for (const auto& record : _state.logs) {
            if (record.message.find(text) != std::string::npos) return true;
            for (const auto& f : record.fields)
                if (f.second.find(text) != std::string::npos) return true;
        }
        return false;
    }

    /// Forgets the log records emitted so far.
    void clearLogs()
    {
        std::lock_guard<std::mutex> lock(_state.mutex);
        _state.logs.clear();
    }

    /// A copy of all counters (name -> value).
    std::map<std::string, uint64_t> counters() const
    {
        std::lock_guard<std::mutex> lock(_state.mutex);
        return {_state.counters.begin(), _state.counters.end()};
    }

    /// The value of counter name (0 when never added to).
    uint64_t counter(std::string_view name) const
    {
        std::lock_guard<std::mutex> lock(_state.mutex);
        auto it = _state.counters.find(name);
        return it == _state.counters.end() ? 0 : it->second;
    }

    /// Number of bodies the plugin moved to the host with response_adopt_body.
    uint64_t adoptedBodies() const noexcept { return _adoptedBodies.load(); }

    /// Number of adopted bodies freed through their free function (equals adoptedBodies() after each call).
    uint64_t freedBodies() const noexcept { return _freedBodies.load(); }

    /// The configuration as config_get sees it.
    const FlatConfig& config() const noexcept { return _state.config; }

    /// Sets the client address ("ip:port") and listener name of later requests.
    void setPeer(std::string clientAddress, std::string listener)
    {
        _clientAddress = std::move(clientAddress);
        _listener = std::move(listener);
    }

    /// Sets the request_id of later call()s (by default "fake-request-<n>", n counting from 1).
    void setRequestId(std::string requestId)
    {
        std::lock_guard<std::mutex> lock(_requestIdMutex);
        _requestId = std::move(requestId);
    }

    // ---- ABI 1.1 services ----

    /// Answers the plugin's http_call()s from now on (by default every call fails with TRM_ERR_NOT_FOUND,
    /// like an unknown service). Runs on the plugin's thread, outside the host's lock; an exception
    /// makes http_call fail with TRM_ERR_INTERNAL.
    void onServiceCall(std::function<FakeServiceReply(const FakeServiceCall&)> handler)
    {
        std::lock_guard<std::mutex> lock(_state.mutex);
        _state.serviceHandler = std::move(handler);
    }

    /// A copy of the http_call()s made so far (the valid ones), oldest first.
    std::vector<FakeServiceCall> serviceCalls() const
    {
        std::lock_guard<std::mutex> lock(_state.mutex);
        return _state.serviceCalls;
    }

    /// Responses handed out by http_call() and not yet released (0 when the plugin releases them all).
    size_t liveServiceResponses() const
    {
        std::lock_guard<std::mutex> lock(_state.mutex);
        return _state.serviceResponses.size();
    }

    /// Sets key of secret path to value.
    void setSecret(std::string path, std::string key, std::string value)
    {
        std::lock_guard<std::mutex> lock(_state.mutex);
        _state.secrets[std::move(path)][std::move(key)] = std::move(value);
    }

    /// Makes every read of path fail with error (TRM_ERR_FORBIDDEN, TRM_ERR_UNAVAILABLE, ...);
    /// TRM_OK removes the error again.
    void setSecretError(std::string path, trm_status error)
    {
        std::lock_guard<std::mutex> lock(_state.mutex);
        if (error == TRM_OK) _state.secretErrors.erase(path);
        else _state.secretErrors[std::move(path)] = error;
    }

    /// The plugin's log level: log_enabled() is true from minimumLevel up, records below it are
    /// dropped (default TRM_LOG_TRACE: everything is kept).
    void setLogLevel(int32_t minimumLevel) noexcept { _state.logLevel.store(minimumLevel); }

    /// A copy of all gauges (name -> last value set).
    std::map<std::string, double> gauges() const
    {
        std::lock_guard<std::mutex> lock(_state.mutex);
        return {_state.gauges.begin(), _state.gauges.end()};
    }

    /// The values observed in histogram name, oldest first (empty when never observed).
    std::vector<double> observations(std::string_view name) const
    {
        std::lock_guard<std::mutex> lock(_state.mutex);
        auto it = _state.histograms.find(name);
        return it == _state.histograms.end() ? std::vector<double>() : it->second;
    }

private:
    trm_host_ctx* context() noexcept { return detail::HostFunctions::context(_state); }

    std::string nextRequestId()
    {
        uint64_t number = ++_requestNumber;
        std::lock_guard<std::mutex> lock(_requestIdMutex);
        if (_requestId) return *_requestId;
        return "fake-request-" + std::to_string(number);
    }

    /// The spool file for body when spooling is on, the plugin asks for it and body passes the threshold.
    std::unique_ptr<detail::SpooledBody> spool(std::string_view body)
    {
        std::lock_guard<std::mutex> lock(_fileMutex);
        bool spools = _descriptor->struct_size >= offsetof(trm_plugin_descriptor, flags) + sizeof(uint32_t) &&
                      (_descriptor->flags & TRM_PLUGIN_SPOOL_BODIES) != 0 && _requestStructSize >= offsetof(trm_request, body_file) + sizeof(trm_str);
        if (_spoolDirectory.empty() || !spools || body.size() <= _spoolThreshold) return nullptr;
        auto spooled = std::make_unique<detail::SpooledBody>(_spoolDirectory, body);
        _lastBodyFile = spooled->path();
        return spooled;
    }

    void requireStarted(const char* what) const
    {
        if (!_started) throw std::logic_error(std::string("FakeHost::") + what + "() before a successful start()");
    }

    template <class Fn>
    Fn capability(Fn trm_plugin_descriptor::*member, size_t offset) const noexcept
    {
        if (_descriptor->struct_size < offset + sizeof(Fn)) return nullptr;
        return _descriptor->*member;
    }

    trm_status refuse(trm_status status, std::string message)
    {
        _lastError = std::move(message);
        return status;
    }

    trm_status startInstance()
    {
        if (_started) return refuse(TRM_ERR_INVALID, "the plugin is already started");
        _lastError.clear();
        if (_entry == nullptr) return refuse(TRM_ERR_INVALID, "no entry function");
        _descriptor = _entry(&_api);
        const trm_plugin_descriptor* d = _descriptor;
        std::string why;
        trm_status checked = detail::checkDescriptor(d, _api, why);
        if (checked != TRM_OK) return refuse(checked, std::move(why));
        if (!_routes.load(*d, why)) return refuse(TRM_ERR_INVALID, std::move(why));
        void* instance = nullptr;
        trm_status status = d->create(&_api, context(), &instance);
        if (status != TRM_OK) return refuse(status, std::string("create() of plugin \"") + d->name + "\" failed");
        _instance = instance;
        _started = true;
        return TRM_OK;
    }

    trm_plugin_entry_fn _entry;
    trm_host_api _api{};
    const trm_plugin_descriptor* _descriptor = nullptr;
    void* _instance = nullptr;
    bool _started = false;
    std::string _lastError;
    detail::RouteTable _routes;
    std::string _clientAddress = "127.0.0.1:40000";
    std::string _listener = "main";

    uint32_t _requestStructSize = static_cast<uint32_t>(sizeof(trm_request));

    detail::HostState _state;                            // behind the plugin's trm_host_ctx
    mutable std::mutex _requestIdMutex;                  // guards _requestId
    std::optional<std::string> _requestId;
    std::atomic<uint64_t> _requestNumber{0};
    std::atomic<uint64_t> _calls{0};
    std::atomic<uint64_t> _adoptedBodies{0};
    std::atomic<uint64_t> _freedBodies{0};
    std::atomic<uint64_t> _closedFiles{0};
    std::atomic<bool> _readFileBodies{true};
    mutable std::mutex _fileMutex;                       // guards the spool settings and _lastBodyFile
    std::string _spoolDirectory;
    uint64_t _spoolThreshold = 0;
    std::string _lastBodyFile;
};

} // namespace testing
} // namespace terrarium

#endif // TERRARIUM_TESTING_FAKE_HOST_HPP
