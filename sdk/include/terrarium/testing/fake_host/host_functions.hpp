// Terrarium plugin SDK, part of the fake host (include <terrarium/testing/fake_host.hpp>, not this):
// the host function table (trm_host_api) and the state behind a FakeHost's trm_host_ctx that its
// functions record into and a test scripts.
#ifndef TERRARIUM_TESTING_FAKE_HOST_HOST_FUNCTIONS_HPP
#define TERRARIUM_TESTING_FAKE_HOST_HOST_FUNCTIONS_HPP

#include "terrarium/plugin.h"
#include "terrarium/plugin.hpp"
#include "terrarium/testing/fake_host/call_state.hpp"
#include "terrarium/testing/fake_host/common.hpp"
#include "terrarium/testing/fake_host/file_bodies.hpp"
#include "terrarium/testing/fake_host/records.hpp"
#include "terrarium/testing/fake_host/websockets.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <new>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace terrarium {
namespace testing {
namespace detail {

/// The state behind one FakeHost's trm_host_ctx: what the host functions record (logs, metrics,
/// service calls, WebSockets) and what the test scripts (configuration, service replies, secrets,
/// log level).
struct HostState {
    HostState() = default;
    HostState(const HostState&) = delete;
    HostState& operator=(const HostState&) = delete;

    /// Frees the service responses the plugin never released.
    ~HostState()
    {
        for (auto* response : serviceResponses) delete static_cast<ServiceResponseState*>(response);
    }

    FlatConfig config;
    mutable std::mutex mutex;                        // guards the containers below
    std::vector<LogRecord> logs;
    std::map<std::string, uint64_t, std::less<>> counters;
    std::map<std::string, double, std::less<>> gauges;
    std::map<std::string, std::vector<double>, std::less<>> histograms;
    std::function<FakeServiceReply(const FakeServiceCall&)> serviceHandler;
    std::vector<FakeServiceCall> serviceCalls;
    std::set<trm_client_response*> serviceResponses;
    std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> secrets;
    std::map<std::string, trm_status, std::less<>> secretErrors;
    std::atomic<int32_t> logLevel{TRM_LOG_TRACE};
    FakeWebSockets webSockets;
};

/// The functions of trm_host_api as a FakeHost implements them; their trm_host_ctx is the HostState.
class HostFunctions {
public:
    /// Points every function of api at this implementation (the version fields are left alone).
    static void install(trm_host_api& api) noexcept
    {
        api.log = &HostFunctions::log;
        api.config_get = &HostFunctions::configGet;
        api.response_set_status = &HostFunctions::setStatus;
        api.response_add_header = &HostFunctions::addHeader;
        api.response_set_body = &HostFunctions::setBody;
        api.response_adopt_body = &HostFunctions::adoptBody;
        api.counter_add = &HostFunctions::counterAdd;
        api.http_call = &HostFunctions::httpCall;
        api.client_response_release = &HostFunctions::clientResponseRelease;
        api.secret_get = &HostFunctions::secretGet;
        api.log_enabled = &HostFunctions::logEnabled;
        api.histogram_observe = &HostFunctions::histogramObserve;
        api.gauge_set = &HostFunctions::gaugeSet;
        api.websocket_accept = &HostFunctions::webSocketAccept;
        api.websocket_send = &FakeWebSockets::send;
        api.websocket_close = &FakeWebSockets::close;
        api.websocket_release = &FakeWebSockets::release;
        api.response_send_file = &HostFunctions::sendFile;
    }

    /// The context the functions receive for state.
    static trm_host_ctx* context(HostState& host) noexcept { return reinterpret_cast<trm_host_ctx*>(&host); }

private:
    static HostState* hostState(trm_host_ctx* ctx) noexcept { return reinterpret_cast<HostState*>(ctx); }

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

    static void log(trm_host_ctx* ctx, int32_t level, trm_str message, const trm_kv* fields, size_t fieldCount)
    {
        if (ctx == nullptr) return;
        try {
            LogRecord record;
            record.level = clampLevel(level);
            if (record.level < hostState(ctx)->logLevel.load()) return;
            record.message = std::string(viewOf(message).value_or(std::string_view()));
            if (fields != nullptr) {
                for (size_t i = 0; i < fieldCount; ++i)
                    record.fields.emplace_back(std::string(viewOf(fields[i].key).value_or(std::string_view())),
                                               std::string(viewOf(fields[i].value).value_or(std::string_view())));
            }
            HostState* host = hostState(ctx);
            std::lock_guard<std::mutex> lock(host->mutex);
            host->logs.push_back(std::move(record));
        } catch (...) {
            // log never fails
        }
    }

