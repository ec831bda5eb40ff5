#include "http/IncomingRequest.h"

#include <Poco/String.h>

namespace terrarium {

const std::string* IncomingRequest::header(std::string_view name) const
{
    for (const auto& h : headers)
    {
        if (h.first.size() == name.size() && Poco::icompare(h.first, 0, h.first.size(), std::string(name)) == 0) return &h.second;
    }
    return nullptr;
}

} // namespace terrarium
