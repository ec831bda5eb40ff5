// UpstreamProxy: calls of upstream routes run on the proxy's threads while the request is set
// aside, are bounded (threads + queue), and resume the request once answered.
#include "router/UpstreamProxy.h"

#include "Eventually.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

using terrarium::ClientConfig;
using terrarium::ClientRequest;
using terrarium::ClientResponse;
using terrarium::ClientResult;
using terrarium::ClientStatus;
using terrarium::HttpClient;
using terrarium::HttpReply;
using terrarium::LocalDispatcher;
using terrarium::ProxyConfig;
using terrarium::ProxyExchange;
using terrarium::ServiceDirectory;
using terrarium::UpstreamProxy;
using terrarium::test::eventually;

namespace {

/// A service "svc" of this process that answers 200 with the path it got, holding every call
/// while held() is set.
class HeldService : public LocalDispatcher
{
public:
    bool serves(const std::string& service) const override { return service == "svc"; }

    ClientResult dispatch(const std::string&, const ClientRequest& request) override
    {
        std::unique_lock<std::mutex> lock(_mutex);
        ++_running;
        _changed.notify_all();
        _changed.wait(lock, [this] { return !_held; });
        --_running;
        ClientResponse response;
        response.status = 200;
        response.body = request.path;
        return ClientResult::success(response);
    }

    void hold(bool held)
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _held = held;
        _changed.notify_all();
    }

    int running()
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return _running;
    }

private:
    std::mutex _mutex;
    std::condition_variable _changed;
    bool _held = false;
    int _running = 0;
};

std::shared_ptr<ProxyExchange> exchangeFor(const std::string& upstream, const std::string& path)
{
    auto exchange = std::make_shared<ProxyExchange>();
    exchange->upstream = upstream;
    exchange->call.path = path;
    return exchange;
}

/// A reply of a listener's connection whose set-aside request is parked: resume() counts.
struct ParkedReply
{
    HttpReply reply;
    std::atomic<int> resumed{0};

    ParkedReply() { reply.setUpgradable(true); }

    /// Runs what the handler left, as the connection does once the handler returned.
    void park()
    {
        HttpReply::SetAside park = reply.takeSetAside();
        REQUIRE(park);
        park([this] { ++resumed; });
    }
};

} // namespace

TEST_CASE("upstream proxy: the call runs on a proxy thread and resumes the request set aside", "[proxy][upstream]")
{
    HttpClient client(ClientConfig{});
    ServiceDirectory directory(client, {});
    HeldService service;
    directory.setLocalDispatcher(&service);
    UpstreamProxy proxy(directory, ProxyConfig{2, 4});

    ParkedReply parked;
    auto exchange = exchangeFor("svc", "/v1/sys/health?x=1");
    REQUIRE(proxy.submit(exchange, parked.reply) == UpstreamProxy::Submission::SetAside);
    parked.park();
    CHECK(eventually([&] { return parked.resumed.load() == 1; }));
    CHECK(exchange->done.load());
    REQUIRE(exchange->result.ok());
    CHECK(exchange->result.response.body == "/v1/sys/health?x=1");
    std::shared_ptr<void> state = parked.reply.takeResumeState();
    CHECK(state.get() == exchange.get());
}

TEST_CASE("upstream proxy: a reply that cannot be set aside gets its answer on the calling thread", "[proxy][upstream]")
{
    HttpClient client(ClientConfig{});
    ServiceDirectory directory(client, {});
    HeldService service;
    directory.setLocalDispatcher(&service);
    UpstreamProxy proxy(directory, ProxyConfig{1, 1});

    HttpReply inProcess;
    auto exchange = exchangeFor("svc", "/x");
    CHECK(proxy.submit(exchange, inProcess) == UpstreamProxy::Submission::Answered);
    CHECK(exchange->done.load());
    CHECK(exchange->result.response.body == "/x");
    CHECK_FALSE(inProcess.takeSetAside());
}

TEST_CASE("upstream proxy: beyond threads plus queue a request is refused, and taken again once calls finish", "[proxy][upstream][limits]")
{
    HttpClient client(ClientConfig{});
    ServiceDirectory directory(client, {});
    HeldService service;
    directory.setLocalDispatcher(&service);
    UpstreamProxy proxy(directory, ProxyConfig{1, 1});
    service.hold(true);

    ParkedReply first;
    ParkedReply second;
    ParkedReply third;
    REQUIRE(proxy.submit(exchangeFor("svc", "/1"), first.reply) == UpstreamProxy::Submission::SetAside);
    first.park();
    REQUIRE(eventually([&] { return service.running() == 1; }));
    REQUIRE(proxy.submit(exchangeFor("svc", "/2"), second.reply) == UpstreamProxy::Submission::SetAside);
    second.park();
    CHECK(proxy.submit(exchangeFor("svc", "/3"), third.reply) == UpstreamProxy::Submission::Refused);
    CHECK_FALSE(third.reply.takeSetAside());
    CHECK(first.resumed.load() == 0);

    service.hold(false);
    CHECK(eventually([&] { return first.resumed.load() == 1 && second.resumed.load() == 1; }));
    ParkedReply later;
    CHECK(proxy.submit(exchangeFor("svc", "/4"), later.reply) == UpstreamProxy::Submission::SetAside);
    later.park();
    CHECK(eventually([&] { return later.resumed.load() == 1; }));
}

TEST_CASE("upstream proxy: stop() lets queued calls finish and resume their requests, then refuses", "[proxy][upstream]")
{
    HttpClient client(ClientConfig{});
    ServiceDirectory directory(client, {});
    HeldService service;
    directory.setLocalDispatcher(&service);
    UpstreamProxy proxy(directory, ProxyConfig{1, 4});
    service.hold(true);

    ParkedReply first;
    ParkedReply second;
    REQUIRE(proxy.submit(exchangeFor("svc", "/1"), first.reply) == UpstreamProxy::Submission::SetAside);
    first.park();
    REQUIRE(proxy.submit(exchangeFor("svc", "/2"), second.reply) == UpstreamProxy::Submission::SetAside);
    second.park();
    REQUIRE(eventually([&] { return service.running() == 1; }));

    std::thread release([&] {
        eventually([] { return false; }, std::chrono::milliseconds(20));
        service.hold(false);
    });
    proxy.stop();
    release.join();
    CHECK(first.resumed.load() == 1);
    CHECK(second.resumed.load() == 1);
    ParkedReply late;
    CHECK(proxy.submit(exchangeFor("svc", "/3"), late.reply) == UpstreamProxy::Submission::Refused);
}

TEST_CASE("upstream proxy: a service name the directory does not know has no answer", "[proxy][upstream]")
{
    HttpClient client(ClientConfig{});
    ServiceDirectory directory(client, {});
    UpstreamProxy proxy(directory, ProxyConfig{1, 1});
    ClientResult unknown = proxy.call(*exchangeFor("vault", "/v1/sys/health"));
    CHECK(unknown.status == ClientStatus::NotFound);
}
