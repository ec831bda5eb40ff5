#include "move/PeerAdminClient.h"

#include "client/HttpClient.h"

#include <Poco/FileStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

namespace terrarium {

PeerAdminClient::PeerAdminClient(HttpClient& client, std::string name, PeerConfig peer) : _client(client), _name(std::move(name)), _peer(std::move(peer))
{
    while (!_peer.adminUrl.empty() && _peer.adminUrl.back() == '/') _peer.adminUrl.pop_back();
    while (!_peer.url.empty() && _peer.url.back() == '/') _peer.url.pop_back();
}

ClientResult PeerAdminClient::call(const std::string& method, const std::string& path, std::string body, const std::string& contentType,
                                   Poco::Timespan timeout)
{
    ClientRequest request;
    request.method = method;
    request.url = _peer.adminUrl + path;
    request.body = std::move(body);
    request.timeout = timeout;
    request.bypassBreaker = true;
    if (!contentType.empty()) request.headers.emplace_back("Content-Type", contentType);
    if (!_peer.tokenFile.empty())
    {
        std::string token;
        try
        {
            Poco::FileInputStream in(_peer.tokenFile);
            Poco::StreamCopier::copyToString(in, token);
        }
        catch (const Poco::Exception& e)
        {
            return ClientResult::failure(ClientStatus::Invalid, "cannot read the admin token of peer '" + _name + "' from " + _peer.tokenFile + ": " +
                                                                    e.displayText());
        }
        request.headers.emplace_back("Authorization", "Bearer " + Poco::trim(token));
    }
    return _client.call(request);
}

std::string PeerAdminClient::failure(const ClientResult& result)
{
    if (!result.ok()) return result.message;
    return "HTTP " + std::to_string(result.response.status) + ": " + result.response.body.substr(0, 512);
}

} // namespace terrarium
