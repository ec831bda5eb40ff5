#include "plugin/StatusMapping.h"

#include <terrarium/plugin.h>

namespace terrarium {

bool StatusMapping::known(std::int32_t status)
{
    return status >= TRM_ERR_BAD_REQUEST && status <= TRM_AGAIN;
}

std::string StatusMapping::name(std::int32_t status)
{
    switch (status)
    {
    case TRM_OK: return "TRM_OK";
    case TRM_AGAIN: return "TRM_AGAIN";
    case TRM_ERR_INTERNAL: return "TRM_ERR_INTERNAL";
    case TRM_ERR_INVALID: return "TRM_ERR_INVALID";
    case TRM_ERR_NOT_FOUND: return "TRM_ERR_NOT_FOUND";
    case TRM_ERR_NO_MEMORY: return "TRM_ERR_NO_MEMORY";
    case TRM_ERR_UNSUPPORTED: return "TRM_ERR_UNSUPPORTED";
    case TRM_ERR_TOO_LARGE: return "TRM_ERR_TOO_LARGE";
    case TRM_ERR_TIMEOUT: return "TRM_ERR_TIMEOUT";
    case TRM_ERR_UNAVAILABLE: return "TRM_ERR_UNAVAILABLE";
    case TRM_ERR_FORBIDDEN: return "TRM_ERR_FORBIDDEN";
    case TRM_ERR_BAD_REQUEST: return "TRM_ERR_BAD_REQUEST";
    default: return "unknown status " + std::to_string(status);
    }
}

int StatusMapping::httpStatus(std::int32_t status)
{
    switch (status)
    {
    case TRM_ERR_BAD_REQUEST: return 400;
    case TRM_ERR_FORBIDDEN: return 403;
    case TRM_ERR_NOT_FOUND: return 404;
    case TRM_ERR_TOO_LARGE: return 413;
    case TRM_ERR_UNAVAILABLE: return 503;
    case TRM_ERR_TIMEOUT: return 504;
    default: return 500;
    }
}

std::string StatusMapping::errorCode(std::int32_t status)
{
    if (!known(status)) return "unknown_status";
    switch (status)
    {
    case TRM_ERR_BAD_REQUEST: return "bad_request";
    case TRM_ERR_FORBIDDEN: return "forbidden";
    case TRM_ERR_NOT_FOUND: return "not_found";
    case TRM_ERR_TOO_LARGE: return "payload_too_large";
    case TRM_ERR_UNAVAILABLE: return "unavailable";
    case TRM_ERR_TIMEOUT: return "timeout";
    default: return "plugin_error";
    }
}

} // namespace terrarium
