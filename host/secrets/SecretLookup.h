#ifndef Terrarium_SecretLookup_INCLUDED
#define Terrarium_SecretLookup_INCLUDED

#include "secrets/SecretOutcome.h"

#include <string>

namespace terrarium {

/// The answer of SecretCache::get() for one path and key.
struct SecretLookup
{
    SecretOutcome outcome = SecretOutcome::Unavailable;
    std::string value;    /// the secret when Found (never log)
    bool stale = false;   /// Found from a value past its ttl, because the provider is unavailable
    std::string message;  /// the cause when not Found, or why the value is stale; never holds a value

    /// True when outcome is Found.
    bool found() const { return outcome == SecretOutcome::Found; }
};

} // namespace terrarium

#endif
