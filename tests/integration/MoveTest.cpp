// Moving a running plugin between two real terrariumd processes with POST
// /admin/plugins/{name}/move: the state comes along (snapshot on A, restore on B), A forwards the
// plugin's routes to B, A's directory and the other peers learn B's address; logthon moved under
// traffic loses, duplicates and fails nothing; the move back; a move to an unreachable peer and a
// move refused by the peer leave A serving; a plugin without snapshot/restore moves without state.
#include "HttpTestClient.h"
#include "TempDir.h"
#include "TerrariumProcess.h"
#include "Traffic.h"
#include "WebSocketTestClient.h"

#include <catch2/catch.hpp>

#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
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
    Poco::JSON::Array::Ptr forwarded = a->admin("GET", "/admin/plugins").json()->getArray("forwarded");
    REQUIRE(forwarded->size() == 1);
    CHECK(forwarded->getObject(0)->getValue<std::string>("name") == "echo");
    CHECK(forwarded->getObject(0)->getValue<std::string>("url") == "http://" + b->mainAddress());
    CHECK_FALSE(forwarded->getObject(0)->getValue<bool>("moving"));
    CHECK(served(*a) == 6);   // forwarded to B, whose instance has A's state
    CHECK(served(*b) == 7);
    HttpResult services = a->admin("GET", "/admin/services");
    CHECK(services.json()->getObject("services")->getObject("echo")->getValue<std::string>("url") == "http://" + b->mainAddress());
    CHECK(sha256OfFile(b->pluginsDir() + "/echo.so") == sha256OfFile(ECHO_PLUGIN_PATH));
    CHECK_FALSE(Poco::File(a->pluginsDir() + "/echo.so").exists());   // parked: neither a restart nor a rescan loads it on A again
    CHECK(Poco::File(a->pluginsDir() + "/.echo.so.moved").exists());

    reconfigurePeers(*b, R"({"a":)" + peerEntry(*a) + "}");
    HttpResult back = move(*b, "echo", "http://" + a->adminAddress());
    INFO(back.body);
    REQUIRE(back.status == 200);
    CHECK(back.json()->getValue<std::string>("to") == "a");
    CHECK(a->admin("GET", "/admin/plugins/echo").status == 200);
    CHECK(b->admin("GET", "/admin/plugins/echo").status == 404);
    CHECK(served(*a) == 8);   // served here again, with the state
    CHECK(a->admin("GET", "/admin/plugins").json()->getArray("forwarded")->size() == 0);
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

namespace {

/// How many files custom-client on host has created in file-storage so far (its log says so).
std::size_t filesCreated(const TerrariumProcess& host)
{
    const std::string created = "Successfully created file via file storage API";
    std::string log = host.log();
    std::size_t count = 0;
    for (std::size_t at = log.find(created); at != std::string::npos; at = log.find(created, at + 1)) ++count;
    return count;
}

/// The messages of service "mover" on host's logthon, with their counts.
std::map<std::string, int> moverRecords(const TerrariumProcess& host)
{
    HttpResult listed = host.get("/api/logthon/logs?service=mover&limit=10000");
    INFO(listed.body.substr(0, 512));
    REQUIRE(listed.status == 200);
    std::map<std::string, int> messages;
    Poco::JSON::Array::Ptr logs = listed.json()->getArray("logs");
    for (unsigned i = 0; i < logs->size(); ++i) ++messages[logs->getObject(i)->getValue<std::string>("message")];
    return messages;
}

/// The message of a logthon stream frame, "" for any other frame.
std::string streamMessage(const std::string& frame)
{
    try
    {
        return Poco::JSON::Parser().parse(frame).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("message");
    }
    catch (const std::exception&)
    {
        return std::string();
    }
}

} // namespace