    static trm_status configGet(trm_host_ctx* ctx, trm_str key, trm_str* out)
    {
        if (ctx == nullptr || out == nullptr) return TRM_ERR_INVALID;
        auto k = viewOf(key);
        if (!k) return TRM_ERR_INVALID;
        const HostState* host = hostState(ctx);
        auto it = host->config.find(*k);
        if (it == host->config.end()) return TRM_ERR_NOT_FOUND;
        *out = trm_str{it->second.c_str(), it->second.size()};
        return TRM_OK;
    }

    static trm_status setStatus(trm_response* response, int32_t status)
    {
        auto* state = LiveResponses::instance().find(response);
        if (state == nullptr || status < 100 || status > 599) return TRM_ERR_INVALID;
        state->status = status;
        state->statusSet = true;
        return TRM_OK;
    }

    static trm_status addHeader(trm_response* response, trm_str name, trm_str value)
    {
        auto* state = LiveResponses::instance().find(response);
        auto n = viewOf(name);
        auto v = viewOf(value);
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

    static trm_status setBody(trm_response* response, const void* data, size_t len)
    {
        auto* state = LiveResponses::instance().find(response);
        if (state == nullptr || (data == nullptr && len != 0)) return TRM_ERR_INVALID;
        try {
            std::string copy = len ? std::string(static_cast<const char*>(data), len) : std::string();
            state->releaseAdopted();
            state->releaseFile();
            state->body = std::move(copy);
        } catch (...) {
            return TRM_ERR_NO_MEMORY;
        }
        return TRM_OK;
    }

    static trm_status adoptBody(trm_response* response, void* data, size_t len, trm_free_fn freeFn, void* freeCtx)
    {
        auto* state = LiveResponses::instance().find(response);
        if (state == nullptr || (data == nullptr && len != 0)) {
            // Ownership moved even though the call fails: free now, exactly once.
            if (freeFn != nullptr) freeFn(freeCtx, data);
            return TRM_ERR_INVALID;
        }
        if (state->adoptedCounter != nullptr) ++*state->adoptedCounter;
        state->releaseAdopted();
        state->releaseFile();
        state->body.clear();
        state->adopted = data;
        state->adoptedLen = len;
        state->adoptedFree = freeFn;
        state->adoptedCtx = freeCtx;
        state->hasAdopted = true;
        return TRM_OK;
    }

    static trm_status sendFile(trm_response* response, int fd, uint64_t offset, uint64_t length)
    {
        auto* state = LiveResponses::instance().find(response);
        if (state == nullptr || !usableFile(fd, offset, length)) {
            // Ownership moved even though the call fails: close now, exactly once.
            if (fd >= 0) ::close(fd);
            return TRM_ERR_INVALID;
        }
        state->releaseAdopted();
        state->releaseFile();
        state->body.clear();
        state->fileDescriptor = fd;
        state->fileOffset = offset;
        state->fileLength = length;
        return TRM_OK;
    }

    static trm_status counterAdd(trm_host_ctx* ctx, trm_str name, uint64_t delta)
    {
        auto n = viewOf(name);
        if (ctx == nullptr || !n || !validMetricName(*n)) return TRM_ERR_INVALID;
        HostState* host = hostState(ctx);
        try {
            std::lock_guard<std::mutex> lock(host->mutex);
            auto it = host->counters.find(*n);
            if (it == host->counters.end()) it = host->counters.emplace(std::string(*n), 0).first;
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
            auto n = viewOf(headers[i].key);
            auto v = viewOf(headers[i].value);
            if (!n || !v || n->empty()) return false;
            if (n->find_first_of("\r\n") != std::string_view::npos || v->find_first_of("\r\n") != std::string_view::npos) return false;
            out.emplace_back(std::string(*n), std::string(*v));
        }
        return true;
    }

    static bool startsWith(std::string_view text, std::string_view prefix) noexcept { return text.substr(0, prefix.size()) == prefix; }

    static trm_status httpCall(trm_host_ctx* ctx, const trm_client_request* request, trm_client_response** out)
    {
        if (ctx == nullptr || out == nullptr || !TRM_HAS_FIELD(request, trm_client_request, timeout_ms)) return TRM_ERR_INVALID;
        *out = nullptr;
        HostState* host = hostState(ctx);
        try {
            auto service = viewOf(request->service);
            auto method = viewOf(request->method);
            auto path = viewOf(request->path);
            auto body = viewOf(request->body);
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
            if (const std::string* requestId = ServingRequest::current()) call.requestId = *requestId;

            std::function<FakeServiceReply(const FakeServiceCall&)> handler;
            {
                std::lock_guard<std::mutex> lock(host->mutex);
                host->serviceCalls.push_back(call);
                handler = host->serviceHandler;
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

            auto* state = new ServiceResponseState();
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
                std::lock_guard<std::mutex> lock(host->mutex);
                host->serviceResponses.insert(response);
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

    static void clientResponseRelease(trm_host_ctx* ctx, trm_client_response* response)
    {
        if (ctx == nullptr || response == nullptr) return;
        HostState* host = hostState(ctx);
        {
            std::lock_guard<std::mutex> lock(host->mutex);
            if (host->serviceResponses.erase(response) == 0) return;   // not ours, or released twice
        }
        delete static_cast<ServiceResponseState*>(response);
    }

    static trm_status secretGet(trm_host_ctx* ctx, trm_str path, trm_str key, char* buf, size_t bufSize, size_t* valueLen)
    {
        auto p = viewOf(path);
        auto k = viewOf(key);
        if (ctx == nullptr || valueLen == nullptr || !p || !k || (buf == nullptr && bufSize != 0)) return TRM_ERR_INVALID;
        HostState* host = hostState(ctx);
        try {
            std::lock_guard<std::mutex> lock(host->mutex);
            auto error = host->secretErrors.find(*p);
            if (error != host->secretErrors.end()) return error->second;
            auto secrets = host->secrets.find(*p);
            if (secrets == host->secrets.end()) return TRM_ERR_NOT_FOUND;
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

    static bool logEnabled(trm_host_ctx* ctx, int32_t level)
    {
        return ctx != nullptr && clampLevel(level) >= hostState(ctx)->logLevel.load();
    }

    static trm_status histogramObserve(trm_host_ctx* ctx, trm_str name, double value)
    {
        auto n = viewOf(name);
        if (ctx == nullptr || !n || !validMetricName(*n) || value != value) return TRM_ERR_INVALID;
        HostState* host = hostState(ctx);
        try {
            std::lock_guard<std::mutex> lock(host->mutex);
            auto it = host->histograms.find(*n);
            if (it == host->histograms.end()) it = host->histograms.emplace(std::string(*n), std::vector<double>()).first;
            it->second.push_back(value);
        } catch (...) {
            return TRM_ERR_NO_MEMORY;
        }
        return TRM_OK;
    }

    static trm_status gaugeSet(trm_host_ctx* ctx, trm_str name, double value)
    {
        auto n = viewOf(name);
        if (ctx == nullptr || !n || !validMetricName(*n)) return TRM_ERR_INVALID;
        HostState* host = hostState(ctx);
        try {
            std::lock_guard<std::mutex> lock(host->mutex);
            auto it = host->gauges.find(*n);
            if (it == host->gauges.end()) it = host->gauges.emplace(std::string(*n), 0.0).first;
            it->second = value;
        } catch (...) {
            return TRM_ERR_NO_MEMORY;
        }
        return TRM_OK;
    }

    static trm_status webSocketAccept(trm_host_ctx* ctx, const trm_request* request, trm_response* response,
                                      const trm_websocket_handlers* handlers, trm_websocket** out)
    {
        if (out != nullptr) *out = nullptr;
        if (ctx == nullptr) return TRM_ERR_INVALID;
        return hostState(ctx)->webSockets.accept(request, response, handlers, out);
    }
};

} // namespace detail
} // namespace testing
} // namespace terrarium

#endif // TERRARIUM_TESTING_FAKE_HOST_HOST_FUNCTIONS_HPP
