#ifndef Terrarium_PeerAdminClient_INCLUDED
#define Terrarium_PeerAdminClient_INCLUDED

#include "client/ClientResult.h"
#include "config/Config.h"

#include <Poco/Timespan.h>

#include <string>

namespace terrarium {

class HttpClient;

/// Calls the admin API of a peer (a "peers" entry) through the host's pooled HTTP client, with
/// "Authorization: Bearer <token>" from the peer's token file (read at every call, so that a
/// rotated token applies at once).
class PeerAdminClient
{
public:
    /// client must outlive this object.
    PeerAdminClient(HttpClient& client, std::string name, PeerConfig peer);

    /// Sends method path (below the peer's admin URL) with body; never throws: an unreadable
    /// token file or an unreachable peer is a failed result.
    ClientResult call(const std::string& method, const std::string& path, std::string body, const std::string& contentType,
                      Poco::Timespan timeout = Poco::Timespan(30, 0));

    /// The error text of result: the transport failure, or the peer's status and error body.
    static std::string failure(const ClientResult& result);

    const std::string& name() const { return _name; }
    const PeerConfig& peer() const { return _peer; }

private:
    HttpClient& _client;
    std::string _name;
    PeerConfig _peer;
};

} // namespace terrarium

#endif
