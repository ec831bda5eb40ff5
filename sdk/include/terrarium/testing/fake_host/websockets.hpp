// Terrarium plugin SDK, part of the fake host (include <terrarium/testing/fake_host.hpp>, not this):
// the WebSocket emulation (ABI 1.2): the sockets a plugin accepted, the peer's side a test drives,
// and the websocket_* host functions.
#ifndef TERRARIUM_TESTING_FAKE_HOST_WEBSOCKETS_HPP
#define TERRARIUM_TESTING_FAKE_HOST_WEBSOCKETS_HPP

#include "terrarium/plugin.h"
#include "terrarium/plugin.hpp"
#include "terrarium/testing/fake_host/call_state.hpp"
#include "terrarium/testing/fake_host/common.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace terrarium {
namespace testing {
namespace detail {

/// A WebSocket a plugin accepted from a FakeHost.
struct FakeWebSocketState {
    trm_websocket_handlers handlers{};
    std::vector<std::pair<int32_t, std::string>> sent;  // messages the plugin sent, in order
    bool closing = false;                                 // the plugin called websocket_close
    int32_t closeCode = 0;                                // ... with this code
    bool closed = false;                                  // on_close was delivered
    bool released = false;                                // the plugin dropped its reference
};

/// The WebSockets one FakeHost's plugin accepted, numbered in the order they were accepted; the
/// peer's side of each runs the plugin's handlers on the calling thread. Thread-safe.
class FakeWebSockets {
public:
    FakeWebSockets() = default;
    FakeWebSockets(const FakeWebSockets&) = delete;
    FakeWebSockets& operator=(const FakeWebSockets&) = delete;

    /// WebSockets accepted so far.
    size_t count() const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return _sockets.size();
    }

    /// Messages the plugin sent on socket i (opcode, payload), in order.
    std::vector<std::pair<int32_t, std::string>> sent(size_t i) const
    {
        FakeWebSocketState* ws = at(i);
        std::lock_guard<std::mutex> lock(stateMutex());
        return ws->sent;
    }

    /// The peer sends a message on socket i: the plugin's on_message runs now, on this thread.
    void receive(size_t i, std::string_view payload, int32_t opcode)
    {
        FakeWebSocketState* ws = at(i);
        {
            std::lock_guard<std::mutex> lock(stateMutex());
            if (ws->closed) return;
        }
        if (ws->handlers.on_message == nullptr) return;
        ws->handlers.on_message(ws->handlers.user, reinterpret_cast<trm_websocket*>(ws), opcode, payload.data(), payload.size());
    }

    /// Socket i closes with code: on_close runs now, once; later sends answer TRM_ERR_UNAVAILABLE.
    void peerClose(size_t i, int32_t code, std::string_view reason)
    {
        FakeWebSocketState* ws = at(i);
        {
            std::lock_guard<std::mutex> lock(stateMutex());
            if (ws->closed) return;
            ws->closed = true;
        }
        if (ws->handlers.on_close != nullptr) ws->handlers.on_close(ws->handlers.user, reinterpret_cast<trm_websocket*>(ws), code, str(reason));
    }

    /// Every socket not closed yet closes with code, in order.
    void peerCloseAll(int32_t code)
    {
        for (size_t i = 0; i < count(); ++i) peerClose(i, code, {});
    }

    /// The code the plugin asked to close socket i with (websocket_close), 0 when it did not.
    int32_t closeRequested(size_t i) const
    {
        FakeWebSocketState* ws = at(i);
        std::lock_guard<std::mutex> lock(stateMutex());
        return ws->closing ? ws->closeCode : 0;
    }

    /// True once the plugin released socket i (websocket_release).
    bool released(size_t i) const
    {
        FakeWebSocketState* ws = at(i);
        std::lock_guard<std::mutex> lock(stateMutex());
        return ws->released;
    }

    /// websocket_accept: accepts the upgrade request on response (which then becomes a 101).
    trm_status accept(const trm_request* request, trm_response* response, const trm_websocket_handlers* handlers, trm_websocket** out)
    {
        if (out != nullptr) *out = nullptr;
        if (request == nullptr || response == nullptr || handlers == nullptr || out == nullptr) return TRM_ERR_INVALID;
        auto header = [&](std::string_view name) -> std::string_view {
            for (size_t i = 0; i < request->header_count; ++i)
                if (equalsNoCase(view(request->headers[i].key), name)) return view(request->headers[i].value);
            return {};
        };
        if (view(request->method) != "GET" || !equalsNoCase(header("Upgrade"), "websocket") || header("Sec-WebSocket-Version") != "13" ||
            header("Sec-WebSocket-Key").empty())
            return TRM_ERR_INVALID;
        try {
            auto ws = std::make_unique<FakeWebSocketState>();
            std::memcpy(&ws->handlers, handlers, std::min<size_t>(handlers->struct_size, sizeof ws->handlers));
            auto* state = reinterpret_cast<ResponseState*>(response);
            state->webSocketAccepted = true;
            std::lock_guard<std::mutex> lock(_mutex);
            *out = reinterpret_cast<trm_websocket*>(ws.get());
            _sockets.push_back(std::move(ws));
        } catch (...) {
            return TRM_ERR_NO_MEMORY;
        }
        return TRM_OK;
    }

    /// websocket_send: records the message; TRM_ERR_UNAVAILABLE once the socket is closing or closed.
    static trm_status send(trm_websocket* ws, int32_t opcode, const void* data, size_t len)
    {
        if (ws == nullptr || (opcode != TRM_WS_TEXT && opcode != TRM_WS_BINARY) || (data == nullptr && len)) return TRM_ERR_INVALID;
        auto* state = reinterpret_cast<FakeWebSocketState*>(ws);
        std::lock_guard<std::mutex> lock(stateMutex());
        if (state->closed || state->closing) return TRM_ERR_UNAVAILABLE;
        state->sent.emplace_back(opcode, std::string(static_cast<const char*>(data), len));
        return TRM_OK;
    }

    /// websocket_close: records the plugin's close request and its code.
    static trm_status close(trm_websocket* ws, int32_t code, trm_str reason)
    {
        const bool validCode = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
        if (ws == nullptr || !validCode || reason.len > 123) return TRM_ERR_INVALID;
        auto* state = reinterpret_cast<FakeWebSocketState*>(ws);
        std::lock_guard<std::mutex> lock(stateMutex());
        if (state->closed || state->closing) return TRM_ERR_UNAVAILABLE;
        state->closing = true;
        state->closeCode = code;
        return TRM_OK;
    }

    /// websocket_release: records that the plugin dropped its reference.
    static void release(trm_websocket* ws)
    {
        if (ws == nullptr) return;
        std::lock_guard<std::mutex> lock(stateMutex());
        reinterpret_cast<FakeWebSocketState*>(ws)->released = true;
    }

private:
    FakeWebSocketState* at(size_t i) const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return _sockets.at(i).get();
    }

    /// Guards the state of every fake WebSocket (their functions receive no host context).
    static std::mutex& stateMutex()
    {
        static std::mutex mutex;
        return mutex;
    }

    mutable std::mutex _mutex;   // guards _sockets
    std::vector<std::unique_ptr<FakeWebSocketState>> _sockets;
};

} // namespace detail
} // namespace testing
} // namespace terrarium

#endif // TERRARIUM_TESTING_FAKE_HOST_WEBSOCKETS_HPP
