#include "client/ClientMetrics.h"

#include <cstdint>

namespace terrarium {

void ClientMetrics::collect(const ClientStats& stats, PrometheusWriter& writer)
{
    writer.family("terrarium_client_connections", "gauge", "Pooled connections of the host's HTTP client, by origin and state.");
    for (const auto& origin : stats.origins)
    {
        writer.sample("terrarium_client_connections", {{"origin", origin.origin}, {"state", "idle"}}, std::uint64_t(origin.idle));
        writer.sample("terrarium_client_connections", {{"origin", origin.origin}, {"state", "in_use"}}, std::uint64_t(origin.inUse));
    }

    writer.family("terrarium_client_waiting", "gauge",
                  "Calls waiting now for a free pooled connection (max_per_origin or max_total reached), by origin.");
    for (const auto& origin : stats.origins) writer.sample("terrarium_client_waiting", {{"origin", origin.origin}}, std::uint64_t(origin.waiting));

    struct Counter
    {
        const char* name;
        const char* help;
        std::uint64_t ClientStats::Origin::*field;
    };
    static const Counter counters[] = {
        {"terrarium_client_calls_total", "Calls made through the HTTP client, by origin.", &ClientStats::Origin::calls},
        {"terrarium_client_connects_total", "Connections opened, by origin.", &ClientStats::Origin::connects},
        {"terrarium_client_waits_total", "Calls that waited for a free pooled connection, by origin.", &ClientStats::Origin::waits},
        {"terrarium_client_retries_total", "Tries beyond the first of a call, by origin.", &ClientStats::Origin::retries},
        {"terrarium_client_failures_total", "Tries that ended without a response (connection, TLS, timeout), by origin.",
         &ClientStats::Origin::failures},
        {"terrarium_client_server_errors_total", "5xx answers received, by origin.", &ClientStats::Origin::serverErrors},
        {"terrarium_client_stale_replaced_total", "Reused connections found closed by the peer and replaced, by origin.",
         &ClientStats::Origin::staleReplaced},
        {"terrarium_client_idle_closed_total", "Idle pooled connections closed, by origin.", &ClientStats::Origin::idleClosed},
    };
    for (const Counter& counter : counters)
    {
        writer.family(counter.name, "counter", counter.help);
        for (const auto& origin : stats.origins) writer.sample(counter.name, {{"origin", origin.origin}}, origin.*counter.field);
    }

    writer.family("terrarium_client_breaker_state", "gauge", "Circuit breaker of each origin: 1 for its current state.");
    for (const auto& origin : stats.origins)
    {
        for (BreakerState state : {BreakerState::Closed, BreakerState::Open, BreakerState::HalfOpen})
            writer.sample("terrarium_client_breaker_state", {{"origin", origin.origin}, {"state", breakerStateName(state)}},
                          std::uint64_t(origin.breaker == state ? 1 : 0));
    }
}

} // namespace terrarium
