#include "http/ConnectionMetrics.h"

namespace terrarium {

void ConnectionMetrics::collect(const std::string& listener, const ConnectionStats& stats, PrometheusWriter& writer)
{
    const PrometheusWriter::Labels labels = {{"listener", listener}};
    writer.family("terrarium_connections", "gauge", "Open connections of a listener, by state.");
    writer.sample("terrarium_connections", {{"listener", listener}, {"state", "idle"}}, stats.idle);
    writer.sample("terrarium_connections", {{"listener", listener}, {"state", "websocket"}}, stats.websockets);
    writer.sample("terrarium_connections", {{"listener", listener}, {"state", "active"}}, stats.open - stats.idle - stats.websockets);
    writer.family("terrarium_connections_open", "gauge", "Open connections of a listener.");
    writer.sample("terrarium_connections_open", labels, stats.open);
    writer.family("terrarium_requests_queued", "gauge", "Complete requests waiting for a handler thread.");
    writer.sample("terrarium_requests_queued", labels, stats.queued);
    writer.family("terrarium_requests_handling", "gauge", "Requests inside handlers.");
    writer.sample("terrarium_requests_handling", labels, stats.handling);
    writer.family("terrarium_listener_threads", "gauge", "Threads of a listener (polling, handling or parked).");
    writer.sample("terrarium_listener_threads", labels, stats.threads);
    writer.family("terrarium_connections_accepted_total", "counter", "Connections accepted.");
    writer.sample("terrarium_connections_accepted_total", labels, stats.accepted);
    writer.family("terrarium_rejections_total", "counter",
                  "Answered 503 for overload: connections above max_connections, requests above queue_size, request bodies above "
                  "max_buffered_body_bytes.");
    writer.sample("terrarium_rejections_total", {{"listener", listener}, {"reason", "connections"}}, stats.rejectedConnections);
    writer.sample("terrarium_rejections_total", {{"listener", listener}, {"reason", "queue"}}, stats.rejectedRequests);
    writer.sample("terrarium_rejections_total", {{"listener", listener}, {"reason", "body_memory"}}, stats.rejectedBodies);
    writer.family("terrarium_request_body_bytes_buffered", "gauge",
                  "Request body bytes a listener holds: declared lengths of bodies being received, and bodies waiting or being handled.");
    writer.sample("terrarium_request_body_bytes_buffered", labels, stats.bodyBytes);
    writer.family("terrarium_connection_timeouts_total", "counter", "Connections closed by a header, request or write deadline.");
    writer.sample("terrarium_connection_timeouts_total", labels, stats.timeouts);
    writer.family("terrarium_websocket_closed_total", "counter",
                  "WebSockets the host closed: answers to the peer's pings passed the output bound (1008), a protocol violation "
                  "(1002, 1007, 1009), or the close handshake not answered in time.");
    writer.sample("terrarium_websocket_closed_total", {{"listener", listener}, {"reason", "backlog"}}, stats.webSocketBacklogCloses);
    writer.sample("terrarium_websocket_closed_total", {{"listener", listener}, {"reason", "protocol"}}, stats.webSocketProtocolCloses);
    writer.sample("terrarium_websocket_closed_total", {{"listener", listener}, {"reason", "close_timeout"}}, stats.webSocketCloseTimeouts);
}

} // namespace terrarium
