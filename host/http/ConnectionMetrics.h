#ifndef Terrarium_ConnectionMetrics_INCLUDED
#define Terrarium_ConnectionMetrics_INCLUDED

#include "http/ConnectionStats.h"
#include "metrics/PrometheusWriter.h"

#include <string>

namespace terrarium {

/// A listener's connection figures on /metrics: open, idle and WebSocket connections, queued
/// and running requests, threads, accepted connections, rejections, deadline closes and the
/// WebSockets the host closed, by reason.
class ConnectionMetrics
{
public:
    /// Writes the terrarium_connections* families of listener's stats.
    static void collect(const std::string& listener, const ConnectionStats& stats, PrometheusWriter& writer);
};

} // namespace terrarium

#endif
