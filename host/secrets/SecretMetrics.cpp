#include "secrets/SecretMetrics.h"

#include <cstdint>

namespace terrarium {

void SecretMetrics::collect(const SecretCacheStats& stats, PrometheusWriter& writer)
{
    const PrometheusWriter::Labels labels = {{"provider", stats.provider}};
    struct Figure
    {
        const char* name;
        const char* type;
        const char* help;
        Poco::UInt64 value;
    };
    const Figure figures[] = {
        {"terrarium_secrets_hits_total", "counter", "Secret lookups answered from a fresh cache entry.", stats.hits},
        {"terrarium_secrets_misses_total", "counter", "Secret lookups without a fresh entry (read, waited for a read, or degraded).", stats.misses},
        {"terrarium_secrets_stale_serves_total", "counter", "Lookups answered with a value past its TTL because the provider was unavailable.",
         stats.staleServes},
        {"terrarium_secrets_provider_errors_total", "counter", "Provider reads that failed as unavailable (down, timeout, 5xx).", stats.providerErrors},
        {"terrarium_secrets_refreshes_total", "counter", "Background reads: refresh ahead of expiry and retries during an outage.", stats.refreshes},
        {"terrarium_secrets_entries", "gauge", "Secret paths held in the cache.", stats.entries},
    };
    for (const Figure& figure : figures)
    {
        writer.family(figure.name, figure.type, figure.help);
        writer.sample(figure.name, labels, std::uint64_t(figure.value));
    }
}

} // namespace terrarium
