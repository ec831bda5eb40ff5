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
// host.emulateAbi10() before start() hands the plugin a 1.0 host table and 1.0-sized requests, to
// test a plugin's fallback path (it must then declare TERRARIUM_PLUGIN_MIN_ABI_MINOR 0).
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

#include "terrarium/plugin.h"
#include "terrarium/plugin.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <set>
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

/// Name/value pairs in order: HTTP headers and log fields.
using Headers = std::vector<std::pair<std::string, std::string>>;

/// Flat configuration: '.'-separated keys to values, as config_get returns them.
using FlatConfig = std::map<std::string, std::string, std::less<>>;

/// The symbolic name of a status ("TRM_ERR_INVALID"), or "unknown status" for other values.
inline const char* statusName(trm_status status) noexcept
{
    switch (status) {
    case TRM_OK: return "TRM_OK";
    case TRM_AGAIN: return "TRM_AGAIN";
    case TRM_ERR_INTERNAL: return "TRM_ERR_INTERNAL";
    case TRM_ERR_INVALID: return "TRM_ERR_INVALID";
    case TRM_ERR_NOT_FOUND: return "TRM_ERR_NOT_FOUND";
    case TRM_ERR_NO_MEMORY: return "TRM_ERR_NO_MEMORY";
    case TRM_ERR_UNSUPPORTED: return "TRM_ERR_UNSUPPORTED";
    case TRM_ERR_TOO_LARGE: return "TRM_ERR_TOO_LARGE";
    case TRM_ERR_TIMEOUT: return "TRM_ERR_TIMEOUT";
    case TRM_ERR_UNAVAILABLE: return "TRM_ERR_UNAVAILABLE";
    case TRM_ERR_FORBIDDEN: return "TRM_ERR_FORBIDDEN";
    case TRM_ERR_BAD_REQUEST: return "TRM_ERR_BAD_REQUEST";
    default: return "unknown status";
    }
}

namespace detail {

inline char lowerAscii(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool equalsNoCase(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lowerAscii(a[i]) != lowerAscii(b[i])) return false;
    return true;
}

inline std::optional<std::string> findPair(const Headers& pairs, std::string_view name)
{
    for (const auto& p : pairs)
        if (equalsNoCase(p.first, name)) return p.second;
    return std::nullopt;
}

/// A view of a trm_str; nothing when the view is malformed (NULL pointer with a length).
inline std::optional<std::string_view> viewOf(trm_str s) noexcept
{
    if (s.len == 0) return std::string_view();
    if (s.ptr == nullptr) return std::nullopt;
    return std::string_view(s.ptr, s.len);
}

/// Flattens a JSON object into '.'-separated keys: scalars as text, objects and arrays as their
/// JSON text, "" as the whole object. Throws std::invalid_argument on malformed JSON.
class JsonFlattener {
public:
    /// Parses text (must be one JSON object) into out.
    static void flatten(std::string_view text, FlatConfig& out)
    {
        JsonFlattener parser(text, out);
        parser.skipSpace();
        if (parser.peek() != '{') parser.fail("the configuration must be a JSON object");
        parser.value("", 0);
        parser.skipSpace();
        if (parser._pos != text.size()) parser.fail("trailing characters after the JSON object");
    }

private:
    JsonFlattener(std::string_view text, FlatConfig& out) : _text(text), _out(out) {}

    [[noreturn]] void fail(const std::string& what) const
    {
        throw std::invalid_argument("FakeHost config: " + what + " at offset " + std::to_string(_pos));
    }
    char peek() const noexcept { return _pos < _text.size() ? _text[_pos] : '\0'; }
    void skipSpace() noexcept
    {
        while (_pos < _text.size() && (_text[_pos] == ' ' || _text[_pos] == '\t' || _text[_pos] == '\n' || _text[_pos] == '\r'))
            ++_pos;
    }
    void expect(char c)
    {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++_pos;
    }
    static std::string child(const std::string& parent, const std::string& name) { return parent.empty() ? name : parent + "." + name; }

    void value(const std::string& key, int depth)
    {
        if (depth > 64) fail("nesting too deep");
        skipSpace();
        size_t start = _pos;
        char c = peek();
        if (c == '{') {
            object(key, depth);
            _out[key] = std::string(_text.substr(start, _pos - start));
        } else if (c == '[') {
            array(key, depth);
            _out[key] = std::string(_text.substr(start, _pos - start));
        } else if (c == '"') {
            _out[key] = string();
        } else if (literal("true")) {
            _out[key] = "true";
        } else if (literal("false")) {
            _out[key] = "false";
        } else if (literal("null")) {
            _out.erase(key);   // null means absent
        } else {
            number();
            _out[key] = std::string(_text.substr(start, _pos - start));
        }
    }
    void object(const std::string& key, int depth)
    {
        expect('{');
        skipSpace();
        if (peek() == '}') {
            ++_pos;
            return;
        }
        for (;;) {
            skipSpace();
            if (peek() != '"') fail("expected a member name");
            std::string name = string();
            skipSpace();
            expect(':');
            value(child(key, name), depth + 1);
            skipSpace();
            if (peek() == ',') {
                ++_pos;
                continue;
            }
            expect('}');
            return;
        }
    }
    void array(const std::string& key, int depth)
    {
        expect('[');
        skipSpace();
        if (peek() == ']') {
            ++_pos;
            return;
        }
        for (size_t index = 0;; ++index) {
            value(child(key, std::to_string(index)), depth + 1);
            skipSpace();
            if (peek() == ',') {
                ++_pos;
                continue;
            }
            expect(']');
            return;
        }
    }
    bool literal(std::string_view word) noexcept
    {
        if (_text.substr(_pos, word.size()) != word) return false;
        _pos += word.size();
        return true;
    }
    bool digits()
    {
        size_t start = _pos;
        while (peek() >= '0' && peek() <= '9') ++_pos;
        return _pos > start;
    }
    void number()
    {
        if (peek() == '-') ++_pos;
        if (peek() == '0') {
            ++_pos;
        } else if (!digits()) {
            fail("unexpected character");
        }
        if (peek() == '.') {
            ++_pos;
            if (!digits()) fail("malformed number");
        }
        if (peek() == 'e' || peek() == 'E') {
            ++_pos;
            if (peek() == '+' || peek() == '-') ++_pos;
            if (!digits()) fail("malformed number");
        }
    }
    unsigned hex4()
    {
        if (_pos + 4 > _text.size()) fail("truncated \\u escape");
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            char c = _text[_pos++];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
            else fail("malformed \\u escape");
        }
        return v;
    }
    static void appendUtf8(std::string& out, unsigned cp)
    {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    std::string string()
    {
        expect('"');
        std::string out;
        for (;;) {
            if (_pos >= _text.size()) fail("unterminated string");
            char c = _text[_pos++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (_pos >= _text.size()) fail("unterminated string");
            char e = _text[_pos++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                unsigned cp = hex4();
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (!literal("\\u")) fail("lone surrogate");
                    unsigned low = hex4();
                    if (low < 0xDC00 || low > 0xDFFF) fail("lone surrogate");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    fail("lone surrogate");
                }
                appendUtf8(out, cp);
                break;
            }
            default: fail("unknown escape");
            }
        }
    }

