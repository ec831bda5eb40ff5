#ifndef Terrarium_WebSocketOutbox_INCLUDED
#define Terrarium_WebSocketOutbox_INCLUDED

#include "http/WebSocketChannel.h"

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

namespace terrarium {

class ConnectionEngine;
class HttpConnection;
class Transport;

/// The output side of an upgraded connection, shared by the connection's owning thread and
/// every plugin thread that sends: frames are appended under one lock and written at once
/// when no thread works on the connection, else by that thread before it waits again.
///
/// Ownership of the connection in WebSocket mode: a thread that gets an event calls begin();
/// if another thread is already at work (a send re-armed the descriptor meanwhile), begin()
/// only records that there is more to do and the working thread loops once more in finish().
/// finish() re-arms the descriptor (read, plus write while output waits) under the same lock
/// that send() uses, so a send never arms a descriptor that a thread is working on.
///
/// One bound (limit) covers everything waiting for the peer: the plugin's messages and the
/// host's answers to the peer's control frames alike, so a peer that pings without reading
/// cannot make the host buffer without end.
class WebSocketOutbox : public WebSocketChannel
{
public:
    /// limit bounds the bytes waiting for a slow peer (above: send() answers Backlog).
    WebSocketOutbox(ConnectionEngine& engine, HttpConnection& connection, Transport& transport, std::size_t limit);

    Result send(std::int32_t opcode, std::string_view payload) override;
    Result close(std::int32_t code, std::string_view reason) override;
    void goAway() override;

    /// Queues bytes from the owning thread whatever the limit (the 101 head).
    void queueRaw(std::string_view bytes);

    /// Queues a control frame from the owning thread (a pong); false, queueing nothing, when the
    /// output waiting for the peer would pass the limit.
    bool queueControl(std::int32_t opcode, std::string_view payload);

    /// Queues a close frame from the owning thread unless one went out already; the connection
    /// counts as closing even when the frame is left out because the output is at the limit.
    void queueClose(std::int32_t code, std::string_view reason);

    /// The owning thread starts working; false when another thread already does.
    bool begin();

    /// The owning thread is done: writes what it can and re-arms, or answers true when an event
    /// arrived meanwhile and it must work once more.
    bool finish();

    /// Writes what the socket takes now (best effort, before closing).
    void flushNow();

    /// The connection is going away: later sends answer Closed and nothing touches it.
    void detach();

    /// Monotonic microseconds when a close frame was queued (0: none).
    std::int64_t closingSince() const;

    /// The code of the close frame queued (0: none).
    std::int32_t closeCode() const;

    /// True once goAway() asked the connection to let go of the plugin.
    bool goneAway() const;

private:
    void writeLocked();
    void armLocked();

    ConnectionEngine& _engine;
    HttpConnection& _connection;
    Transport& _transport;
    const std::size_t _limit;

    mutable std::mutex _mutex;
    std::string _out;
    std::size_t _sent = 0;
    bool _active = false;
    bool _pending = false;
    bool _detached = false;
    bool _broken = false;
    std::int64_t _closingSince = 0;
    std::int32_t _closeCode = 0;
    bool _goneAway = false;
};

} // namespace terrarium

#endif
