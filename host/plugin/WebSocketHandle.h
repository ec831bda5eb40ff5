#ifndef Terrarium_WebSocketHandle_INCLUDED
#define Terrarium_WebSocketHandle_INCLUDED

#include "http/WebSocketEndpoint.h"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct trm_websocket;
struct trm_websocket_handlers;

namespace terrarium {

/// The host side of one WebSocket a plugin accepted: what its trm_websocket* points to. It
/// outlives the connection as long as the plugin holds its reference. Messages the plugin sends
/// before the connection is attached (still inside handle()) wait here and go out right after
/// the 101 answer. The connection delivers messages and, exactly once, the close to the plugin's
/// handlers from its owning thread.
class WebSocketHandle : public WebSocketEndpoint, public std::enable_shared_from_this<WebSocketHandle>
{
public:
    /// Copies handlers (as far as their struct_size says).
    explicit WebSocketHandle(const trm_websocket_handlers& handlers);
    ~WebSocketHandle() override;

    /// The handle behind a trm_websocket* handed to a plugin.
    static WebSocketHandle* fromAbi(trm_websocket* ws) { return reinterpret_cast<WebSocketHandle*>(ws); }
    trm_websocket* abi() { return reinterpret_cast<trm_websocket*>(this); }

    /// The plugin's reference: taken when the handle is given out, dropped by websocket_release.
    void retainForPlugin();
    void releaseByPlugin();

    /// websocket_send (any thread); a trm_status.
    std::int32_t send(std::int32_t opcode, const void* data, std::size_t size);

    /// websocket_close (any thread); a trm_status.
    std::int32_t close(std::int32_t code, std::string_view reason);

    /// The connection takes over: what was sent (or a close asked) so far goes to channel.
    void attach(std::shared_ptr<WebSocketChannel> channel) override;

    /// The plugin generation is retired: close with TRM_WS_CLOSE_GOING_AWAY (now or at attach);
    /// the connection delivers the close to the plugin without waiting for the peer's answer.
    void goAway();

    /// Calls the plugin's on_message (on the connection's owning thread).
    void deliverMessage(std::int32_t opcode, std::string_view payload) override;

    /// Calls the plugin's on_close once (on the connection's owning thread); later sends answer
    /// TRM_ERR_UNAVAILABLE.
    void deliverClose(std::int32_t code, std::string_view reason) override;

    /// True once deliverClose() ran.
    bool closed() const;

private:
    static std::int32_t statusOf(WebSocketChannel::Result result);

    std::unique_ptr<trm_websocket_handlers> _handlers;
    mutable std::mutex _mutex;
    std::shared_ptr<WebSocketChannel> _channel;
    std::vector<std::pair<std::int32_t, std::string>> _early;
    std::size_t _earlyBytes = 0;
    std::optional<std::pair<std::int32_t, std::string>> _earlyClose;
    bool _closing = false;
    bool _goneAway = false;
    bool _closed = false;
    std::shared_ptr<WebSocketHandle> _self;
};

} // namespace terrarium

#endif
