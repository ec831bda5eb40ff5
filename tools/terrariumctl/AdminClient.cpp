#include "AdminClient.h"

#include "CtlError.h"

#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>

#include <memory>
#include <mutex>

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

Poco::Net::Context::Ptr AdminClient::tlsContext() const
{
    if (_context) return _context;
    static std::once_flag once;
    std::call_once(once, [] { Poco::Net::initializeSSL(); });
    const AdminTarget::Settings& tls = _target.tls();
    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
    params.caLocation = tls.caFile;
    params.loadDefaultCAs = tls.caFile.empty();
    params.certificateFile = tls.certFile;
    params.privateKeyFile = tls.keyFile.empty() ? tls.certFile : tls.keyFile;
    if (tls.certFile.empty()) params.privateKeyFile.clear();
    try
    {
        _context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
        _context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    }
    catch (const Poco::Exception& e)
    {
        throw CtlError(EXIT_USAGE, "cannot set up TLS for " + _target.url() + " (--ca-file, --cert, --key): " + e.displayText());
    }
    return _context;
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
        else if (_target.secure())
            session = std::make_unique<Poco::Net::HTTPSClientSession>(_target.host(), _target.port(), tlsContext());
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
    catch (const Poco::Net::SSLException& e)
    {
        throw CtlError(EXIT_UNREACHABLE, "TLS with the host's admin API at " + _target.url() + " failed: " + e.displayText() +
                                             " (--ca-file names the CA that signed its certificate; --cert and --key a client certificate)");
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
    // 403 is the host refusing the caller (token, Host, Origin, read-only token, throttling), except
    // for a plugin refused by the signature policy (signature_*), which is a refusal of the call.
    if ((answer.status == 403 && code.compare(0, 10, "signature_") != 0) || answer.status == 429)
        return CtlError(EXIT_UNAUTHORISED, "unauthorised: " + detail);
    bool missingCall = answer.status == 405 || (answer.status == 404 && message.compare(0, 17, "no admin resource") == 0);
    if (missingCall)
        return CtlError(EXIT_REFUSED, "refused by the host: it has no " + method + " " + path + " (" + std::to_string(answer.status) + " " +
                                          detail + "); this call needs a newer terrariumd");
    if (answer.status == 404) return CtlError(EXIT_NOT_FOUND, "not found: " + message + " (" + code + ")");
    return CtlError(EXIT_REFUSED, "refused by the host (" + std::to_string(answer.status) + " " + detail + ")");
}

} // namespace terrarium::ctl
