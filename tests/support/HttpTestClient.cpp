#include "HttpTestClient.h"
#include "TimeScale.h"

#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <Poco/DigestEngine.h>
#include <Poco/DigestStream.h>
#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/SHA2Engine.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/Thread.h>
#include <Poco/Timestamp.h>

#include <fstream>
#include <sstream>

namespace terrarium::test {

namespace {

bool hasHeader(const std::map<std::string, std::string>& headers, const std::string& name)
{
    for (const auto& [key, value] : headers)
    {
        if (Poco::icompare(key, name) == 0) return true;
    }
    return false;
}

/// Sends one request on session and reads the whole response.
HttpResult exchange(Poco::Net::HTTPClientSession& session, bool keepAlive, const std::string& method, const std::string& pathAndQuery,
                    const std::string& body, const std::map<std::string, std::string>& headers)
{
    Poco::Net::HTTPRequest request(method, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(keepAlive);
    bool chunked = false;
    for (const auto& [name, value] : headers)
    {
        if (Poco::icompare(name, "Transfer-Encoding") == 0 && Poco::icompare(value, "chunked") == 0)
            chunked = true;
        else if (Poco::icompare(name, "Host") == 0)
            request.setHost(value);
        else
            request.set(name, value);
    }
    if (chunked)
        request.setChunkedTransferEncoding(true);
    else if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    {
        if (!hasHeader(headers, "Content-Length")) request.setContentLength(static_cast<std::streamsize>(body.size()));
    }

    std::ostream& out = session.sendRequest(request);
    out << body;
    out.flush();

    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    HttpResult result;
    result.status = static_cast<int>(response.getStatus());
    Poco::StreamCopier::copyToString(in, result.body);
    for (const auto& [name, value] : response) result.headers[Poco::toLower(name)] = value;
    return result;
}

Poco::Net::SocketAddress socketAddress(const std::string& address)
{
    return Poco::Net::SocketAddress(address);
}

} // namespace

Poco::JSON::Object::Ptr HttpResult::json() const
{
    Poco::Dynamic::Var parsed;
    try
    {
        Poco::JSON::Parser parser;
        parsed = parser.parse(body);
    }
    catch (const Poco::Exception& e)
    {
        FAIL("response (status " << status << ") is not JSON: " << e.displayText() << "\nbody: " << body);
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) FAIL("response (status " << status << ") is not a JSON object\nbody: " << body);
    return parsed.extract<Poco::JSON::Object::Ptr>();
}

std::string HttpResult::header(const std::string& name) const
{
    auto it = headers.find(Poco::toLower(name));
    return it == headers.end() ? std::string() : it->second;
}

HttpResult httpRequest(const std::string& address, const std::string& method, const std::string& pathAndQuery, const std::string& body,
                       const std::map<std::string, std::string>& headers, Poco::Timespan timeout)
{
    Poco::Net::HTTPClientSession session(socketAddress(address));
    session.setKeepAlive(false);
    session.setTimeout(Poco::Timespan(scaledMicroseconds(timeout.totalMicroseconds())));
    return exchange(session, false, method, pathAndQuery, body, headers);
}

HttpTestClient::HttpTestClient(std::string address) : _address(std::move(address))
{
}

HttpTestClient::~HttpTestClient() = default;

HttpResult HttpTestClient::attempt(const std::string& method, const std::string& pathAndQuery, const std::string& body,
                                   const std::map<std::string, std::string>& headers)
{
    if (!_session)
    {
        _session = std::make_unique<Poco::Net::HTTPClientSession>(socketAddress(_address));
        _session->setKeepAlive(true);
        _session->setTimeout(Poco::Timespan(scaledMicroseconds(Poco::Timespan(30, 0).totalMicroseconds())));
        _used = false;
    }
    HttpResult result = exchange(*_session, true, method, pathAndQuery, body, headers);
    _used = true;
    // The server announced it closes the connection: start afresh next time.
    if (Poco::icompare(result.header("Connection"), "close") == 0) _session.reset();
    return result;
}

HttpResult HttpTestClient::request(const std::string& method, const std::string& pathAndQuery, const std::string& body,
                                   const std::map<std::string, std::string>& headers)
{
    try
    {
        return attempt(method, pathAndQuery, body, headers);
    }
    catch (const Poco::Exception&)
    {
        bool reused = _used;
        _session.reset();
        if (!reused) throw;
        // The server may have closed the idle connection: one more try on a fresh one.
        return attempt(method, pathAndQuery, body, headers);
    }
}

bool waitUntil(const std::function<bool()>& cond, Poco::Timespan timeout)
{
    Poco::Timestamp start;
    for (;;)
    {
        bool ok = false;
        try
        {
            ok = cond();
        }
        catch (const std::exception&)
        {
            ok = false;
        }
        if (ok) return true;
        if (start.isElapsed(scaledMicroseconds(timeout.totalMicroseconds()))) return false;
        Poco::Thread::sleep(5);
    }
}

std::string fixturePath(const std::string& file)
{
    return std::string(FIXTURES_DIR) + "/" + file;
}

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::string();
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string sha256OfFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    Poco::DigestOutputStream digest(engine);
    Poco::StreamCopier::copyStream(in, digest);
    digest.close();
    return Poco::DigestEngine::digestToHex(engine.digest());
}

double metricSample(const std::string& page, const std::string& sample)
{
    std::string needle = "\n" + sample + " ";
    std::size_t pos = page.find(needle);
    if (pos == std::string::npos) return -1;
    pos += needle.size();
    std::size_t end = page.find('\n', pos);
    return Poco::NumberParser::parseFloat(page.substr(pos, end - pos));
}

unsigned long raiseOpenFileLimit()
{
    rlimit limit{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
    if (limit.rlim_cur < limit.rlim_max)
    {
        limit.rlim_cur = limit.rlim_max;
        REQUIRE(::setrlimit(RLIMIT_NOFILE, &limit) == 0);
    }
    return static_cast<unsigned long>(limit.rlim_cur);
}

} // namespace terrarium::test