TEST_CASE("move: logthon moves from A to B under traffic: no request fails, no record is lost or duplicated, the stream reconnects, "
          "custom-client's files keep arriving, and it moves back to A with every record",
          "[move][traffic]")
{
    TempDir storage;
    TempDir requests;
    const std::string logthonConfig = R"(,"plugins":{"logthon":{"config":{"max_logs":100000}},)"
                                      R"("custom-client":{"config":{"file_interval_ms":100,"request_log_dir":")" + requests.path() + R"("}}})";
    auto b = startHost({}, hostConfig("{}", logthonConfig));
    TerrariumProcess::Options options;
    options.plugins = {{LOGTHON_PLUGIN_PATH, "logthon.so"}, {FILE_STORAGE_PLUGIN_PATH, "file-storage.so"}, {CUSTOM_CLIENT_PLUGIN_PATH, "custom-client.so"}};
    options.configJson = hostConfig(R"({"b":)" + peerEntry(*b) + "}", logthonConfig);
    options.env = {{"FILE_STORAGE_PATH", storage.path()}};
    TerrariumProcess a(options);
    REQUIRE(waitUntil([&] { return filesCreated(a) >= 1; }));

    std::mutex mutex;
    std::set<std::string> acknowledged;
    const std::uint64_t budget = 4500;   // records per posting thread (the query returns at most 10000)
    Traffic posting(a.mainAddress(), 2, [&](HttpTestClient& client, int thread, std::uint64_t sequence) -> std::string {
        if (sequence >= budget)
        {
            HttpResult read = client.request("GET", "/api/logthon/logs?service=mover&limit=1");
            return read.status == 200 ? std::string() : "GET after the budget: " + std::to_string(read.status) + " " + read.body;
        }
        std::string message = "t" + std::to_string(thread) + "-" + std::to_string(sequence);
        HttpResult posted = client.request("POST", "/api/logs", R"({"service":"mover","message":")" + message + R"("})");
        if (posted.status != 200) return "POST " + message + ": " + std::to_string(posted.status) + " " + posted.body;
        std::lock_guard lock(mutex);
        acknowledged.insert(message);
        return std::string();
    });
    Traffic querying(a.mainAddress(), 1, [](HttpTestClient& client, int, std::uint64_t) -> std::string {
        HttpResult read = client.request("GET", "/api/logthon/logs?service=mover&limit=5");
        return read.status == 200 ? std::string() : "query: " + std::to_string(read.status) + " " + read.body;
    });
    WebSocketTestClient streamOnA(a, "/api/logthon/ws");
    auto acknowledgedCount = [&] {
        std::lock_guard lock(mutex);
        return acknowledged.size();
    };
    REQUIRE(waitUntil([&] { return acknowledgedCount() >= 200; }));

    const std::size_t before = acknowledgedCount();
    const std::size_t filesBefore = filesCreated(a);
    HttpResult moved = move(a, "logthon", "b");
    const std::size_t during = acknowledgedCount() - before;
    INFO(moved.body);
    REQUIRE(moved.status == 200);
    CHECK(moved.json()->getValue<std::string>("state") == "restored");
    CHECK(moved.json()->getValue<std::uint64_t>("state_bytes") > 0);
    REQUIRE(waitUntil([&] { return acknowledgedCount() >= std::min<std::size_t>(before + during + 200, 2 * budget); }));
    REQUIRE(waitUntil([&] { return filesCreated(a) >= filesBefore + 3; }));
    posting.stop();
    querying.stop();
    INFO("records acknowledged before the move " << before << ", during " << during << ", in all " << acknowledgedCount());
    CHECK(posting.failures() == std::vector<std::string>{});
    CHECK(querying.failures() == std::vector<std::string>{});
    CHECK(posting.failed.load() == 0);
    CHECK(querying.failed.load() == 0);

    // A's stream was closed when its logthon left; a client reconnects (to B) and gets the new records
    bool closed = false;
    for (int frames = 0; frames < 100000 && !closed; ++frames)
    {
        try
        {
            int flags = 0;
            streamOnA.receive(flags);
            closed = (flags & Poco::Net::WebSocket::FRAME_OP_BITMASK) == Poco::Net::WebSocket::FRAME_OP_CLOSE;
        }
        catch (const std::exception&)
        {
            closed = true;
        }
    }
    CHECK(closed);
    WebSocketTestClient streamOnB(*b, "/api/logthon/ws");
    REQUIRE(a.request("POST", "/api/logs", R"({"service":"mover","message":"after-the-move"})").status == 200);
    acknowledged.insert("after-the-move");
    bool received = false;
    for (int frames = 0; frames < 1000 && !received; ++frames) received = streamMessage(streamOnB.receive()) == "after-the-move";
    CHECK(received);

    std::map<std::string, int> stored = moverRecords(*b);
    std::string lost, duplicated, unknown;
    for (const std::string& message : acknowledged)
    {
        auto found = stored.find(message);
        if (found == stored.end()) lost += message + " ";
        else if (found->second != 1) duplicated += message + " ";
    }
    for (const auto& [message, count] : stored)
        if (!acknowledged.count(message)) unknown += message + " ";
    CHECK(lost == "");
    CHECK(duplicated == "");
    CHECK(unknown == "");
    CHECK(stored.size() == acknowledged.size());
    CHECK(a.admin("GET", "/admin/plugins/logthon").status == 404);

    // And back from B to A, state and all: A serves logthon itself again, with every record.
    reconfigurePeers(*b, R"({"a":)" + peerEntry(a) + "}", logthonConfig);
    HttpResult back = move(*b, "logthon", "a");
    INFO(back.body);
    REQUIRE(back.status == 200);
    CHECK(back.json()->getValue<std::string>("state") == "restored");
    CHECK(a.admin("GET", "/admin/plugins/logthon").status == 200);
    CHECK(a.admin("GET", "/admin/plugins").json()->getArray("forwarded")->size() == 0);
    REQUIRE(a.request("POST", "/api/logs", R"({"service":"mover","message":"back-on-a"})").status == 200);
    acknowledged.insert("back-on-a");
    std::map<std::string, int> storedOnA = moverRecords(a);
    CHECK(storedOnA.size() == acknowledged.size());
    std::size_t missingOnA = 0;
    for (const std::string& message : acknowledged) missingOnA += storedOnA.count(message) == 1 && storedOnA[message] == 1 ? 0 : 1;
    CHECK(missingOnA == 0);
}

