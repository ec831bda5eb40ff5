#ifndef Terrarium_SecretOutcome_INCLUDED
#define Terrarium_SecretOutcome_INCLUDED

namespace terrarium {

/// The result kinds of a secret read; they map one to one onto secret_get's statuses.
enum class SecretOutcome
{
    Found,        /// TRM_OK
    NotFound,     /// TRM_ERR_NOT_FOUND: the path or the key does not exist
    Forbidden,    /// TRM_ERR_FORBIDDEN: the provider refuses access
    Unavailable,  /// TRM_ERR_UNAVAILABLE: provider unreachable or failing, and no usable cached value
    Invalid       /// TRM_ERR_INVALID: the path or key is malformed (empty segment, "..", leading '/')
};

/// "found", "not_found", "forbidden", "unavailable" or "invalid".
inline const char* secretOutcomeName(SecretOutcome outcome)
{
    switch (outcome)
    {
    case SecretOutcome::Found: return "found";
    case SecretOutcome::NotFound: return "not_found";
    case SecretOutcome::Forbidden: return "forbidden";
    case SecretOutcome::Unavailable: return "unavailable";
    case SecretOutcome::Invalid: return "invalid";
    }
    return "unknown";
}

} // namespace terrarium

#endif
