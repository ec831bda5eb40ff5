// ServiceDirectory: in-process plugins first, then base URLs, run-time changes.
#include "ClientTestSupport.h"

#include "client/HttpClient.h"
#include "client/ServiceDirectory.h"

#include "UpstreamFixture.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

using terrarium::ClientRequest;
using terrarium::ClientResponse;
using terrarium::ClientResult;
using terrarium::ClientStatus;
using terrarium::HttpClient;
using terrarium::LocalDispatcher;
using terrarium::ServiceDirectory;
using terrarium::test::testClientConfig;
using terrarium::test::UpstreamFixture;

namespace {

/// Serves one service name in-process and remembers what it saw.
class FakeDispatcher : public LocalDispatcher
{
public:
    explicit FakeDispatcher(std::string name) : _name(std::move(name)) {}

    bool serves(const std::string& service) const override { return service == _name; }

    ClientResult dispatch(const std::string& service, const ClientRequest& request) override
    {
        if (leaving)
            return ClientResult::failure(ClientStatus::NotFound, "plugin '" + service + "' is not loaded any more");
        ++calls;
        lastPath = request.path;
        ClientResponse response;
        response.status = 201;
        response.body = "local " + service + " " + request.method;
        return ClientResult::success(response);
    }

    std::atomic<int> calls{0};
    std::string lastPath;
    bool leaving = false;   /// serves() says yes, but the plugin is gone when dispatch() comes (NotFound, not called)

private:
    std::string _name;
};

ClientRequest at(const std::string& path, const std::string& method = "GET")
{
    ClientRequest r;
    r.path = path;
    r.method = method;
    return r;
}

std::string echoedPath(const ClientResult& result)
{
    return Poco::JSON::Parser().parse(result.response.body).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("path");
}

} // namespace

TEST_CASE("a plugin of this process is preferred over a base URL", "[client][directory]")
{
    UpstreamFixture upstream;
    HttpClient client(testClientConfig());
    ServiceDirectory directory(client, {{"file-storage", upstream.baseUrl()}});
    FakeDispatcher local("file-storage");
    directory.setLocalDispatcher(&local);

    ClientResult result = directory.call("file-storage", at("/files?x=1", "PUT"));
    REQUIRE(result.ok());
    CHECK(result.response.status == 201);
    CHECK(result.response.body == "local file-storage PUT");
    CHECK(result.response.inProcess);
    CHECK(result.response.attempts == 1);
    CHECK(local.lastPath == "/files?x=1");
    CHECK(upstream.requests() == 0);

    directory.setLocalDispatcher(nullptr);
    ClientResult remote = directory.call("file-storage", at("/files"));
    REQUIRE(remote.ok());
    CHECK_FALSE(remote.response.inProcess);
    CHECK(upstream.requests("/files") == 1);
}

TEST_CASE("a plugin unloaded between serves() and dispatch() is called at its base URL: a move fails no call", "[client][directory]")
{
    UpstreamFixture upstream;
    upstream.answer("/files", 200, "remote");
    HttpClient client(testClientConfig());
    ServiceDirectory directory(client, {{"file-storage", upstream.baseUrl()}});
    FakeDispatcher local("file-storage");
    local.leaving = true;
    directory.setLocalDispatcher(&local);

    ClientResult result = directory.call("file-storage", at("/files", "POST"));
    REQUIRE(result.ok());
    CHECK(result.response.body == "remote");
    CHECK_FALSE(result.response.inProcess);
    CHECK(upstream.requests("/files") == 1);

    directory.removeBaseUrl("file-storage");
    CHECK(directory.call("file-storage", at("/files")).status == ClientStatus::NotFound);
}

TEST_CASE("a remote service is called at its base URL with the path appended", "[client][directory]")
{
    UpstreamFixture upstream;
    UpstreamFixture::Script echo;
    echo.behaviour = UpstreamFixture::Behaviour::Echo;
    upstream.script("/v1/secret/data/x", echo);
    HttpClient client(testClientConfig());
    ServiceDirectory directory(client, {{"vault", upstream.baseUrl() + "/v1/"}});
    FakeDispatcher local("logthon");
    directory.setLocalDispatcher(&local);

    CHECK(directory.baseUrls().at("vault") == upstream.baseUrl() + "/v1");
    ClientResult result = directory.call("vault", at("/secret/data/x?version=2"));
    REQUIRE(result.ok());
    CHECK(result.response.status == 200);
    CHECK(echoedPath(result) == "/v1/secret/data/x?version=2");
    CHECK_FALSE(result.response.inProcess);
    CHECK(local.calls == 0);
}

