#ifndef Terrarium_ClientMetrics_INCLUDED
#define Terrarium_ClientMetrics_INCLUDED

#include "client/ClientStats.h"
#include "metrics/PrometheusWriter.h"

namespace terrarium {

/// The HTTP client's figures on /metrics: per origin, open and idle connections, calls,
/// connects, calls waiting (and that waited) for a free connection, retries, failures, 5xx answers, replaced stale
/// connections, idle closes, and the circuit breaker's state.
class ClientMetrics
{
public:
    /// Writes the terrarium_client_* families of stats.
    static void collect(const ClientStats& stats, PrometheusWriter& writer);
};

} // namespace terrarium

#endif
