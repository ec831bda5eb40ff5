#ifndef Terrarium_ConnectionStats_INCLUDED
#define Terrarium_ConnectionStats_INCLUDED

#include <cstdint>

namespace terrarium {

/// A listener's connection figures: gauges of now, and counters since it started.
struct ConnectionStats
{
    std::uint64_t open = 0;                 /// gauge: connections open
    std::uint64_t idle = 0;                 /// gauge: keep-alive connections between requests
    std::uint64_t websockets = 0;           /// gauge: connections upgraded to WebSocket
    std::uint64_t queued = 0;               /// gauge: complete requests waiting for a handler thread
    std::uint64_t handling = 0;             /// gauge: requests in handlers
    std::uint64_t threads = 0;              /// gauge: threads of the listener (polling, handling or parked)
    std::uint64_t accepted = 0;             /// connections accepted
    std::uint64_t rejectedConnections = 0;  /// connections refused above max_connections (503, closed)
    std::uint64_t rejectedRequests = 0;     /// requests answered 503 because the queue was full
    std::uint64_t timeouts = 0;             /// connections closed by a header, request, idle or write deadline
    std::uint64_t bodyBytes = 0;            /// gauge: request body bytes held (reserved by requests being received or waiting)
    std::uint64_t rejectedBodies = 0;       /// requests answered 503 because their body did not fit max_buffered_body_bytes
    std::uint64_t webSocketBacklogCloses = 0;   /// WebSockets closed (1008): answers to the peer's control frames passed the output bound
    std::uint64_t webSocketProtocolCloses = 0;  /// WebSockets closed for a protocol violation (1002, 1007, 1009)
    std::uint64_t webSocketCloseTimeouts = 0;   /// WebSockets closed because the peer did not answer the close in time
};

} // namespace terrarium

#endif