TEST_CASE("an unknown service is NotFound", "[client][directory]")
{
    HttpClient client(testClientConfig());
    ServiceDirectory directory(client, {});
    FakeDispatcher local("logthon");
    directory.setLocalDispatcher(&local);
    ClientResult result = directory.call("file-storage", at("/files"));
    CHECK(result.status == ClientStatus::NotFound);
    CHECK(result.message == "no service 'file-storage' in the directory: not a loaded plugin and no base URL configured");
}

TEST_CASE("changing a base URL at run time moves the service", "[client][directory]")
{
    UpstreamFixture hostA;
    UpstreamFixture hostB;
    hostA.answer("/ping", 200, "A");
    hostB.answer("/ping", 200, "B");
    HttpClient client(testClientConfig());
    ServiceDirectory directory(client, {{"svc", hostA.baseUrl()}});

    CHECK(directory.call("svc", at("/ping")).response.body == "A");
    directory.setBaseUrl("svc", hostB.baseUrl() + "/");
    CHECK(directory.call("svc", at("/ping")).response.body == "B");
    CHECK(directory.baseUrls().at("svc") == hostB.baseUrl());
    directory.removeBaseUrl("svc");
    CHECK(directory.call("svc", at("/ping")).status == ClientStatus::NotFound);
    CHECK(hostA.requests("/ping") == 1);
    CHECK(hostB.requests("/ping") == 1);
}

TEST_CASE("invalid base URLs are refused with the service named", "[client][directory]")
{
    HttpClient client(testClientConfig());
    std::string message = terrarium::test::thrownMessage([&] { ServiceDirectory refused(client, {{"files", "ftp://host/x"}}); });
    CHECK(message == "Invalid argument: service directory: 'files': base URL 'ftp://host/x' must start with http:// or https://");
    ServiceDirectory directory(client, {});
    CHECK_THROWS_AS(directory.setBaseUrl("files", "http:///nohost"), Poco::InvalidArgumentException);
    CHECK_THROWS_AS(directory.setBaseUrl("files", "http://host/x?y=1"), Poco::InvalidArgumentException);
    CHECK_THROWS_AS(directory.setBaseUrl("files", "http://user:pw@host/"), Poco::InvalidArgumentException);
    CHECK_THROWS_AS(directory.setBaseUrl("files", "not a url"), Poco::InvalidArgumentException);
    CHECK_THROWS_AS(directory.setBaseUrl("", "http://host"), Poco::InvalidArgumentException);
    CHECK(directory.baseUrls().empty());
}

TEST_CASE("an empty service name calls an absolute URL, and a relative path must start with '/'", "[client][directory]")
{
    UpstreamFixture upstream;
    HttpClient client(testClientConfig());
    ServiceDirectory directory(client, {{"svc", upstream.baseUrl()}});
    ClientResult absolute = directory.call("", at(upstream.baseUrl() + "/direct"));
    REQUIRE(absolute.ok());
    CHECK(upstream.requests("/direct") == 1);
    CHECK(directory.call("svc", at("relative")).status == ClientStatus::Invalid);
}

TEST_CASE("turning in-process dispatch off waits for the calls that are inside the dispatcher", "[client][directory]")
{
    // The host stops: a thread still calling (the log pipeline shipping to logthon) must be out of
    // the dispatcher before setLocalDispatcher(nullptr) returns and the dispatcher is destroyed.
    class BlockingDispatcher : public LocalDispatcher
    {
    public:
        bool serves(const std::string&) const override { return true; }

        ClientResult dispatch(const std::string&, const ClientRequest&) override
        {
            entered = true;
            while (!release) std::this_thread::yield();
            setterReturnedInside = setterReturned.load();
            ClientResponse response;
            response.status = 200;
            return ClientResult::success(response);
        }

        std::atomic<bool> entered{false};
        std::atomic<bool> release{false};
        std::atomic<bool> setterReturned{false};
        std::atomic<bool> setterReturnedInside{false};
    };

    HttpClient client(testClientConfig());
    ServiceDirectory directory(client, {});
    BlockingDispatcher local;
    directory.setLocalDispatcher(&local);

    std::thread caller([&] { CHECK(directory.call("logthon", at("/logs/batch", "POST")).ok()); });
    while (!local.entered) std::this_thread::yield();
    std::thread setter([&] {
        directory.setLocalDispatcher(nullptr);
        local.setterReturned = true;
    });
    // Give the setter every chance to return early (it must not), then let the call finish.
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
    while (std::chrono::steady_clock::now() < until && !local.setterReturned) std::this_thread::yield();
    CHECK_FALSE(local.setterReturned);
    local.release = true;
    caller.join();
    setter.join();
    CHECK_FALSE(local.setterReturnedInside);
    CHECK(local.setterReturned);
    CHECK_FALSE(directory.knows("logthon"));
}