    std::string_view _text;
    FlatConfig& _out;
    size_t _pos = 0;
};

/// The state behind one trm_response: what the plugin built during one handle() call.
/// A WebSocket a plugin accepted from a FakeHost.
struct FakeWebSocketState {
    trm_websocket_handlers handlers{};
    std::vector<std::pair<int32_t, std::string>> sent;  // messages the plugin sent, in order
    bool closing = false;                                 // the plugin called websocket_close
    int32_t closeCode = 0;                                // ... with this code
    bool closed = false;                                  // on_close was delivered
    bool released = false;                                // the plugin dropped its reference
};

struct ResponseState {
    bool webSocketAccepted = false;   // websocket_accept() succeeded on this response
    int status = 200;
    bool statusSet = false;
    Headers headers;
    std::string body;
    void* adopted = nullptr;          // body moved to the host, when adoptedFree is pending
    size_t adoptedLen = 0;
    trm_free_fn adoptedFree = nullptr;
    void* adoptedCtx = nullptr;
    bool hasAdopted = false;
    std::atomic<uint64_t>* adoptedCounter = nullptr;  // counts adoptions (owned by the FakeHost)
    std::atomic<uint64_t>* freedCounter = nullptr;    // counts frees (owned by the FakeHost)

    /// Frees an adopted body (exactly once).
    void releaseAdopted() noexcept
    {
        if (!hasAdopted) return;
        hasAdopted = false;
        if (adoptedFree != nullptr) adoptedFree(adoptedCtx, adopted);
        if (freedCounter != nullptr) ++*freedCounter;
        adopted = nullptr;
        adoptedFree = nullptr;
    }
    ResponseState() = default;
    ResponseState(const ResponseState&) = delete;
    ResponseState& operator=(const ResponseState&) = delete;
    ~ResponseState() { releaseAdopted(); }

    /// The body bytes, adopted or copied.
    std::string bodyBytes() const
    {
        if (hasAdopted) return adoptedLen ? std::string(static_cast<const char*>(adopted), adoptedLen) : std::string();
        return body;
    }
};

/// Responses currently inside a handle() call; any other trm_response* is refused.
struct LiveResponses {
    std::mutex mutex;
    std::set<const void*> live;

    static LiveResponses& instance()
    {
        static LiveResponses registry;
        return registry;
    }
    /// The state behind response, or nullptr when it is not (or no longer) live.
    ResponseState* find(trm_response* response)
    {
        std::lock_guard<std::mutex> lock(mutex);
        return live.count(response) ? reinterpret_cast<ResponseState*>(response) : nullptr;
    }
};

/// Registers a response as live for its lifetime (also when handle() throws).
/// Marks the request call() serves on this thread, for the request id of service calls made meanwhile.
class ServingRequest {
public:
    explicit ServingRequest(const std::string& requestId) : _previous(current()) { current() = &requestId; }
    ServingRequest(const ServingRequest&) = delete;
    ServingRequest& operator=(const ServingRequest&) = delete;
    ~ServingRequest() { current() = _previous; }
    /// The id of the request being served on this thread (nullptr outside call()).
    static const std::string*& current()
    {
        static thread_local const std::string* requestId = nullptr;
        return requestId;
    }

private:
    const std::string* _previous;
};

class LiveScope {
public:
    explicit LiveScope(trm_response* response) : _response(response)
    {
        auto& registry = LiveResponses::instance();
        std::lock_guard<std::mutex> lock(registry.mutex);
        registry.live.insert(_response);
    }
    LiveScope(const LiveScope&) = delete;
    LiveScope& operator=(const LiveScope&) = delete;
    ~LiveScope()
    {
        auto& registry = LiveResponses::instance();
        std::lock_guard<std::mutex> lock(registry.mutex);
        registry.live.erase(_response);
    }

private:
    trm_response* _response;
};

} // namespace detail

/// What the host would have sent for one call().
struct FakeResponse {
    int status = 0;              ///< HTTP status the host sends
    Headers headers;             ///< response headers in the order added
    std::string body;            ///< response body
    trm_status result = TRM_OK;  ///< what the plugin's handle() returned

    /// Value of the first header with this name (case-insensitive), if any.
    std::optional<std::string> header(std::string_view name) const { return detail::findPair(headers, name); }
};

