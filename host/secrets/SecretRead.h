#ifndef Terrarium_SecretRead_INCLUDED
#define Terrarium_SecretRead_INCLUDED

#include "secrets/SecretOutcome.h"

#include <map>
#include <string>
#include <utility>

namespace terrarium {

/// What one provider read of a secret path returned: every key of the path, or why not.
struct SecretRead
{
    SecretOutcome outcome = SecretOutcome::Unavailable;
    std::map<std::string, std::string> values;  /// key -> value when Found (never log)
    std::string message;                        /// the cause when not Found; never holds a value or a token

    /// A Found read holding values.
    static SecretRead found(std::map<std::string, std::string> values)
    {
        SecretRead read;
        read.outcome = SecretOutcome::Found;
        read.values = std::move(values);
        return read;
    }

    /// A read without values.
    static SecretRead failure(SecretOutcome outcome, std::string message)
    {
        SecretRead read;
        read.outcome = outcome;
        read.message = std::move(message);
        return read;
    }
};

} // namespace terrarium

#endif
