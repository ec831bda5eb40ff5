// HttpClient over TLS against the loopback upstream with a throwaway certificate.
#include "ClientTestSupport.h"

#include "client/HttpClient.h"

#include "TestCertificate.h"
#include "UpstreamFixture.h"

#include <Poco/Exception.h>

#include <catch2/catch.hpp>

using terrarium::ClientConfig;
using terrarium::ClientRequest;
using terrarium::ClientResult;
using terrarium::ClientStatus;
using terrarium::HttpClient;
using terrarium::test::contains;
using terrarium::test::TestCertificate;
using terrarium::test::testClientConfig;
using terrarium::test::UpstreamFixture;

namespace {

ClientRequest get(const std::string& url)
{
    ClientRequest r;
    r.url = url;
    return r;
}

} // namespace

TEST_CASE("an HTTPS upstream whose certificate the CA file trusts is verified and reused", "[client][tls]")
{
    TestCertificate certificate;
    UpstreamFixture upstream(&certificate);
    ClientConfig config = testClientConfig();
    config.caFile = certificate.certFile();
    HttpClient client(config);
    for (int i = 0; i < 3; ++i) {
        ClientResult result = client.call(get(upstream.baseUrl() + "/secure"));
        INFO(result.message);
        REQUIRE(result.ok());
        CHECK(result.response.status == 200);
        CHECK(result.response.body == "ok");
    }
    CHECK(upstream.connectionsAccepted() == 1);
    CHECK(client.stats().find(upstream.baseUrl()) != nullptr);
}

TEST_CASE("an HTTPS upstream with an untrusted certificate is rejected, naming the problem", "[client][tls]")
{
    TestCertificate certificate;
    UpstreamFixture upstream(&certificate);
    ClientConfig config = testClientConfig();   // verifyPeer with the system CAs only
    HttpClient client(config);
    ClientResult result = client.call(get(upstream.baseUrl() + "/secure"));
    INFO(result.message);
    CHECK(result.status == ClientStatus::Unavailable);
    CHECK(contains(result.message, "TLS handshake with " + upstream.baseUrl() + " failed: server certificate rejected: "));
    CHECK(contains(result.message, "self-signed"));
    CHECK(upstream.requests() == 0);
    CHECK(client.stats().retries == 0);   // a certificate problem is not retried
}

TEST_CASE("without verifyPeer any certificate is accepted", "[client][tls]")
{
    TestCertificate certificate;
    UpstreamFixture upstream(&certificate);
    ClientConfig config = testClientConfig();
    config.verifyPeer = false;
    HttpClient client(config);
    ClientResult result = client.call(get(upstream.baseUrl() + "/secure"));
    INFO(result.message);
    REQUIRE(result.ok());
    CHECK(result.response.status == 200);
}

TEST_CASE("a CA file that cannot be loaded is refused at construction", "[client][tls]")
{
    ClientConfig config = testClientConfig();
    config.caFile = "/nonexistent/terrarium-ca.pem";
    std::string message = terrarium::test::thrownMessage([&] { HttpClient client(config); });
    CHECK(contains(message, "cannot load the CA file '/nonexistent/terrarium-ca.pem'"));
}
