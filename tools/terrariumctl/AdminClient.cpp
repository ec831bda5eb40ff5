#include "AdminClient.h"

#include "CtlError.h"

#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>

#include <memory>

namespace terrarium::ctl {

Poco::JSON::Object::Ptr AdminAnswer::json() const
{
    try
    {
        Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
        Poco::Dynamic::Var parsed = parser.parse(body);
        if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) return parsed.extract<Poco::JSON::Object::Ptr>();
    }
    catch (const Poco::Exception&)
    {
    }
    return nullptr;
}

AdminClient::AdminClient(AdminTarget target) : _target(std::move(target))
{
}

AdminAnswer AdminClient::call(const std::string& method, const std::string& pathAndQuery, const std::string& body,
                              const std::string& contentType) const
{
    try
    {
        std::unique_ptr<Poco::Net::HTTPClientSession> session;
        if (!_target.socketPath().empty())
        {
            Poco::Net::StreamSocket socket(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, _target.socketPath()));
            session = std::make_unique<Poco::Net::HTTPClientSession>(socket);
        }
        else
            session = std::make_unique<Poco::Net::HTTPClientSession>(_target.host(), _target.port());
        session->setTimeout(Poco::Timespan(120, 0));
        Poco::Net::HTTPRequest request(method, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
        const std::string& host = _target.host();
        if (!_target.socketPath().empty())
            request.setHost("localhost");
        else
            request.setHost((host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(_target.port()));
        request.setKeepAlive(false);
        request.set("User-Agent", "terrariumctl/" TERRARIUM_VERSION);
        if (!_target.token().empty()) request.set("Authorization", "Bearer " + _target.token());
        if (!body.empty() || method == "POST" || method == "PUT")
        {
            request.setContentType(contentType);
            request.setContentLength(static_cast<std::streamsize>(body.size()));
        }
        session->sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session->receiveResponse(response);
        AdminAnswer answer;
        answer.status = static_cast<int>(response.getStatus());
        answer.contentType = response.getContentType();
        Poco::StreamCopier::copyToString(in, answer.body);
        return answer;
    }
    catch (const Poco::Exception& e)
    {
        throw CtlError(EXIT_UNREACHABLE, "cannot reach the host's admin API at " + _target.url() + " (from " + _target.urlSource() +
                                             "): " + e.displayText() + "; is terrariumd running?");
    }
}

AdminAnswer AdminClient::expect(const std::string& method, const std::string& pathAndQuery, const std::string& body,
                                const std::string& contentType) const
{
    AdminAnswer answer = call(method, pathAndQuery, body, contentType);
    if (answer.status >= 400) throw refusal(method, pathAndQuery.substr(0, pathAndQuery.find('?')), answer);
    return answer;
}

CtlError AdminClient::refusal(const std::string& method, const std::string& path, const AdminAnswer& answer)
{
    std::string code = "http_" + std::to_string(answer.status);
    std::string message = answer.body;
    if (Poco::JSON::Object::Ptr error = answer.json())
    {
        code = error->optValue<std::string>("error", code);
        message = error->optValue<std::string>("message", message);
    }
    std::string detail = code + ": " + message;
    if (answer.status == 401)
        return CtlError(EXIT_UNAUTHORISED, "unauthorised: the host wants the admin token (" + detail +
                                               "); run as root (sudo) on the host, or pass --token-file FILE / set TERRARIUM_ADMIN_TOKEN_FILE");
    if (answer.status == 403 || answer.status == 429)
        return CtlError(EXIT_UNAUTHORISED, "unauthorised: " + detail);
    bool missingCall = answer.status == 405 || (answer.status == 404 && message.compare(0, 17, "no admin resource") == 0);
    if (missingCall)
        return CtlError(EXIT_REFUSED, "refused by the host: it has no " + method + " " + path + " (" + std::to_string(answer.status) + " " +
                                          detail + "); this call needs a newer terrariumd");
    if (answer.status == 404) return CtlError(EXIT_NOT_FOUND, "not found: " + message + " (" + code + ")");
    return CtlError(EXIT_REFUSED, "refused by the host (" + std::to_string(answer.status) + " " + detail + ")");
}

} // namespace terrarium::ctl
