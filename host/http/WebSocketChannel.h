#ifndef Terrarium_WebSocketChannel_INCLUDED
#define Terrarium_WebSocketChannel_INCLUDED

#include <cstdint>
#include <string_view>

namespace terrarium {

/// The connection side of an accepted WebSocket, as the application side (WebSocketEndpoint) sees it.
/// Implemented by the HTTP layer; every method is thread-safe and never blocks.
class WebSocketChannel
{
public:
    /// What send() and close() answer.
    enum class Result
    {
        Ok,
        Closed,    /// the WebSocket is closed or closing
        Backlog    /// too much output waits for a slow peer; nothing was queued
    };

    virtual ~WebSocketChannel() = default;

    /// Queues one message frame (opcode 1 text or 2 binary).
    virtual Result send(std::int32_t opcode, std::string_view payload) = 0;

    /// Starts the close handshake with code and reason.
    virtual Result close(std::int32_t code, std::string_view reason) = 0;

    /// The plugin generation is retired: starts the close handshake with going-away (unless it
    /// started already) and hands the close to the plugin soon, without waiting for the peer.
    virtual void goAway() = 0;
};

} // namespace terrarium

#endif
