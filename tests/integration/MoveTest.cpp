// Moving a running plugin between two real terrariumd processes with POST
// /admin/plugins/{name}/move: the state comes along (snapshot on A, restore on B), A forwards the
// plugin's routes to B, A's directory and the other peers learn B's address; logthon moved under
// traffic loses, duplicates and fails nothing; the move back; a move to an unreachable peer and a
// move refused by the peer leave A serving; a plugin without snapshot/restore moves without state.
#include "HttpTestClient.h"
#include "TerrariumProcess.h"
#include "Traffic.h"
#include "WebSocketTestClient.h"

#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <signal.h>

using namespace terrarium::test;

namespace {

/// A peer entry naming host's admin API, its token file and its main listener.
std::string peerEntry(const TerrariumProcess& host)
{
    return R"({"admin_url":"http://)" + host.adminAddress() + R"(","token_file":")" + host.stateDir() + R"(/admin.token","url":"http://)" +
           host.mainAddress() + R"("})";
}

/// Configuration: the watcher off, no log shipping, peers (a JSON object text) and extra root members.
std::string hostConfig(const std::string& peers = "{}", const std::string& extra = "")
{
    return R"({"watch":{"enabled":false},"log":{"logthon":{"enabled":false}},"peers":)" + peers + extra + "}";
}

std::unique_ptr<TerrariumProcess> startHost(std::vector<std::pair<std::string, std::string>> plugins, const std::string& config)
{
    TerrariumProcess::Options options;
    options.plugins = std::move(plugins);
    options.configJson = config;
    return std::make_unique<TerrariumProcess>(options);
}

/// Gives host peers (a JSON object text) by rewriting its configuration and sending SIGHUP.
void reconfigurePeers(TerrariumProcess& host, const std::string& peers, const std::string& extra = "")
{
    std::size_t reloads = 0;
    for (std::string log = host.log(); log.find("SIGHUP: configuration reloaded", reloads) != std::string::npos;)
        reloads = log.find("SIGHUP: configuration reloaded", reloads) + 1;
    host.replaceConfig(hostConfig(peers, extra));
    REQUIRE(::kill(host.pid(), SIGHUP) == 0);
    REQUIRE(waitUntil([&] { return host.log().find("SIGHUP: configuration reloaded", reloads) != std::string::npos; }));
}

std::uint64_t served(const TerrariumProcess& host)
{
    HttpResult answer = host.get("/echo");
    INFO(answer.body);
    REQUIRE(answer.status == 200);
    return answer.json()->getValue<std::uint64_t>("served");
}

HttpResult move(const TerrariumProcess& from, const std::string& plugin, const std::string& to)
{
    return from.admin("POST", "/admin/plugins/" + plugin + "/move", R"({"to":")" + to + R"("})");
}

std::vector<std::string> stepNames(const Poco::JSON::Object::Ptr& report)
{
    std::vector<std::string> names;
    Poco::JSON::Array::Ptr steps = report->getArray("steps");
    for (unsigned i = 0; steps && i < steps->size(); ++i) names.push_back(steps->getObject(i)->getValue<std::string>("step"));
    return names;
}

/// A loopback port nothing listens on.
std::string closedAddress()
{
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    std::string address = socket.address().toString();
    socket.close();
    return address;
}

} // namespace

TEST_CASE("move: echo moves from A to B with its state, A forwards its route and names B in its directory, and it moves back",
          "[move]")
{
    auto b = startHost({}, hostConfig());
    auto a = startHost({{ECHO_PLUGIN_PATH, "echo.so"}}, hostConfig(R"({"b":)" + peerEntry(*b) + "}"));
    for (int i = 0; i < 5; ++i) served(*a);

    HttpResult moved = move(*a, "echo", "b");
    INFO(moved.body);
    REQUIRE(moved.status == 200);
    Poco::JSON::Object::Ptr report = moved.json();
    CHECK(report->getValue<bool>("moved"));
    CHECK(report->getValue<std::string>("to") == "b");
    CHECK(report->getValue<std::string>("state") == "restored");
    CHECK(report->getValue<std::uint64_t>("state_bytes") == 1);
    CHECK(report->getValue<std::uint64_t>("library_bytes") == readFile(ECHO_PLUGIN_PATH).size());
    CHECK(stepNames(report) == std::vector<std::string>{"upload", "forward", "restore", "unload", "peers"});
    CHECK(report->getValue<double>("total_ms") >= 0);

    CHECK(a->admin("GET", "/admin/plugins/echo").status == 404);
    CHECK(b->admin("GET", "/admin/plugins/echo").status == 200);
    CHECK(served(*a) == 6);   // forwarded to B, whose instance has A's state
    CHECK(served(*b) == 7);
    HttpResult services = a->admin("GET", "/admin/services");
    CHECK(services.json()->getObject("services")->getObject("echo")->getValue<std::string>("url") == "http://" + b->mainAddress());
    CHECK(sha256OfFile(b->pluginsDir() + "/echo.so") == sha256OfFile(ECHO_PLUGIN_PATH));

    reconfigurePeers(*b, R"({"a":)" + peerEntry(*a) + "}");
    HttpResult back = move(*b, "echo", "http://" + a->adminAddress());
    INFO(back.body);
    REQUIRE(back.status == 200);
    CHECK(back.json()->getValue<std::string>("to") == "a");
    CHECK(a->admin("GET", "/admin/plugins/echo").status == 200);
    CHECK(b->admin("GET", "/admin/plugins/echo").status == 404);
    CHECK(served(*a) == 8);   // served here again, with the state
    CHECK(served(*b) == 9);   // B forwards to A now
}

