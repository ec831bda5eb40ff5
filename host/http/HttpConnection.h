#ifndef Terrarium_HttpConnection_INCLUDED
#define Terrarium_HttpConnection_INCLUDED

#include "http/HttpReply.h"
#include "http/IncomingRequest.h"
#include "http/RequestParser.h"
#include "http/Transport.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace terrarium {

class ConnectionEngine;
class WebSocketEndpoint;
class WebSocketOutbox;

/// One HTTP/1.1 connection of a ConnectionEngine, driven by readiness events: reads what has
/// arrived, parses requests (keep-alive, pipelining in order, Content-Length and chunked bodies,
/// Expect: 100-continue), runs each complete request through the listener's handler (at once,
/// or after waiting in the engine's queue), and writes the answers without blocking (the rest
/// of a large answer goes out as the socket drains; the next pipelined request waits for it).
/// A reply whose body is a file goes out from the file (sendfile(2) on plain TCP, read and
/// encrypted piecewise on TLS), a few MiB per round so that other connections get their turn;
/// the file's descriptor is closed with the reply, also when the client goes away. A request
/// body the handler's BodyPolicy spools is written to a spool file as it arrives (request
/// timeout counted between its bytes, not over the whole body); what the plugin did not take of
/// it is unlinked once the handler returned, and a partial one when the request fails or the
/// connection goes. Limits and deadlines are answered as JSON errors (400, 408, 413, 431, 501,
/// 503) before the connection closes. A request a plugin accepted as a WebSocket turns the connection into a
/// WebSocket (101, then frames: pings answered, fragments joined, text and close frames checked
/// as RFC 6455 asks, messages delivered to the plugin, the close handshake bounded by
/// websocket_close_timeout_ms, one bound on output waiting for a slow peer that covers the
/// plugin's messages and the host's pongs alike; a retired generation's plugin is let go at once
/// while the socket finishes closing). A request the handler sets aside (HttpReply::setAside)
/// waits without a thread and without its handler slot until it is resumed, then runs through
/// the handler again ahead of the queue. Exactly one thread works on a connection at a time (one-shot events), so
/// the connection needs no lock; the engine's monitor only reads its phase and deadline and may
/// expire() it.
class HttpConnection
{
public:
    /// Where the connection is; the monitor reads it for deadlines and figures.
    enum class Phase
    {
        Handshake,  /// TLS handshake in progress
        Idle,       /// between requests
        Reading,    /// part of a request has arrived
        Queued,     /// a complete request waits for a handler thread
        Handling,   /// a handler runs the request
        Held,       /// the handler set the request aside (no thread); it runs again when resumed
        Writing,    /// an answer waits for the socket to drain
        WebSocket,  /// upgraded
        Lingering,  /// the last answer went out and the sending side is shut: what the client still sends is read and dropped until it closes
        Closing
    };

    HttpConnection(ConnectionEngine& engine, std::unique_ptr<Transport> transport);
    ~HttpConnection();

    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;

    /// Handles readiness (epoll event bits) on the owning thread.
    void onEvent(std::uint32_t events);

    /// Runs the request that waited in the queue (its handler slot is the caller's), then goes on.
    void resume();

    /// The phase, for the monitor.
    Phase phase() const { return _phase.load(std::memory_order_relaxed); }

    /// Called by the monitor: when the deadline of the current phase has passed (or, while the
    /// listener stops, when the connection is idle), marks the connection expired and wakes its
    /// owner (the receiving side is shut down). Thread-safe.
    void checkDeadline(std::int64_t now, bool stopping);

    /// Marks the connection expired and wakes its owner; with force also when a request is
    /// being handled or queued (it closes after the answer). Thread-safe.
    void expire(bool force);

    int descriptor() const { return _transport->descriptor(); }

    /// True once the connection became a WebSocket (other threads may re-arm it since).
    bool upgraded() const { return _outbox != nullptr; }

    /// After remove(): lets go of the plugin, the output and the socket now; the object stays
    /// until the engine frees it, and an event that still reaches it does nothing.
    void retire();

private:
    void receive();
    void serve();
    bool runRequest();
    bool execute(bool holdsSlot = true);
    bool holdBody(RequestParser::Result result);
    void refuseBody();
    void releaseBody();
    void nextRequest();
    void retry();
    void upgrade();
    void onWebSocketEvent();
    void webSocketLoop();
    bool processFrames();
    bool deliverMessage(int opcode, const std::string& message);
    bool failWebSocket(int code, const std::string& reason);
    void releasePlugin(int code, const std::string& reason);
    /// Lets go of the plugin (its close delivered), the output and the request body.
    void letGo();
    void endWebSocket(int code, const std::string& reason);
    void respond(bool keepAlive);
    void logAccess(int status, std::uint64_t bodyBytes);
    bool flush();
    void close();
    void closeAfterAnswer();
    void linger();
    void expiredNow();
    void setPhase(Phase phase, std::int64_t deadline);
    void waitForRead();
    void compact();

    ConnectionEngine& _engine;
    std::unique_ptr<Transport> _transport;
    RequestParser _parser;
    std::atomic<Phase> _phase{Phase::Handshake};
    std::atomic<std::int64_t> _deadline{0};
    std::atomic<bool> _expired{false};
    std::int64_t _requestStarted = 0;
    std::int64_t _requestReceived = 0;   /// when the current request was complete (0: not complete)

    std::string _in;                 /// received bytes; unconsumed ones start at _start
    std::size_t _start = 0;
    bool _peerClosed = false;

    IncomingRequest _request;
    std::size_t _bodyReserved = 0;   /// bytes of the engine's body bound held for _request
    HttpReply _reply;

    std::string _head;               /// output not yet written: _head[_headSent..], then _body[_bodySent..], then _tail
    std::size_t _headSent = 0;
    std::string_view _body;
    std::size_t _bodySent = 0;
    std::string_view _tail;
    std::uint64_t _fileOffset = 0;     /// then the reply's file body from here on,
    std::uint64_t _fileRemaining = 0;  /// this many bytes of it
    bool _closeAfterWrite = false;

    std::shared_ptr<WebSocketOutbox> _outbox;       /// set once when upgraded (before the phase says so)
    std::shared_ptr<WebSocketEndpoint> _webSocket;    /// until the plugin has had the close (a retired generation's at once)
    std::shared_ptr<void> _webSocketOwner;          /// the plugin generation serving the WebSocket, as long as _webSocket
    int _fragmentOpcode = 0;                        /// opcode of a fragmented message being joined
    std::string _message;
};

} // namespace terrarium

#endif
