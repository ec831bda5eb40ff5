// Terrarium plugin SDK, part of the fake host (include <terrarium/testing/fake_host.hpp>, not this):
// the state of one call() while the plugin handles it (the response it builds, a file it answers with, which responses are
// live, which request is being served) and of a response http_call() hands out.
#ifndef TERRARIUM_TESTING_FAKE_HOST_CALL_STATE_HPP
#define TERRARIUM_TESTING_FAKE_HOST_CALL_STATE_HPP

#include "terrarium/plugin.h"
#include "terrarium/plugin.hpp"
#include "terrarium/testing/fake_host/common.hpp"
#include "terrarium/testing/fake_host/file_bodies.hpp"
#include "terrarium/testing/fake_host/records.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace terrarium {
namespace testing {
namespace detail {

/// The state behind one trm_response: what the plugin built during one handle() call.
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
    int fileDescriptor = -1;          // response_send_file (ABI 1.3): the file, owned here until closed
    uint64_t fileOffset = 0;
    uint64_t fileLength = 0;
    bool readFileBody = true;         // read the file's range into FakeResponse::body
    std::atomic<uint64_t>* closedFileCounter = nullptr;  // counts files closed (owned by the FakeHost)

    /// Closes the file the plugin answered with (exactly once), as the host does once it is sent.
    void releaseFile() noexcept
    {
        if (fileDescriptor < 0) return;
        ::close(fileDescriptor);
        fileDescriptor = -1;
        if (closedFileCounter != nullptr) ++*closedFileCounter;
    }

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
    ~ResponseState()
    {
        releaseAdopted();
        releaseFile();
    }

    /// The body bytes, adopted or copied.
    std::string bodyBytes() const
    {
        if (hasAdopted) return adoptedLen ? std::string(static_cast<const char*>(adopted), adoptedLen) : std::string();
        return body;
    }

    /// What the host sends when handle() returned result with this response (pluginName names the
    /// plugin in the error body): the response the plugin built (101 when it accepted a WebSocket)
    /// on TRM_OK, the host's JSON error otherwise. Moves the headers out.
    FakeResponse toFakeResponse(trm_status result, const char* pluginName)
    {
        FakeResponse out;
        out.result = result;
        if (result == TRM_OK && webSocketAccepted) {
            out.status = 101;   // the real host answers 101 Switching Protocols with the plugin's headers
            out.headers = std::move(headers);
        } else if (result == TRM_OK && fileDescriptor >= 0) {
            out.status = statusSet ? status : 200;
            out.headers = std::move(headers);
            out.file = FakeFileBody{fileDescriptor, fileOffset, fileLength};
            if (readFileBody) out.body = readRange(fileDescriptor, fileOffset, fileLength);
        } else if (result == TRM_OK) {
            out.status = statusSet ? status : 200;
            out.headers = std::move(headers);
            out.body = bodyBytes();
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
            const std::string plugin = std::string("plugin '") + (pluginName ? pluginName : "") + "'";
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
        return out;
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

/// A response handed out by http_call(): the C view followed by the storage it points into.
struct ServiceResponseState : trm_client_response {
    Headers headerPairs;
    std::string bodyBytes;
    std::vector<trm_kv> headerViews;
};

} // namespace detail
} // namespace testing
} // namespace terrarium

#endif // TERRARIUM_TESTING_FAKE_HOST_CALL_STATE_HPP
