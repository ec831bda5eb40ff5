#ifndef Terrarium_ClientStats_INCLUDED
#define Terrarium_ClientStats_INCLUDED

#include "client/BreakerState.h"

#include <cstdint>
#include <string>
#include <vector>

namespace terrarium {

/// A snapshot of the HTTP client's pools, for metrics. Gauges are current values; the
/// other figures are counters since the client was created.
struct ClientStats
{
    /// Figures of one origin (scheme, host and port).
    struct Origin
    {
        std::string origin;             /// "https://vault:8200"
        unsigned open = 0;              /// gauge: connections open (idle + in use)
        unsigned idle = 0;              /// gauge: connections waiting in the pool
        unsigned inUse = 0;             /// gauge: connections serving a call
        unsigned waiting = 0;           /// gauge: calls waiting for a free connection
        std::uint64_t calls = 0;        /// calls made to this origin
        std::uint64_t connects = 0;     /// connections opened
        std::uint64_t waits = 0;        /// calls that had to wait for a free connection
        std::uint64_t retries = 0;      /// tries beyond the first of a call
        std::uint64_t failures = 0;     /// tries that ended without a response (connection, TLS, timeout)
        std::uint64_t serverErrors = 0; /// 5xx responses
        std::uint64_t staleReplaced = 0;/// reused connections found closed by the peer and replaced
        std::uint64_t idleClosed = 0;   /// idle connections closed: idle timeout, closeIdle(), or room made under the bounds
        BreakerState breaker = BreakerState::Closed;
    };

    std::vector<Origin> origins;        /// sorted by origin
    unsigned open = 0;                  /// totals over origins
    unsigned idle = 0;
    unsigned inUse = 0;
    std::uint64_t calls = 0;
    std::uint64_t connects = 0;
    std::uint64_t waits = 0;
    std::uint64_t retries = 0;
    std::uint64_t failures = 0;
    std::uint64_t serverErrors = 0;
    std::uint64_t staleReplaced = 0;
    std::uint64_t idleClosed = 0;

    /// The figures of origin ("http://127.0.0.1:4567"), or nullptr when the client never called it.
    const Origin* find(const std::string& origin) const
    {
        for (const auto& entry : origins) {
            if (entry.origin == origin)
                return &entry;
        }
        return nullptr;
    }
};

} // namespace terrarium

#endif
