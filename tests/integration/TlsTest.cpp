// HTTPS listeners: a throwaway certificate made at run time, TLS 1.2 as the floor, client
// certificates required on the admin listener, plain HTTP refused on a TLS port.
#include "HttpTestClient.h"
#include "TerrariumProcess.h"
#include "TestCertificate.h"

#include <catch2/catch.hpp>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>

#include <string>

using namespace terrarium::test;

namespace {

/// Poco's SSL library for the test process (reference counted by Poco).
struct SslLibrary
{
    SslLibrary() { Poco::Net::initializeSSL(); }
    ~SslLibrary() { Poco::Net::uninitializeSSL(); }
};

Poco::Net::Context::Ptr clientContext(const TestCertificate& trusted, const TestCertificate* clientCertificate = nullptr,
                                      Poco::Net::Context::Protocols maximum = Poco::Net::Context::PROTO_TLSV1_3)
{
    Poco::Net::Context::Params params;
    params.caLocation = trusted.certFile();
    params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
    if (clientCertificate)
    {
        params.certificateFile = clientCertificate->certFile();
        params.privateKeyFile = clientCertificate->keyFile();
    }
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    if (maximum == Poco::Net::Context::PROTO_TLSV1_1)
        context->disableProtocols(Poco::Net::Context::PROTO_TLSV1_2 | Poco::Net::Context::PROTO_TLSV1_3);
    return context;
}

/// The "admin" member of a configuration: TLS with server's certificate, client certificates
/// required and verified against client's.
std::string adminMutualTls(const TestCertificate& server, const TestCertificate& client)
{
    return "\"admin\": {\"tls\": {\"cert_file\": \"" + server.certFile() + "\", \"key_file\": \"" + server.keyFile() +
           "\", \"ca_file\": \"" + client.certFile() + "\", \"client_certs\": \"required\"}}";
}

/// One HTTPS request (a bearer token when given); throws on TLS or connection failures.
std::pair<int, std::string> httpsRequest(const std::string& address, const std::string& method, const std::string& path,
                                         Poco::Net::Context::Ptr context, const std::string& body = "", const std::string& token = "")
{
    Poco::Net::SocketAddress socketAddress(address);
    Poco::Net::HTTPSClientSession session(socketAddress.host().toString(), socketAddress.port(), context);
    session.setTimeout(Poco::Timespan(20, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setHost("localhost");
    if (!token.empty()) request.set("Authorization", "Bearer " + token);
    if (!body.empty())
    {
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::string answer;
    Poco::StreamCopier::copyToString(in, answer);
    return {static_cast<int>(response.getStatus()), answer};
}

/// One HTTPS GET.
std::pair<int, std::string> httpsGet(const std::string& address, const std::string& path, Poco::Net::Context::Ptr context)
{
    return httpsRequest(address, Poco::Net::HTTPRequest::HTTP_GET, path, context);
}

} // namespace

TEST_CASE("tls: the main listener serves HTTPS, refuses TLS 1.1 and plain HTTP, the admin listener requires a client certificate", "[tls]")
{
    SslLibrary ssl;
    TestCertificate server;
    TestCertificate client("terrarium-test-client");
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.waitReady = false;
    options.configJson = "{\"tls\": {\"cert_file\": \"" + server.certFile() + "\", \"key_file\": \"" + server.keyFile() + "\"}, "
        + adminMutualTls(server, client) + "}";
    TerrariumProcess host(options);

    Poco::Net::Context::Ptr trusting = clientContext(server);
    std::pair<int, std::string> ready;
    bool up = waitUntil([&] {
        if (host.mainAddress().empty()) return false;
        ready = httpsGet(host.mainAddress(), "/ready", trusting);
        return ready.first == 200;
    }, Poco::Timespan(30, 0));
    INFO(host.log());
    REQUIRE(up);
    CHECK(host.waitForLog("listener 'main' on https://"));

    auto echo = httpsGet(host.mainAddress(), "/echo/secure", trusting);
    CHECK(echo.first == 200);
    CHECK(echo.second.find("\"path\":\"/secure\"") != std::string::npos);

    CHECK_THROWS(httpsGet(host.mainAddress(), "/health", clientContext(server, nullptr, Poco::Net::Context::PROTO_TLSV1_1)));
    bool plainRefused = false;
    try
    {
        plainRefused = httpRequest(host.mainAddress(), "GET", "/health").status != 200;
    }
    catch (const std::exception&)
    {
        plainRefused = true;
    }
    CHECK(plainRefused);

    CHECK_THROWS(httpsGet(host.adminAddress(), "/metrics", trusting));   // no client certificate
    auto admin = httpsGet(host.adminAddress(), "/metrics", clientContext(server, &client));
    CHECK(admin.first == 200);
    CHECK(admin.second.find("terrarium_ready 1") != std::string::npos);

}

TEST_CASE("tls: the audit record of an admin mutation over mutual TLS names the client certificate's subject", "[tls][audit]")
{
    SslLibrary ssl;
    TestCertificate server;
    TestCertificate client("terrarium-audit-operator");
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.waitReady = false;
    options.configJson = "{" + adminMutualTls(server, client) + "}";
    TerrariumProcess host(options);
    Poco::Net::Context::Ptr withCertificate = clientContext(server, &client);
    REQUIRE(waitUntil([&] { return !host.adminAddress().empty() && !host.token().empty(); }, Poco::Timespan(30, 0)));

    std::pair<int, std::string> levels;
    REQUIRE(waitUntil([&] {
        try
        {
            levels = httpsRequest(host.adminAddress(), "POST", "/admin/log-levels", withCertificate,
                                  R"({"service":"echo","level":"debug"})", host.token());
            return true;
        }
        catch (const Poco::Exception&)
        {
            return false;
        }
    }, Poco::Timespan(30, 0)));
    INFO(levels.second);
    CHECK(levels.first == 200);
    INFO(host.log());
    CHECK(host.waitForLog("\"client_certificate\":\"CN=terrarium-audit-operator\""));
    CHECK(host.log().find("admin POST /admin/log-levels from 127.0.0.1:") != std::string::npos);
}

TEST_CASE("tls: a listener whose key file is missing stops start-up with a message naming the file", "[tls]")
{
    TestCertificate server;
    TerrariumProcess::Options options;
    options.waitReady = false;
    options.configJson = "{\"tls\": {\"cert_file\": \"" + server.certFile() + "\", \"key_file\": \"/nonexistent/key.pem\"}}";
    TerrariumProcess host(options);
    int code = host.waitForExit(Poco::Timespan(30, 0));
    INFO(host.log());
    CHECK(code != 0);
    CHECK(code != -1);
    CHECK(host.waitForLog("/nonexistent/key.pem"));
}
