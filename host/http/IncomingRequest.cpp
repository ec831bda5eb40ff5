#include "http/IncomingRequest.h"

#include "http/HeaderName.h"

namespace terrarium {

const std::string* IncomingRequest::header(std::string_view name) const
{
    for (const auto& h : headers)
    {
        if (sameHeaderName(h.first, name)) return &h.second;
    }
    return nullptr;
}

} // namespace terrarium
