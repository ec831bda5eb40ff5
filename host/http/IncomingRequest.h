#ifndef Terrarium_IncomingRequest_INCLUDED
#define Terrarium_IncomingRequest_INCLUDED

#include "http/SpoolFile.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace terrarium {

/// A complete HTTP request as received by a listener.
struct IncomingRequest
{
    std::string method;
    std::string target;        /// request target exactly as sent
    std::string path;          /// the target's path: dot segments resolved, percent-escapes as sent; "*" for asterisk-form
    std::string query;         /// as sent, without '?'
    std::string authority;     /// host[:port] the request is for: an absolute-form target's, else the Host header's
    std::string version;       /// "HTTP/1.1" or "HTTP/1.0"
    std::vector<std::pair<std::string, std::string>> headers;   /// in arrival order, names as sent
    std::string body;          /// the body, de-chunked (empty when it went to bodyFile)
    std::unique_ptr<SpoolFile> bodyFile;   /// the spooled body (see BodyPolicy), or null
    std::string clientAddress; /// "ip:port"
    std::string clientCertificate;  /// subject of the client's TLS certificate (mTLS), else empty
    std::string listener;      /// listener name
    std::string requestId;     /// X-Request-Id as sent (when valid), else made by the host
    bool keepAlive = true;

    /// The length of the body, in memory or spooled.
    std::uint64_t bodySize() const { return bodyFile ? bodyFile->size() : body.size(); }

    /// First header of that name (case-insensitive), or nullptr.
    const std::string* header(std::string_view name) const;
};

} // namespace terrarium

#endif
