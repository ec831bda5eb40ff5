#ifndef Terrarium_ClientRequest_INCLUDED
#define Terrarium_ClientRequest_INCLUDED

#include <Poco/Timespan.h>

#include <string>
#include <utility>
#include <vector>

namespace terrarium {

/// One call through the host's HTTP client or service directory.
struct ClientRequest
{
    std::string method = "GET";  /// HTTP method (upper-cased by the client)
    std::string url;             /// absolute http:// or https:// URL (HttpClient)
    std::string path;            /// path and query ("/files?x=1") below a service's base URL (ServiceDirectory)
    std::vector<std::pair<std::string, std::string>> headers;  /// request headers, in order
    std::string body;            /// request body (may be empty)
    Poco::Timespan timeout;      /// total deadline of the call, all tries included; 0 = configured default
    unsigned maxAttempts = 0;    /// tries in total; 0 = configured default; 1 = never retry
    std::string requestId;       /// sent as X-Request-Id when not empty
    bool bypassBreaker = false;  /// the origin's circuit breaker never refuses this call (a proxy route's); its outcome still counts
};

} // namespace terrarium

#endif