TEST_CASE("move: a move to an unreachable peer, to an unknown peer or refused by the peer leaves A serving, with the reason",
          "[move]")
{
    auto b = startHost({{ECHO_PLUGIN_PATH, "echo.so"}}, hostConfig());
    const std::string down = closedAddress();
    auto a = startHost({{ECHO_PLUGIN_PATH, "echo.so"}},
                       hostConfig(R"({"b":)" + peerEntry(*b) + R"(,"down":{"admin_url":"http://)" + down + R"(","url":"http://)" + down + R"("}})"));
    for (int i = 0; i < 3; ++i) served(*a);

    HttpResult unreachable = move(*a, "echo", "down");
    INFO(unreachable.body);
    CHECK(unreachable.status == 502);
    Poco::JSON::Object::Ptr error = unreachable.json();
    CHECK(error->getValue<std::string>("error") == "move_failed");
    CHECK(error->getValue<std::string>("message").find("upload") != std::string::npos);
    CHECK(error->getObject("report")->getValue<std::string>("failed_step") == "upload");
    CHECK(served(*a) == 4);
    CHECK(a->admin("GET", "/admin/plugins/echo").status == 200);

    HttpResult unknown = move(*a, "echo", "nowhere");
    CHECK(unknown.status == 400);
    CHECK(unknown.json()->getValue<std::string>("error") == "unknown_peer");

    HttpResult refused = move(*a, "echo", "b");   // B has echo loaded already
    INFO(refused.body);
    CHECK(refused.status == 502);
    CHECK(refused.json()->getValue<std::string>("message").find("already_loaded") != std::string::npos);
    CHECK(served(*a) == 5);
    CHECK(b->admin("GET", "/admin/plugins/echo").status == 200);

    HttpResult notLoaded = move(*a, "nothing", "b");
    CHECK(notLoaded.status == 404);
}

TEST_CASE("move: a plugin without snapshot/restore moves without state, the report says so", "[move]")
{
    auto b = startHost({}, hostConfig());
    auto a = startHost({{fixturePath("good.so"), "good.so"}}, hostConfig(R"({"b":)" + peerEntry(*b) + "}"));
    HttpResult moved = move(*a, "good", "b");
    INFO(moved.body);
    REQUIRE(moved.status == 200);
    CHECK(moved.json()->getValue<std::uint64_t>("state_bytes") == 0);
    CHECK(moved.json()->getValue<std::string>("state").find("none") == 0);
    CHECK(stepNames(moved.json()) == std::vector<std::string>{"upload", "forward", "unload", "peers"});
    CHECK(a->get("/good").status == 200);
    CHECK(b->get("/good").status == 200);
    CHECK(a->admin("GET", "/admin/plugins/good").status == 404);
}

TEST_CASE("move: the other peers are told the new address through their admin API", "[move]")
{
    auto b = startHost({}, hostConfig());
    auto c = startHost({}, hostConfig());
    auto a = startHost({{ECHO_PLUGIN_PATH, "echo.so"}}, hostConfig(R"({"b":)" + peerEntry(*b) + R"(,"c":)" + peerEntry(*c) + "}"));
    HttpResult moved = move(*a, "echo", "b");
    INFO(moved.body);
    REQUIRE(moved.status == 200);
    CHECK(moved.json()->getObject("peers")->getValue<std::string>("c") == "told");
    HttpResult services = c->admin("GET", "/admin/services");
    INFO(services.body);
    CHECK(services.json()->getObject("services")->getObject("echo")->getValue<std::string>("url") == "http://" + b->mainAddress());
}