/// One log record the plugin emitted.
struct LogRecord {
    int32_t level = TRM_LOG_INFO;  ///< trm_log_level, clamped to TRACE..ERROR
    std::string message;           ///< the message
    Headers fields;                ///< structured fields in order

    /// Value of the first field with this key (case-insensitive), if any.
    std::optional<std::string> field(std::string_view key) const { return detail::findPair(fields, key); }
};

/// One http_call() the plugin made, as the host received it.
struct FakeServiceCall {
    std::string service;       ///< logical service name; empty for an absolute URL in path
    std::string method;        ///< "GET" when the plugin left it empty
    std::string path;          ///< path and query, or the absolute URL
    std::string body;          ///< request body
    Headers headers;           ///< request headers in order
    uint32_t timeoutMs = 0;    ///< as given (0 = host default)
    uint32_t maxAttempts = 0;  ///< as given (0 = host default)
    std::string requestId;     ///< the id of the request being served on the calling thread, which the
                               ///< host sends as X-Request-Id (also in-process); empty from other threads
};

/// What the fake host answers to one http_call().
struct FakeServiceReply {
    trm_status result = TRM_OK;  ///< anything but TRM_OK: http_call fails with it, no response
    int status = 200;            ///< HTTP status of the response
    Headers headers;             ///< response headers
    std::string body;            ///< response body
    unsigned attempts = 1;       ///< tries reported in the response
    bool inProcess = false;      ///< sets TRM_CLIENT_IN_PROCESS
};

namespace detail {

/// A response handed out by http_call(): the C view followed by the storage it points into.
struct ServiceResponseState : trm_client_response {
    Headers headerPairs;
    std::string bodyBytes;
    std::vector<trm_kv> headerViews;
};

} // namespace detail

