#ifndef Terrarium_SecretCacheStats_INCLUDED
#define Terrarium_SecretCacheStats_INCLUDED

#include <Poco/Types.h>

#include <string>

namespace terrarium {

/// Counters of a SecretCache since it was created (for /metrics and the admin API).
struct SecretCacheStats
{
    Poco::UInt64 hits = 0;            /// get() answered from a fresh entry
    Poco::UInt64 misses = 0;          /// get() found no fresh entry (it read, waited for a read, or answered degraded)
    Poco::UInt64 staleServes = 0;     /// get() answered a value past its ttl because the provider was unavailable
    Poco::UInt64 providerErrors = 0;  /// provider reads that ended Unavailable (down, timeout, 5xx)
    Poco::UInt64 refreshes = 0;       /// background reads (refresh ahead of expiry, retries during an outage)
    Poco::UInt64 entries = 0;         /// paths held now
    std::string provider;             /// the provider's name ("vault", "files", "env", ...)
};

} // namespace terrarium

#endif
