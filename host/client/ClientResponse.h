#ifndef Terrarium_ClientResponse_INCLUDED
#define Terrarium_ClientResponse_INCLUDED

#include <string>
#include <utility>
#include <vector>

namespace terrarium {

/// A complete response received by the client (or produced in-process by a local plugin).
struct ClientResponse
{
    int status = 0;              /// HTTP status
    std::vector<std::pair<std::string, std::string>> headers;  /// response headers, in order
    std::string body;            /// complete body
    unsigned attempts = 0;       /// tries made (1 = no retry)
    bool inProcess = false;      /// served by a plugin of this process, without a socket

    /// The value of the first header named name (case-insensitive), or fallback.
    std::string header(const std::string& name, const std::string& fallback = std::string()) const;
};

} // namespace terrarium

#endif
