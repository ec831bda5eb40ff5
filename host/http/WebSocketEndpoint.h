#ifndef Terrarium_WebSocketEndpoint_INCLUDED
#define Terrarium_WebSocketEndpoint_INCLUDED

#include "http/WebSocketChannel.h"

#include <cstdint>
#include <memory>
#include <string_view>

namespace terrarium {

/// The application side of an accepted WebSocket, as the connection sees it: a handler puts one
/// into its HttpReply (acceptWebSocket), and the connection attaches its channel to it after the
/// 101 answer and delivers what the peer sends. Implemented by the plugin layer (WebSocketHandle),
/// so that the HTTP layer knows nothing of plugins.
class WebSocketEndpoint
{
public:
    virtual ~WebSocketEndpoint() = default;

    /// The connection takes over: what was sent (or a close asked) so far goes to channel.
    virtual void attach(std::shared_ptr<WebSocketChannel> channel) = 0;

    /// A complete message from the peer (opcode 1 text or 2 binary), on the connection's owning thread.
    virtual void deliverMessage(std::int32_t opcode, std::string_view payload) = 0;

    /// The WebSocket is closed (the peer's code, or the host's): called once, on the connection's
    /// owning thread; nothing is delivered after it.
    virtual void deliverClose(std::int32_t code, std::string_view reason) = 0;
};

} // namespace terrarium

#endif
