#include "client/ClientResponse.h"

#include <Poco/String.h>

namespace terrarium {

std::string ClientResponse::header(const std::string& name, const std::string& fallback) const
{
    for (const auto& field : headers) {
        if (Poco::icompare(field.first, name) == 0)
            return field.second;
    }
    return fallback;
}

} // namespace terrarium