/// A plugin refused to load or a capability failed; status() is the trm_status.
class FakeHostError : public std::runtime_error {
public:
    /// An error with the status that caused it.
    FakeHostError(trm_status status, const std::string& message)
        : std::runtime_error(message + " (" + statusName(status) + " = " + std::to_string(status) + ")"), _status(status) {}
    /// The trm_status that caused the error.
    trm_status status() const noexcept { return _status; }

private:
    trm_status _status;
};

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
        detail::JsonFlattener::flatten(configJson, _config);
    }

    /// A host whose plugin configuration is given as flat '.'-separated keys and text values.
    FakeHost(trm_plugin_entry_fn entry, FlatConfig config) : _entry(entry), _config(std::move(config))
    {
        _api.struct_size = static_cast<uint32_t>(sizeof(trm_host_api));
        _api.abi_major = abiMajor;
        _api.abi_minor = abiMinor;
        _api.log = &FakeHost::hostLog;
        _api.config_get = &FakeHost::hostConfigGet;
        _api.response_set_status = &FakeHost::hostSetStatus;
        _api.response_add_header = &FakeHost::hostAddHeader;
        _api.response_set_body = &FakeHost::hostSetBody;
        _api.response_adopt_body = &FakeHost::hostAdoptBody;
        _api.counter_add = &FakeHost::hostCounterAdd;
        _api.http_call = &FakeHost::hostHttpCall;
        _api.client_response_release = &FakeHost::hostClientResponseRelease;
        _api.secret_get = &FakeHost::hostSecretGet;
        _api.log_enabled = &FakeHost::hostLogEnabled;
        _api.histogram_observe = &FakeHost::hostHistogramObserve;
        _api.gauge_set = &FakeHost::hostGaugeSet;
        _api.websocket_accept = &FakeHost::hostWebSocketAccept;
        _api.websocket_send = &FakeHost::hostWebSocketSend;
        _api.websocket_close = &FakeHost::hostWebSocketClose;
        _api.websocket_release = &FakeHost::hostWebSocketRelease;
    }

    FakeHost(const FakeHost&) = delete;
    FakeHost& operator=(const FakeHost&) = delete;

    /// Destroys the plugin instance if it was created, and frees service responses never released.
    ~FakeHost()
    {
        stop();
        for (auto* response : _serviceResponses) delete static_cast<detail::ServiceResponseState*>(response);
    }

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
        _requestStructSize = static_cast<uint32_t>(offsetof(trm_request, request_id));
    }

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
        for (size_t i = 0; i < webSocketCount(); ++i) webSocketPeerClose(i, TRM_WS_CLOSE_GOING_AWAY);
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
    size_t webSocketCount() const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return _webSockets.size();
    }

    /// Messages the plugin sent on socket i (opcode, payload), in order.
    std::vector<std::pair<int32_t, std::string>> webSocketSent(size_t i) const
    {
        detail::FakeWebSocketState* ws = webSocket(i);
        std::lock_guard<std::mutex> lock(webSocketMutex());
        return ws->sent;
    }

    /// The peer sends a message on socket i: the plugin's on_message runs now, on this thread.
    void webSocketReceive(size_t i, std::string_view payload, int32_t opcode = TRM_WS_TEXT)
    {
        detail::FakeWebSocketState* ws = webSocket(i);
        {
            std::lock_guard<std::mutex> lock(webSocketMutex());
            if (ws->closed) return;
        }
        if (ws->handlers.on_message == nullptr) return;
        ws->handlers.on_message(ws->handlers.user, reinterpret_cast<trm_websocket*>(ws), opcode, payload.data(), payload.size());
    }

    /// The socket closes with code (the peer closed, or answered the plugin's close): on_close
    /// runs now, once; later sends answer TRM_ERR_UNAVAILABLE.
    void webSocketPeerClose(size_t i, int32_t code, std::string_view reason = {})
    {
        detail::FakeWebSocketState* ws = webSocket(i);
        {
            std::lock_guard<std::mutex> lock(webSocketMutex());
            if (ws->closed) return;
            ws->closed = true;
        }
        if (ws->handlers.on_close != nullptr) ws->handlers.on_close(ws->handlers.user, reinterpret_cast<trm_websocket*>(ws), code, str(reason));
    }

    /// True when the plugin asked to close socket i (websocket_close), and with which code (0: not).
    int32_t webSocketCloseRequested(size_t i) const
    {
        detail::FakeWebSocketState* ws = webSocket(i);
        std::lock_guard<std::mutex> lock(webSocketMutex());
        return ws->closing ? ws->closeCode : 0;
    }

    /// True once the plugin released socket i (websocket_release).
    bool webSocketReleased(size_t i) const
    {
        detail::FakeWebSocketState* ws = webSocket(i);
        std::lock_guard<std::mutex> lock(webSocketMutex());
        return ws->released;
    }

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
        route(detail::findPair(headers, "Host").value_or(""), originalPath, routePrefix, routedPath);

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

        detail::ResponseState state;
        state.adoptedCounter = &_adoptedBodies;
        state.freedCounter = &_freedBodies;
        auto* response = reinterpret_cast<trm_response*>(&state);
        trm_status result;
        {
            detail::LiveScope live(response);   // the response is usable only during handle()
            detail::ServingRequest serving(requestId);
            result = _descriptor->handle(_instance, &request, response);
        }
        ++_calls;

        FakeResponse out;
        out.result = result;
        if (result == TRM_OK && state.webSocketAccepted) {
            out.status = 101;   // the real host answers 101 Switching Protocols with the plugin's headers
            out.headers = std::move(state.headers);
        } else if (result == TRM_OK) {
            out.status = state.statusSet ? state.status : 200;
            out.headers = std::move(state.headers);
            out.body = state.bodyBytes();
        } else {
            const char* code = "plugin_error";
            out.status = 500;
            switch (result) {
            case TRM_AGAIN: out.status = 503; code = "try_again"; break;
            case TRM_ERR_BAD_REQUEST: out.status = 400; code = "bad_request"; break;
            case TRM_ERR_FORBIDDEN: out.status = 403; code = "forbidden"; break;
            case TRM_ERR_NOT_FOUND: out.status = 404; code = "not_found"; break;
            case TRM_ERR_TOO_LARGE: out.status = 413; code = "payload_too_large"; break;
            case TRM_ERR_UNAVAILABLE: out.status = 503; code = "unavailable"; break;
            case TRM_ERR_TIMEOUT: out.status = 504; code = "timeout"; break;
            default:
                if (result > TRM_AGAIN || result < TRM_ERR_BAD_REQUEST) code = "unknown_status";
                break;
            }
            // The host's words exactly (host/plugin/Generation.cpp, StatusMapping.cpp).
            const std::string plugin = std::string("plugin '") + (_descriptor->name ? _descriptor->name : "") + "'";
            std::string message = plugin + " failed: " + statusName(result);
            if (result == TRM_AGAIN) message = plugin + " asks to try again later";
            else if (std::string_view(statusName(result)) == "unknown status") message += " " + std::to_string(result);
            out.headers = {{"Content-Type", "application/json"}};
            if (result == TRM_AGAIN) out.headers.emplace_back("Retry-After", "1");
            out.body = "{\"error\":";
            ::terrarium::appendJsonString(out.body, code);
            out.body += ",\"message\":";
            ::terrarium::appendJsonString(out.body, message);
            out.body += "}";
        }
        state.releaseAdopted();
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
        std::lock_guard<std::mutex> lock(_mutex);
        return _logs;
    }

    /// True when some record's message or field value contains text.
    bool logged(std::string_view text) const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        for (const auto& record : _logs) {
            if (record.message.find(text) != std::string::npos) return true;
            for (const auto& f : record.fields)
                if (f.second.find(text) != std::string::npos) return true;
        }
        return false;
    }

    /// Forgets the log records emitted so far.
    void clearLogs()
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _logs.clear();
    }

    /// A copy of all counters (name -> value).
    std::map<std::string, uint64_t> counters() const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return {_counters.begin(), _counters.end()};
    }

    /// The value of counter name (0 when never added to).
    uint64_t counter(std::string_view name) const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        auto it = _counters.find(name);
        return it == _counters.end() ? 0 : it->second;
    }

    /// Number of bodies the plugin moved to the host with response_adopt_body.
    uint64_t adoptedBodies() const noexcept { return _adoptedBodies.load(); }

    /// Number of adopted bodies freed through their free function (equals adoptedBodies() after each call).
    uint64_t freedBodies() const noexcept { return _freedBodies.load(); }

    /// The configuration as config_get sees it.
    const FlatConfig& config() const noexcept { return _config; }

    /// Sets the client address ("ip:port") and listener name of later requests.
    void setPeer(std::string clientAddress, std::string listener)
    {
        _clientAddress = std::move(clientAddress);
        _listener = std::move(listener);
    }

    /// Sets the request_id of later call()s (by default "fake-request-<n>", n counting from 1).
    void setRequestId(std::string requestId)
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _requestId = std::move(requestId);
    }

    // ---- ABI 1.1 services ----

    /// Answers the plugin's http_call()s from now on (by default every call fails with TRM_ERR_NOT_FOUND,
    /// like an unknown service). Runs on the plugin's thread, outside the host's lock; an exception
    /// makes http_call fail with TRM_ERR_INTERNAL.
    void onServiceCall(std::function<FakeServiceReply(const FakeServiceCall&)> handler)
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _serviceHandler = std::move(handler);
    }

    /// A copy of the http_call()s made so far (the valid ones), oldest first.
    std::vector<FakeServiceCall> serviceCalls() const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return _serviceCalls;
    }

    /// Responses handed out by http_call() and not yet released (0 when the plugin releases them all).
    size_t liveServiceResponses() const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return _serviceResponses.size();
    }

    /// Sets key of secret path to value.
    void setSecret(std::string path, std::string key, std::string value)
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _secrets[std::move(path)][std::move(key)] = std::move(value);
    }

    /// Makes every read of path fail with error (TRM_ERR_FORBIDDEN, TRM_ERR_UNAVAILABLE, ...);
    /// TRM_OK removes the error again.
    void setSecretError(std::string path, trm_status error)
    {
        std::lock_guard<std::mutex> lock(_mutex);
        if (error == TRM_OK) _secretErrors.erase(path);
        else _secretErrors[std::move(path)] = error;
    }

    /// The plugin's log level: log_enabled() is true from minimumLevel up, records below it are
    /// dropped (default TRM_LOG_TRACE: everything is kept).
    void setLogLevel(int32_t minimumLevel) noexcept { _logLevel.store(minimumLevel); }

    /// A copy of all gauges (name -> last value set).
    std::map<std::string, double> gauges() const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return {_gauges.begin(), _gauges.end()};
    }

    /// The values observed in histogram name, oldest first (empty when never observed).
    std::vector<double> observations(std::string_view name) const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        auto it = _histograms.find(name);
        return it == _histograms.end() ? std::vector<double>() : it->second;
    }

