#ifndef Terrarium_StatusMapping_INCLUDED
#define Terrarium_StatusMapping_INCLUDED

#include <cstdint>
#include <string>

namespace terrarium {

/// Maps the ABI's status codes to names and to what a client sees.
class StatusMapping
{
public:
    /// True for a value of trm_status_code.
    static bool known(std::int32_t status);

    /// "TRM_ERR_NOT_FOUND", or "unknown status <n>".
    static std::string name(std::int32_t status);

    /// HTTP status for an error handle() returned: 400 for TRM_ERR_BAD_REQUEST, 503 for
    /// TRM_ERR_UNAVAILABLE, 504 for TRM_ERR_TIMEOUT, 413 for TRM_ERR_TOO_LARGE, 403 for
    /// TRM_ERR_FORBIDDEN, 404 for TRM_ERR_NOT_FOUND, 500 for everything else (unknown codes too).
    static int httpStatus(std::int32_t status);

    /// Machine-readable error code for the JSON body ("plugin_error", "unknown_status", ...).
    static std::string errorCode(std::int32_t status);
};

} // namespace terrarium

#endif
