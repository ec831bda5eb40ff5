#ifndef Terrarium_SecretMetrics_INCLUDED
#define Terrarium_SecretMetrics_INCLUDED

#include "metrics/PrometheusWriter.h"
#include "secrets/SecretCacheStats.h"

namespace terrarium {

/// The secret cache's figures on /metrics: hits, misses, stale serves, provider errors,
/// background refreshes and paths held, labelled with the provider's name.
class SecretMetrics
{
public:
    /// Writes the terrarium_secrets_* families of stats.
    static void collect(const SecretCacheStats& stats, PrometheusWriter& writer);
};

} // namespace terrarium

#endif