private:
    static trm_str str(std::string_view s) noexcept { return trm_str{s.data(), s.size()}; }
    static FakeHost* self(trm_host_ctx* ctx) noexcept { return reinterpret_cast<FakeHost*>(ctx); }
    trm_host_ctx* context() noexcept { return reinterpret_cast<trm_host_ctx*>(this); }

    std::string nextRequestId()
    {
        uint64_t number = ++_requestNumber;
        std::lock_guard<std::mutex> lock(_mutex);
        if (_requestId) return *_requestId;
        return "fake-request-" + std::to_string(number);
    }

    static int32_t clampLevel(int32_t level) noexcept
    {
        return level < TRM_LOG_TRACE ? TRM_LOG_TRACE : (level > TRM_LOG_ERROR ? TRM_LOG_ERROR : level);
    }

    static bool validMetricName(std::string_view name) noexcept
    {
        if (name.empty()) return false;
        for (size_t i = 0; i < name.size(); ++i) {
            char c = name[i];
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
            if (!ok) return false;
        }
        return true;
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

    static bool validName(const char* name) noexcept
    {
        if (name == nullptr || *name == '\0') return false;
        for (const char* p = name; *p; ++p) {
            char c = *p;
            bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (p != name && (c == '_' || c == '-'));
            if (!ok) return false;
        }
        return true;
    }

    trm_status startInstance()
    {
        if (_started) return refuse(TRM_ERR_INVALID, "the plugin is already started");
        _lastError.clear();
        if (_entry == nullptr) return refuse(TRM_ERR_INVALID, "no entry function");
        _descriptor = _entry(&_api);
        const trm_plugin_descriptor* d = _descriptor;
        if (d == nullptr) return refuse(TRM_ERR_UNSUPPORTED, "the entry function returned NULL: the plugin cannot run on this host");
        if (d->struct_size < offsetof(trm_plugin_descriptor, handle) + sizeof(d->handle))
            return refuse(TRM_ERR_INVALID, "descriptor struct_size " + std::to_string(d->struct_size) + " is too small");
        std::string versions = "plugin ABI " + std::to_string(d->abi_major) + "." + std::to_string(d->abi_minor) + ", host ABI " +
                               std::to_string(_api.abi_major) + "." + std::to_string(_api.abi_minor);
        if (d->abi_major != _api.abi_major) return refuse(TRM_ERR_UNSUPPORTED, "ABI major version mismatch: " + versions);
        if (d->abi_minor > _api.abi_minor) return refuse(TRM_ERR_UNSUPPORTED, "the plugin needs a newer host: " + versions);
        if (!validName(d->name)) return refuse(TRM_ERR_INVALID, "invalid plugin name (must match [a-z0-9][a-z0-9_-]*)");
        if (d->version == nullptr) return refuse(TRM_ERR_INVALID, "the descriptor has no version");
        if (d->create == nullptr || d->destroy == nullptr || d->handle == nullptr)
            return refuse(TRM_ERR_INVALID, "the descriptor lacks create, destroy or handle");
        if (d->route_count != 0 && d->routes == nullptr) return refuse(TRM_ERR_INVALID, "route_count without routes");
        _routes.clear();
        // Routes are laid out routes[0].struct_size bytes apart, so that a newer plugin's longer
        // trm_route is stepped over correctly.
        size_t stride = d->route_count ? d->routes[0].struct_size : 0;
        for (size_t i = 0; i < d->route_count; ++i) {
            const auto* r = reinterpret_cast<const trm_route*>(reinterpret_cast<const char*>(d->routes) + i * stride);
            if (r->struct_size < sizeof(trm_route) || r->struct_size != stride)
                return refuse(TRM_ERR_INVALID, "route " + std::to_string(i) + " has a bad struct_size");
            if (r->prefix == nullptr || r->prefix[0] != '/')
                return refuse(TRM_ERR_INVALID, "route " + std::to_string(i) + " prefix must start with '/'");
            std::string host;
            if (r->host != nullptr)
                for (const char* p = r->host; *p && *p != ':'; ++p) host += detail::lowerAscii(*p);
            _routes.push_back(Route{r->prefix, std::move(host), (r->flags & TRM_ROUTE_STRIP_PREFIX) != 0});
        }
        void* instance = nullptr;
        trm_status status = d->create(&_api, context(), &instance);
        if (status != TRM_OK) return refuse(status, std::string("create() of plugin \"") + d->name + "\" failed");
        _instance = instance;
        _started = true;
        return TRM_OK;
    }

    struct Route {
        std::string prefix;
        std::string host;   // lower case, no port; empty = any host
        bool strip = true;
    };

    static bool prefixMatches(const std::string& prefix, const std::string& path) noexcept
    {
        if (path.compare(0, prefix.size(), prefix) != 0) return false;
        return path.size() == prefix.size() || prefix.back() == '/' || path[prefix.size()] == '/';
    }

    void route(const std::string& hostHeader, const std::string& path, std::string& prefix, std::string& routed) const
    {
        std::string host;
        for (char c : hostHeader) {
            if (c == ':') break;
            host += detail::lowerAscii(c);
        }
        const Route* best = nullptr;
        for (const auto& r : _routes) {
            if (!r.host.empty() && r.host != host) continue;
            if (!prefixMatches(r.prefix, path)) continue;
            bool better = best == nullptr || (best->host.empty() && !r.host.empty()) ||
                          (best->host.empty() == r.host.empty() && r.prefix.size() > best->prefix.size());
            if (better) best = &r;
        }
        if (best == nullptr) return;
        prefix = best->prefix;
        if (best->strip) {
            routed = path.substr(best->prefix.size());
            if (routed.empty() || routed.front() != '/') routed.insert(routed.begin(), '/');
        }
    }

    // ---- the host function table ----

    static void hostLog(trm_host_ctx* ctx, int32_t level, trm_str message, const trm_kv* fields, size_t fieldCount)
    {
        if (ctx == nullptr) return;
        try {
            LogRecord record;
            record.level = clampLevel(level);
            if (record.level < self(ctx)->_logLevel.load()) return;
            record.message = std::string(detail::viewOf(message).value_or(std::string_view()));
            if (fields != nullptr) {
                for (size_t i = 0; i < fieldCount; ++i)
                    record.fields.emplace_back(std::string(detail::viewOf(fields[i].key).value_or(std::string_view())),
                                               std::string(detail::viewOf(fields[i].value).value_or(std::string_view())));
            }
            FakeHost* host = self(ctx);
            std::lock_guard<std::mutex> lock(host->_mutex);
            host->_logs.push_back(std::move(record));
        } catch (...) {
            // log never fails
        }
    }

    static trm_status hostConfigGet(trm_host_ctx* ctx, trm_str key, trm_str* out)
    {
        if (ctx == nullptr || out == nullptr) return TRM_ERR_INVALID;
        auto k = detail::viewOf(key);
        if (!k) return TRM_ERR_INVALID;
        const FakeHost* host = self(ctx);
        auto it = host->_config.find(*k);
        if (it == host->_config.end()) return TRM_ERR_NOT_FOUND;
        *out = trm_str{it->second.c_str(), it->second.size()};
        return TRM_OK;
    }

    static trm_status hostSetStatus(trm_response* response, int32_t status)
    {
        auto* state = detail::LiveResponses::instance().find(response);
        if (state == nullptr || status < 100 || status > 599) return TRM_ERR_INVALID;
        state->status = status;
        state->statusSet = true;
        return TRM_OK;
    }

    static trm_status hostAddHeader(trm_response* response, trm_str name, trm_str value)
    {
        auto* state = detail::LiveResponses::instance().find(response);
        auto n = detail::viewOf(name);
        auto v = detail::viewOf(value);
        if (state == nullptr || !n || !v || n->empty()) return TRM_ERR_INVALID;
        if (n->find_first_of("\r\n") != std::string_view::npos || v->find_first_of("\r\n") != std::string_view::npos)
            return TRM_ERR_INVALID;
        try {
            state->headers.emplace_back(std::string(*n), std::string(*v));
        } catch (...) {
            return TRM_ERR_NO_MEMORY;
        }
        return TRM_OK;
    }

    static trm_status hostSetBody(trm_response* response, const void* data, size_t len)
    {
        auto* state = detail::LiveResponses::instance().find(response);
        if (state == nullptr || (data == nullptr && len != 0)) return TRM_ERR_INVALID;
        try {
            std::string copy = len ? std::string(static_cast<const char*>(data), len) : std::string();
            state->releaseAdopted();
            state->body = std::move(copy);
        } catch (...) {
            return TRM_ERR_NO_MEMORY;
        }
        return TRM_OK;
    }

    static trm_status hostAdoptBody(trm_response* response, void* data, size_t len, trm_free_fn freeFn, void* freeCtx)
    {
        auto* state = detail::LiveResponses::instance().find(response);
        if (state == nullptr || (data == nullptr && len != 0)) {
            // Ownership moved even though the call fails: free now, exactly once.
            if (freeFn != nullptr) freeFn(freeCtx, data);
            return TRM_ERR_INVALID;
        }
        if (state->adoptedCounter != nullptr) ++*state->adoptedCounter;
        state->releaseAdopted();
        state->body.clear();
        state->adopted = data;
        state->adoptedLen = len;
        state->adoptedFree = freeFn;
        state->adoptedCtx = freeCtx;
        state->hasAdopted = true;
        return TRM_OK;
    }

    static trm_status hostCounterAdd(trm_host_ctx* ctx, trm_str name, uint64_t delta)
    {
        auto n = detail::viewOf(name);
        if (ctx == nullptr || !n || !validMetricName(*n)) return TRM_ERR_INVALID;
        FakeHost* host = self(ctx);
        try {
            std::lock_guard<std::mutex> lock(host->_mutex);
            auto it = host->_counters.find(*n);
            if (it == host->_counters.end()) it = host->_counters.emplace(std::string(*n), 0).first;
            it->second += delta;
        } catch (...) {
            return TRM_ERR_NO_MEMORY;
        }
        return TRM_OK;
    }

    static bool validHeaders(const trm_kv* headers, size_t count, Headers& out)
    {
        if (headers == nullptr && count != 0) return false;
        for (size_t i = 0; i < count; ++i) {
            auto n = detail::viewOf(headers[i].key);
            auto v = detail::viewOf(headers[i].value);
            if (!n || !v || n->empty()) return false;
            if (n->find_first_of("\r\n") != std::string_view::npos || v->find_first_of("\r\n") != std::string_view::npos) return false;
            out.emplace_back(std::string(*n), std::string(*v));
        }
        return true;
    }

    static bool startsWith(std::string_view text, std::string_view prefix) noexcept { return text.substr(0, prefix.size()) == prefix; }

    static trm_status hostHttpCall(trm_host_ctx* ctx, const trm_client_request* request, trm_client_response** out)
    {
        if (ctx == nullptr || out == nullptr || !TRM_HAS_FIELD(request, trm_client_request, timeout_ms)) return TRM_ERR_INVALID;
        *out = nullptr;
        FakeHost* host = self(ctx);
        try {
            auto service = detail::viewOf(request->service);
            auto method = detail::viewOf(request->method);
            auto path = detail::viewOf(request->path);
            auto body = detail::viewOf(request->body);
            if (!service || !method || !path || !body) return TRM_ERR_INVALID;
            FakeServiceCall call;
            if (!validHeaders(request->headers, request->header_count, call.headers)) return TRM_ERR_INVALID;
            if (service->empty() ? !(startsWith(*path, "http://") || startsWith(*path, "https://"))
                                 : !(path->empty() || path->front() == '/' || path->front() == '?'))
                return TRM_ERR_INVALID;
            call.service = std::string(*service);
            call.method = method->empty() ? std::string("GET") : std::string(*method);
            call.path = std::string(*path);
            call.body = std::string(*body);
            call.timeoutMs = request->timeout_ms;
            call.maxAttempts = request->max_attempts;
            if (const std::string* requestId = detail::ServingRequest::current()) call.requestId = *requestId;

            std::function<FakeServiceReply(const FakeServiceCall&)> handler;
            {
                std::lock_guard<std::mutex> lock(host->_mutex);
                host->_serviceCalls.push_back(call);
                handler = host->_serviceHandler;
            }
            FakeServiceReply reply;
            if (handler) {
                try {
                    reply = handler(call);
                } catch (const std::bad_alloc&) {
                    return TRM_ERR_NO_MEMORY;
                } catch (...) {
                    return TRM_ERR_INTERNAL;
                }
            } else {
                reply.result = TRM_ERR_NOT_FOUND;
            }
            if (reply.result != TRM_OK) return reply.result;

            auto* state = new detail::ServiceResponseState();
            trm_client_response* response = state;
            try {
                state->headerPairs = std::move(reply.headers);
                state->bodyBytes = std::move(reply.body);
                state->headerViews.reserve(state->headerPairs.size());
                for (const auto& h : state->headerPairs) state->headerViews.push_back(trm_kv{str(h.first), str(h.second)});
                state->struct_size = static_cast<uint32_t>(sizeof(trm_client_response));
                state->status = reply.status;
                state->headers = state->headerViews.empty() ? nullptr : state->headerViews.data();
                state->header_count = state->headerViews.size();
                state->body = str(state->bodyBytes);
                state->attempts = static_cast<uint32_t>(reply.attempts);
                state->flags = reply.inProcess ? TRM_CLIENT_IN_PROCESS : 0u;
                std::lock_guard<std::mutex> lock(host->_mutex);
                host->_serviceResponses.insert(response);
            } catch (...) {
                delete state;
                throw;
            }
            *out = response;
            return TRM_OK;
        } catch (const std::bad_alloc&) {
            return TRM_ERR_NO_MEMORY;
        } catch (...) {
            return TRM_ERR_INTERNAL;
        }
    }

    static void hostClientResponseRelease(trm_host_ctx* ctx, trm_client_response* response)
    {
        if (ctx == nullptr || response == nullptr) return;
        FakeHost* host = self(ctx);
        {
            std::lock_guard<std::mutex> lock(host->_mutex);
            if (host->_serviceResponses.erase(response) == 0) return;   // not ours, or released twice
        }
        delete static_cast<detail::ServiceResponseState*>(response);
    }

    static trm_status hostSecretGet(trm_host_ctx* ctx, trm_str path, trm_str key, char* buf, size_t bufSize, size_t* valueLen)
    {
        auto p = detail::viewOf(path);
        auto k = detail::viewOf(key);
        if (ctx == nullptr || valueLen == nullptr || !p || !k || (buf == nullptr && bufSize != 0)) return TRM_ERR_INVALID;
        FakeHost* host = self(ctx);
        try {
            std::lock_guard<std::mutex> lock(host->_mutex);
            auto error = host->_secretErrors.find(*p);
            if (error != host->_secretErrors.end()) return error->second;
            auto secrets = host->_secrets.find(*p);
            if (secrets == host->_secrets.end()) return TRM_ERR_NOT_FOUND;
            auto value = secrets->second.find(*k);
            if (value == secrets->second.end()) return TRM_ERR_NOT_FOUND;
            const std::string& text = value->second;
            *valueLen = text.size();
            if (text.size() > bufSize) return TRM_ERR_TOO_LARGE;
            if (!text.empty()) std::memcpy(buf, text.data(), text.size());
            if (text.size() < bufSize) buf[text.size()] = '\0';
            return TRM_OK;
        } catch (...) {
            return TRM_ERR_NO_MEMORY;
        }
    }

    static bool hostLogEnabled(trm_host_ctx* ctx, int32_t level)
    {
        return ctx != nullptr && clampLevel(level) >= self(ctx)->_logLevel.load();
    }

    static trm_status hostHistogramObserve(trm_host_ctx* ctx, trm_str name, double value)
    {
        auto n = detail::viewOf(name);
        if (ctx == nullptr || !n || !validMetricName(*n) || value != value) return TRM_ERR_INVALID;
        FakeHost* host = self(ctx);
        try {
            std::lock_guard<std::mutex> lock(host->_mutex);
            auto it = host->_histograms.find(*n);
            if (it == host->_histograms.end()) it = host->_histograms.emplace(std::string(*n), std::vector<double>()).first;
            it->second.push_back(value);
        } catch (...) {
            return TRM_ERR_NO_MEMORY;
        }
        return TRM_OK;
    }

    static trm_status hostGaugeSet(trm_host_ctx* ctx, trm_str name, double value)
    {
        auto n = detail::viewOf(name);
        if (ctx == nullptr || !n || !validMetricName(*n)) return TRM_ERR_INVALID;
        FakeHost* host = self(ctx);
        try {
            std::lock_guard<std::mutex> lock(host->_mutex);
            auto it = host->_gauges.find(*n);
            if (it == host->_gauges.end()) it = host->_gauges.emplace(std::string(*n), 0.0).first;
            it->second = value;
        } catch (...) {
            return TRM_ERR_NO_MEMORY;
        }
        return TRM_OK;
    }

    detail::FakeWebSocketState* webSocket(size_t i) const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return _webSockets.at(i).get();
    }

    static trm_status hostWebSocketAccept(trm_host_ctx* ctx, const trm_request* request, trm_response* response,
                                          const trm_websocket_handlers* handlers, trm_websocket** out)
    {
        if (out != nullptr) *out = nullptr;
        if (ctx == nullptr || request == nullptr || response == nullptr || handlers == nullptr || out == nullptr) return TRM_ERR_INVALID;
        auto header = [&](std::string_view name) -> std::string_view {
            for (size_t i = 0; i < request->header_count; ++i)
                if (detail::equalsNoCase(view(request->headers[i].key), name)) return view(request->headers[i].value);
            return {};
        };
        if (view(request->method) != "GET" || !detail::equalsNoCase(header("Upgrade"), "websocket") || header("Sec-WebSocket-Version") != "13" ||
            header("Sec-WebSocket-Key").empty())
            return TRM_ERR_INVALID;
        FakeHost* host = self(ctx);
        try {
            auto ws = std::make_unique<detail::FakeWebSocketState>();
            std::memcpy(&ws->handlers, handlers, std::min<size_t>(handlers->struct_size, sizeof ws->handlers));
            auto* state = reinterpret_cast<detail::ResponseState*>(response);
            state->webSocketAccepted = true;
            std::lock_guard<std::mutex> lock(host->_mutex);
            *out = reinterpret_cast<trm_websocket*>(ws.get());
            host->_webSockets.push_back(std::move(ws));
        } catch (...) {
            return TRM_ERR_NO_MEMORY;
        }
        return TRM_OK;
    }

    static trm_status hostWebSocketSend(trm_websocket* ws, int32_t opcode, const void* data, size_t len)
    {
        if (ws == nullptr || (opcode != TRM_WS_TEXT && opcode != TRM_WS_BINARY) || (data == nullptr && len)) return TRM_ERR_INVALID;
        auto* state = reinterpret_cast<detail::FakeWebSocketState*>(ws);
        std::lock_guard<std::mutex> lock(webSocketMutex());
        if (state->closed || state->closing) return TRM_ERR_UNAVAILABLE;
        state->sent.emplace_back(opcode, std::string(static_cast<const char*>(data), len));
        return TRM_OK;
    }

    static trm_status hostWebSocketClose(trm_websocket* ws, int32_t code, trm_str reason)
    {
        const bool validCode = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
        if (ws == nullptr || !validCode || reason.len > 123) return TRM_ERR_INVALID;
        auto* state = reinterpret_cast<detail::FakeWebSocketState*>(ws);
        std::lock_guard<std::mutex> lock(webSocketMutex());
        if (state->closed || state->closing) return TRM_ERR_UNAVAILABLE;
        state->closing = true;
        state->closeCode = code;
        return TRM_OK;
    }

    static void hostWebSocketRelease(trm_websocket* ws)
    {
        if (ws == nullptr) return;
        std::lock_guard<std::mutex> lock(webSocketMutex());
        reinterpret_cast<detail::FakeWebSocketState*>(ws)->released = true;
    }

    /// Guards the state of every fake WebSocket (their functions receive no host context).
    static std::mutex& webSocketMutex()
    {
        static std::mutex mutex;
        return mutex;
    }

    trm_plugin_entry_fn _entry;
    FlatConfig _config;
    trm_host_api _api{};
    const trm_plugin_descriptor* _descriptor = nullptr;
    void* _instance = nullptr;
    bool _started = false;
    std::string _lastError;
    std::vector<Route> _routes;
    std::string _clientAddress = "127.0.0.1:40000";
    std::string _listener = "main";

    uint32_t _requestStructSize = static_cast<uint32_t>(sizeof(trm_request));

    mutable std::mutex _mutex;                           // guards the containers and optionals below
    std::vector<LogRecord> _logs;
    std::map<std::string, uint64_t, std::less<>> _counters;
    std::map<std::string, double, std::less<>> _gauges;
    std::map<std::string, std::vector<double>, std::less<>> _histograms;
    std::optional<std::string> _requestId;
    std::function<FakeServiceReply(const FakeServiceCall&)> _serviceHandler;
    std::vector<FakeServiceCall> _serviceCalls;
    std::set<trm_client_response*> _serviceResponses;
    std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> _secrets;
    std::map<std::string, trm_status, std::less<>> _secretErrors;
    std::atomic<int32_t> _logLevel{TRM_LOG_TRACE};
    std::atomic<uint64_t> _requestNumber{0};
    std::atomic<uint64_t> _calls{0};
    std::atomic<uint64_t> _adoptedBodies{0};
    std::atomic<uint64_t> _freedBodies{0};
    std::vector<std::unique_ptr<detail::FakeWebSocketState>> _webSockets;
};

} // namespace testing
} // namespace terrarium

#endif // TERRARIUM_TESTING_FAKE_HOST_HPP
