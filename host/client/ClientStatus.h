#ifndef Terrarium_ClientStatus_INCLUDED
#define Terrarium_ClientStatus_INCLUDED

namespace terrarium {

/// Outcome of a client call. Any HTTP answer, 4xx and 5xx included, is Ok; the other values
/// mean that no usable response exists (they map onto trm_status at the ABI).
enum class ClientStatus
{
    Ok,           /// a response was received (any HTTP status)
    Invalid,      /// the request itself is malformed (URL, method, header)
    NotFound,     /// the service name is unknown to the directory
    Timeout,      /// the call's deadline passed
    Unavailable,  /// connection refused or broken after the allowed tries, TLS failure, or circuit open
    TooLarge      /// the response body is above the configured limit
};

/// Lower-case name of a status ("ok", "invalid", "not_found", "timeout", "unavailable", "too_large").
inline const char* clientStatusName(ClientStatus status)
{
    switch (status) {
    case ClientStatus::Ok: return "ok";
    case ClientStatus::Invalid: return "invalid";
    case ClientStatus::NotFound: return "not_found";
    case ClientStatus::Timeout: return "timeout";
    case ClientStatus::Unavailable: return "unavailable";
    case ClientStatus::TooLarge: return "too_large";
    }
    return "unknown";
}

} // namespace terrarium

#endif
