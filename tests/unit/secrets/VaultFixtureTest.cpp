// The fake Vault itself: the documented answer shapes, its controls, and many concurrent clients.
#include "SecretsTestSupport.h"

#include "client/HttpClient.h"

#include "VaultFixture.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

using terrarium::ClientRequest;
using terrarium::ClientResult;
using terrarium::HttpClient;
using terrarium::test::contains;
using terrarium::test::testClientConfig;
using terrarium::test::VaultFixture;

namespace {

ClientRequest request(const std::string& method, const std::string& url, const std::string& token = std::string(),
    const std::string& body = std::string())
{
    ClientRequest r;
    r.method = method;
    r.url = url;
    if (!token.empty())
        r.headers.emplace_back("X-Vault-Token", token);
    r.body = body;
    return r;
}

Poco::JSON::Object::Ptr json(const ClientResult& result)
{
    return Poco::JSON::Parser().parse(result.response.body).extract<Poco::JSON::Object::Ptr>();
}

} // namespace

TEST_CASE("the Vault fixture answers KV v2 reads, 404 and 403 in Vault's shapes", "[secrets][fixture]")
{
    VaultFixture vault;
    vault.seedDemoData("root");
    HttpClient client(testClientConfig());
    const std::string data = vault.baseUrl() + "/v1/secret/data/";

    ClientResult read = client.call(request("GET", data + VaultFixture::DEMO_PATH, "root"));
    REQUIRE(read.ok());
    REQUIRE(read.response.status == 200);
    Poco::JSON::Object::Ptr body = json(read);
    Poco::JSON::Object::Ptr values = body->getObject("data")->getObject("data");
    CHECK(values->getValue<std::string>("api_key") == "mock-api-key-12345");
    CHECK(values->getValue<std::string>("database_url") == "postgresql://user:pass@db:5432/app");
    CHECK(values->getValue<std::string>("jwt_secret") == "mock-jwt-secret-67890");
    CHECK(values->getValue<std::string>("encryption_key") == "mock-encryption-key-abcdef");
    CHECK(values->getValue<std::string>("log_level") == "INFO");
    CHECK(values->getValue<std::string>("max_connections") == "100");
    CHECK(body->getObject("data")->getObject("metadata")->getValue<int>("version") == 1);

    ClientResult missing = client.call(request("GET", data + "nothing", "root"));
    CHECK(missing.response.status == 404);
    CHECK(missing.response.body == R"({"errors":[]})");

    ClientResult refused = client.call(request("GET", data + VaultFixture::DEMO_PATH, "wrong"));
    CHECK(refused.response.status == 403);
    CHECK(refused.response.body == R"({"errors":["permission denied"]})");
    CHECK(client.call(request("GET", data + VaultFixture::DEMO_PATH)).response.status == 403);
    CHECK(vault.reads(VaultFixture::DEMO_PATH) == 3);
    CHECK(vault.totalReads() == 4);

    vault.putSecret(VaultFixture::DEMO_PATH, {{"api_key", "v2"}});
    body = json(client.call(request("GET", data + VaultFixture::DEMO_PATH, "root")));
    CHECK(body->getObject("data")->getObject("metadata")->getValue<int>("version") == 2);

    REQUIRE(vault.deleteSecret(VaultFixture::DEMO_PATH));
    ClientResult deleted = client.call(request("GET", data + VaultFixture::DEMO_PATH, "root"));
    CHECK(deleted.response.status == 404);
    CHECK(json(deleted)->getObject("data")->isNull("data"));
    CHECK_FALSE(json(deleted)->getObject("data")->getObject("metadata")->getValue<std::string>("deletion_time").empty());
}

TEST_CASE("the Vault fixture writes, deletes and lists over HTTP, and answers health", "[secrets][fixture]")
{
    VaultFixture vault;
    vault.addToken("root");
    HttpClient client(testClientConfig());
    const std::string base = vault.baseUrl() + "/v1/secret/";

    ClientResult written = client.call(request("POST", base + "data/apps/one/db", "root", R"({"data":{"user":"u"}})"));
    REQUIRE(written.response.status == 200);
    CHECK(json(written)->getObject("data")->getValue<int>("version") == 1);
    client.call(request("PUT", base + "data/apps/two", "root", R"({"data":{"k":"v"}})"));
    vault.putSecret("apps/one/cache", {{"k", "v"}});

    ClientResult list = client.call(request("GET", base + "metadata/apps?list=true", "root"));
    REQUIRE(list.response.status == 200);
    Poco::JSON::Array::Ptr keys = json(list)->getObject("data")->getArray("keys");
    REQUIRE(keys->size() == 2);
    CHECK(keys->getElement<std::string>(0) == "one/");
    CHECK(keys->getElement<std::string>(1) == "two");
    ClientResult listed = client.call(request("LIST", base + "metadata/apps/one", "root"));
    REQUIRE(listed.response.status == 200);
    CHECK(json(listed)->getObject("data")->getArray("keys")->size() == 2);
    CHECK(client.call(request("GET", base + "metadata/none?list=true", "root")).response.status == 404);
    CHECK(client.call(request("GET", base + "metadata/apps?list=true", "bad")).response.status == 403);

    CHECK(client.call(request("DELETE", base + "data/apps/two", "root")).response.status == 204);
    CHECK(client.call(request("GET", base + "data/apps/two", "root")).response.status == 404);

    ClientResult health = client.call(request("GET", vault.baseUrl() + "/v1/sys/health"));
    REQUIRE(health.response.status == 200);
    CHECK(json(health)->getValue<bool>("initialized"));
    CHECK_FALSE(json(health)->getValue<bool>("sealed"));
    CHECK(client.call(request("GET", vault.baseUrl() + "/v1/nothing/here")).response.status == 404);
}

