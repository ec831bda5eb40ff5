#include "FileTransfer.h"

#include <Poco/Net/Context.h>

#include <catch2/catch.hpp>

#include <Poco/DigestStream.h>
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/SHA2Engine.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <algorithm>
#include <fstream>

namespace terrarium::test {

namespace {

const std::size_t MiB = 1024 * 1024;

} // namespace

void writePattern(const std::string& path, std::size_t size)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    std::vector<std::uint64_t> block(MiB / 8);
    for (std::size_t done = 0; done < size; done += MiB)
    {
        for (std::size_t i = 0; i < block.size(); ++i) block[i] = (done / 8 + i) * 0x9E3779B97F4A7C15ull;
        out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(std::min(MiB, size - done)));
    }
    REQUIRE(out.good());
}

Download download(Poco::Net::HTTPClientSession& session, const std::string& path, const std::map<std::string, std::string>& headers)
{
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setHost("localhost");
    for (const auto& [name, value] : headers) request.set(name, value);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Download out;
    out.status = static_cast<int>(response.getStatus());
    for (const auto& [name, value] : response) out.headers[Poco::toLower(name)] = value;
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    Poco::DigestOutputStream digest(engine);
    out.bytes = Poco::StreamCopier::copyStream64(in, digest);
    digest.close();
    out.sha256 = Poco::DigestEngine::digestToHex(engine.digest());
    return out;
}

Download download(const std::string& address, const std::string& path, const std::map<std::string, std::string>& headers)
{
    Poco::Net::HTTPClientSession session{Poco::Net::SocketAddress(address)};
    session.setTimeout(Poco::Timespan(120, 0));
    return download(session, path, headers);
}

HttpResult upload(Poco::Net::HTTPClientSession& session, const std::string& path, const std::string& source, bool chunked)
{
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_PUT, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setHost("localhost");
    if (chunked)
        request.setChunkedTransferEncoding(true);
    else
        request.setContentLength64(static_cast<Poco::Int64>(Poco::File(source).getSize()));
    Poco::FileInputStream in(source, std::ios::binary);
    std::ostream& out = session.sendRequest(request);
    Poco::StreamCopier::copyStream64(in, out);
    Poco::Net::HTTPResponse response;
    std::istream& answer = session.receiveResponse(response);
    HttpResult result;
    result.status = static_cast<int>(response.getStatus());
    Poco::StreamCopier::copyToString(answer, result.body);
    for (const auto& [name, value] : response) result.headers[Poco::toLower(name)] = value;
    return result;
}

HttpResult upload(const std::string& address, const std::string& path, const std::string& source, bool chunked)
{
    Poco::Net::HTTPClientSession session{Poco::Net::SocketAddress(address)};
    session.setTimeout(Poco::Timespan(120, 0));
    return upload(session, path, source, chunked);
}

std::vector<std::string> entries(const std::string& directory)
{
    std::vector<std::string> names;
    if (!Poco::File(directory).exists()) return names;
    for (Poco::DirectoryIterator it(directory), end; it != end; ++it) names.push_back(it.name());
    return names;
}

std::unique_ptr<Poco::Net::HTTPSClientSession> tlsSession(const std::string& address, const std::string& caFile)
{
    Poco::Net::Context::Params params;
    params.caLocation = caFile;
    params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    Poco::Net::SocketAddress socketAddress(address);
    auto session = std::make_unique<Poco::Net::HTTPSClientSession>(socketAddress.host().toString(), socketAddress.port(), context);
    session->setTimeout(Poco::Timespan(60, 0));
    return session;
}

} // namespace terrarium::test
