#ifndef Terrarium_HttpExchangeRequest_INCLUDED
#define Terrarium_HttpExchangeRequest_INCLUDED

#include <Poco/Timespan.h>

#include <string>
#include <utility>
#include <vector>

namespace terrarium {

/// One HTTP call the Vault provider asks its transport (HttpExchange) to make.
struct HttpExchangeRequest
{
    std::string method = "GET";                                /// "GET" or "POST"
    std::string url;                                           /// absolute http:// or https:// URL
    std::vector<std::pair<std::string, std::string>> headers;  /// request headers, in order (may hold the Vault token: never log)
    std::string body;                                          /// request body (may be empty)
    Poco::Timespan timeout = Poco::Timespan(5, 0);             /// whole call, connection included
};

} // namespace terrarium

#endif