TEST_CASE("the Vault fixture logs in Kubernetes roles and renews their tokens", "[secrets][fixture]")
{
    VaultFixture vault;
    vault.putSecret("app/db", {{"user", "u"}});
    vault.addKubernetesRole("terrarium", "jwt-1", 120, true);
    vault.addToken("static");
    HttpClient client(testClientConfig());
    const std::string login = vault.baseUrl() + "/v1/auth/kubernetes/login";

    ClientResult ok = client.call(request("POST", login, "", R"({"role":"terrarium","jwt":"jwt-1"})"));
    REQUIRE(ok.response.status == 200);
    Poco::JSON::Object::Ptr auth = json(ok)->getObject("auth");
    const std::string token = auth->getValue<std::string>("client_token");
    CHECK(auth->getValue<int>("lease_duration") == 120);
    CHECK(auth->getValue<bool>("renewable"));
    CHECK(client.call(request("GET", vault.baseUrl() + "/v1/secret/data/app/db", token)).response.status == 200);

    CHECK(client.call(request("POST", login, "", R"({"role":"terrarium","jwt":"other"})")).response.status == 403);
    CHECK(client.call(request("POST", login, "", R"({"role":"nobody","jwt":"jwt-1"})")).response.status == 403);
    CHECK(client.call(request("POST", login, "", R"({"jwt":"jwt-1"})")).response.status == 400);
    CHECK(vault.logins() == 1);

    const std::string renew = vault.baseUrl() + "/v1/auth/token/renew-self";
    ClientResult renewed = client.call(request("POST", renew, token, "{}"));
    REQUIRE(renewed.response.status == 200);
    CHECK(json(renewed)->getObject("auth")->getValue<std::string>("client_token") == token);
    CHECK(vault.renewals() == 1);
    CHECK(client.call(request("POST", renew, "static", "{}")).response.status == 400);
    CHECK(client.call(request("POST", renew, "bad", "{}")).response.status == 403);

    vault.revokeIssuedTokens();
    CHECK(client.call(request("GET", vault.baseUrl() + "/v1/secret/data/app/db", token)).response.status == 403);
    CHECK(client.call(request("GET", vault.baseUrl() + "/v1/secret/data/app/db", "static")).response.status == 200);

    vault.setKubernetesAuthPath("k8s-cluster-a");
    CHECK(client.call(request("POST", login, "", R"({"role":"terrarium","jwt":"jwt-1"})")).response.status == 404);
    CHECK(client.call(request("POST", vault.baseUrl() + "/v1/auth/k8s-cluster-a/login", "", R"({"role":"terrarium","jwt":"jwt-1"})"))
              .response.status == 200);
}

TEST_CASE("the Vault fixture goes down and comes back on the same port, or fails with a status", "[secrets][fixture]")
{
    VaultFixture vault;
    vault.seedDemoData("root");
    HttpClient client(testClientConfig());
    const std::string url = vault.baseUrl() + "/v1/secret/data/" + VaultFixture::DEMO_PATH;
    const Poco::UInt16 port = vault.port();

    vault.setFailureStatus(503);
    ClientResult sealed = client.call(request("GET", url, "root"));
    CHECK(sealed.response.status == 503);
    CHECK(contains(sealed.response.body, "sealed"));
    CHECK(client.call(request("GET", vault.baseUrl() + "/v1/sys/health")).response.status == 503);
    vault.setFailureStatus(0);

    vault.setDown(true);
    CHECK_FALSE(client.call(request("GET", url, "root")).ok());
    vault.setDown(false);
    CHECK(vault.port() == port);
    CHECK(client.call(request("GET", url, "root")).response.status == 200);
}

TEST_CASE("the Vault fixture serves many concurrent clients", "[secrets][fixture]")
{
    VaultFixture vault;
    vault.seedDemoData("root");
    HttpClient client(testClientConfig());
    const std::string url = vault.baseUrl() + "/v1/secret/data/" + VaultFixture::DEMO_PATH;
    std::atomic<unsigned> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 50; ++i)
                if (client.call(request("GET", url, "root")).response.status == 200)
                    ++ok;
        });
    for (std::thread& thread : threads)
        thread.join();
    CHECK(ok == 400u);
    CHECK(vault.reads(VaultFixture::DEMO_PATH) == 400);
}