TEST_CASE("move: with admin.move_forward_ms A forwards the moved plugin's routes for that long, then answers 404", "[move]")
{
    auto b = startHost({}, hostConfig());
    auto a = startHost({{ECHO_PLUGIN_PATH, "echo.so"}}, hostConfig(R"({"b":)" + peerEntry(*b) + "}", R"(,"admin":{"move_forward_ms":500})"));
    HttpResult moved = move(*a, "echo", "b");
    INFO(moved.body);
    REQUIRE(moved.status == 200);
    CHECK(waitUntil([&] { return a->get("/echo").status == 404; }));
    CHECK(a->log().find("forwarding of its routes to http://" + b->mainAddress() + " ended") != std::string::npos);
    CHECK(b->get("/echo").status == 200);
}

TEST_CASE("move: a generation still busy past drain_timeout_ms fails the move at forward, A serves it again and B's copy is removed",
          "[move]")
{
    auto b = startHost({}, hostConfig());
    auto a = startHost({{fixturePath("slow.so"), "slow.so"}}, hostConfig(R"({"b":)" + peerEntry(*b) + "}", R"(,"drain_timeout_ms":200)"));
    HttpResult slow;
    std::thread client([&] { slow = a->get("/slow?ms=3000"); });
    REQUIRE(waitUntil([&] { return a->admin("GET", "/admin/plugins/slow").json()->getObject("requests")->getValue<int>("in_flight") == 1; }));
    HttpResult moved = move(*a, "slow", "b");
    client.join();
    INFO(moved.body);
    CHECK(moved.status == 502);
    CHECK(moved.json()->getObject("report")->getValue<std::string>("failed_step") == "forward");
    CHECK(moved.json()->getValue<std::string>("message").find("drain_timeout_ms") != std::string::npos);
    CHECK(slow.status == 200);
    CHECK(a->get("/slow?ms=1").status == 200);
    CHECK(a->admin("GET", "/admin/plugins/slow").json()->getValue<std::string>("state") == "serving");
    CHECK(b->admin("GET", "/admin/plugins/slow").status == 404);
    CHECK_FALSE(Poco::File(b->pluginsDir() + "/slow.so").exists());   // B's copy is gone, a restart of B does not load it
    CHECK(a->admin("GET", "/admin/services").json()->getObject("services")->size() == 0);
}

TEST_CASE("move: the routes of another listener are forwarded to the peer's URL for that listener (peers.<name>.listeners)", "[move]")
{
    const std::string direct = R"(,"listeners":[{"name":"echo-direct","listen":"127.0.0.1:0","plugin":"echo"}])";
    auto b = startHost({}, hostConfig("{}", direct));
    std::string peer = peerEntry(*b);
    peer.insert(peer.size() - 1, R"(,"listeners":{"echo-direct":"http://)" + b->listenerAddress("echo-direct") + R"("})");
    auto a = startHost({{ECHO_PLUGIN_PATH, "echo.so"}}, hostConfig(R"({"b":)" + peer + "}", direct));
    REQUIRE(httpRequest(a->listenerAddress("echo-direct"), "GET", "/anything").status == 200);
    HttpResult moved = move(*a, "echo", "b");
    INFO(moved.body);
    REQUIRE(moved.status == 200);
    HttpResult throughA = httpRequest(a->listenerAddress("echo-direct"), "GET", "/anything");
    INFO(throughA.body);
    CHECK(throughA.status == 200);
    CHECK(throughA.json()->getValue<std::uint64_t>("served") == 2);
    CHECK(served(*a) == 3);
}
