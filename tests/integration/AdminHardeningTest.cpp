// The admin API's hardening: the token compared by digest, a bounded request body, failed-auth
// limits per client address, audit records of mutations, a read-only token, and the Unix-socket
// admin listener.
#include "ExpectError.h"
#include "Eventually.h"
#include "HttpTestClient.h"
#include "RawHttpConnection.h"
#include "TempDir.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <Poco/JSON/Parser.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/NumberParser.h>

#include <csignal>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using namespace terrarium::test;

namespace {

/// A host with the watcher off and echo.so loaded at start; extra admin settings (JSON members
/// of "admin", without braces) and extra top-level members are added to its configuration.
TerrariumProcess::Options hostWith(const std::string& adminMembers, const std::string& rootMembers = "")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch":{"enabled":false})" + std::string(adminMembers.empty() ? "" : R"(,"admin":{)" + adminMembers + "}") +
                         (rootMembers.empty() ? "" : "," + rootMembers) + "}";
    return options;
}

/// Reads a whole "Connection: close" answer from socket and parses status, headers and body.
HttpResult readClosedResponse(Poco::Net::StreamSocket& socket)
{
    socket.setReceiveTimeout(Poco::Timespan(20, 0));
    std::string raw;
    char buffer[4096];
    for (int n; (n = socket.receiveBytes(buffer, sizeof buffer)) > 0;) raw.append(buffer, static_cast<std::size_t>(n));
    HttpResult result;
    std::size_t headEnd = raw.find("\r\n\r\n");
    REQUIRE(headEnd != std::string::npos);
    REQUIRE(raw.compare(0, 9, "HTTP/1.1 ") == 0);
    result.status = Poco::NumberParser::parse(raw.substr(9, 3));
    std::size_t line = raw.find("\r\n") + 2;
    while (line < headEnd)
    {
        std::size_t end = raw.find("\r\n", line);
        std::string header = raw.substr(line, end - line);
        std::size_t colon = header.find(':');
        std::string name = Poco::toLower(header.substr(0, colon));
        result.headers[name] = Poco::trim(header.substr(colon + 1));
        line = end + 2;
    }
    result.body = raw.substr(headEnd + 4);
    return result;
}

/// One request from sourceIp (a loopback address) to the TCP address, "Connection: close".
HttpResult requestFrom(const std::string& sourceIp, const std::string& address, const std::string& method, const std::string& path,
                       const std::string& token)
{
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::IPv4);
    socket.impl()->bind(Poco::Net::SocketAddress(sourceIp, 0), false);
    socket.connect(Poco::Net::SocketAddress(address), Poco::Timespan(20, 0));
    std::string request = method + " " + path + " HTTP/1.1\r\nHost: " + address + "\r\nConnection: close\r\n";
    if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
    request += "Content-Length: 0\r\n\r\n";
    socket.sendBytes(request.data(), static_cast<int>(request.size()));
    return readClosedResponse(socket);
}

/// One request over the Unix socket at path, "Connection: close", with "Host: localhost" unless
/// headers give another; no token.
HttpResult unixRequest(const std::string& path, const std::string& method, const std::string& target, const std::string& body = "",
                       const std::string& headers = "Host: localhost\r\n")
{
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, path));
    std::string request = method + " " + target + " HTTP/1.1\r\n" + headers + "Connection: close\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body;
    socket.sendBytes(request.data(), static_cast<int>(request.size()));
    return readClosedResponse(socket);
}

/// The JSON log lines of text whose "logger" is "audit".
std::vector<Poco::JSON::Object::Ptr> auditRecords(const std::string& text)
{
    std::vector<Poco::JSON::Object::Ptr> records;
    std::size_t at = 0;
    while (at < text.size())
    {
        std::size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(at, end - at);
        at = end + 1;
        if (line.find("\"audit\"") == std::string::npos || line.empty() || line.front() != '{') continue;
        Poco::JSON::Parser parser;
        auto record = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
        if (record->optValue<std::string>("logger", "") == "audit") records.push_back(record);
    }
    return records;
}

/// The audit record of method and path (the last one), or null.
Poco::JSON::Object::Ptr auditOf(const std::string& text, const std::string& method, const std::string& path)
{
    Poco::JSON::Object::Ptr found;
    for (const auto& record : auditRecords(text))
        if (record->optValue<std::string>("method", "") == method && record->optValue<std::string>("path", "") == path) found = record;
    return found;
}

std::size_t occurrences(const std::string& text, const std::string& needle)
{
    std::size_t count = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
    return count;
}

} // namespace

TEST_CASE("admin hardening: only the exact token is accepted (prefix, extension, case and empty are not)", "[admin][hardening][token]")
{
    TerrariumProcess host(hostWith(""));
    std::string token = host.token();
    CHECK(host.admin("GET", "/admin/status").status == 200);
    for (const std::string& wrong : {token.substr(0, token.size() - 1), token + "0", Poco::toUpper(token), std::string("x")})
        expectError(host.admin("GET", "/admin/status", "", false, {{"Authorization", "Bearer " + wrong}}), 403, "forbidden");
    CHECK(host.admin("GET", "/admin/status", "", false, {{"Authorization", "Bearer  " + token + " "}}).status == 200);
}

TEST_CASE("admin hardening: a body above admin.max_body_bytes is 413 before the handler reads it", "[admin][hardening][body]")
{
    // The answer comes on the headers alone (the body is never sent: a client that sent it while
    // the host closes could see a reset before the answer).
    auto announce = [](const TerrariumProcess& host, const std::string& path, std::size_t length) {
        RawHttpConnection raw(host.adminAddress());
        raw.send("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + host.token() +
                 "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n");
        return raw.readResponse();
    };
    SECTION("the 64 KiB default")
    {
        TerrariumProcess host(hostWith(""));
        HttpResult refused = announce(host, "/admin/plugins", 64 * 1024 + 1);
        expectError(refused, 413, "payload_too_large");
        CHECK(refused.json()->getValue<std::string>("message").find("65536") != std::string::npos);
        CHECK(host.admin("POST", "/admin/log-levels", R"({"default":"info","pad":")" + std::string(60 * 1024, ' ') + "\"}").status == 200);
        // The main listener keeps its own (larger) limit.
        CHECK(host.request("POST", "/echo/big", std::string(200 * 1024, 'x')).status == 200);
        CHECK(host.admin("GET", "/admin/plugins/echo").status == 200);
    }
    SECTION("a configured bound")
    {
        TerrariumProcess host(hostWith(R"("max_body_bytes":1024)"));
        HttpResult refused = announce(host, "/admin/log-levels", 1025);
        expectError(refused, 413, "payload_too_large");
        CHECK(refused.json()->getValue<std::string>("message").find("1024") != std::string::npos);
        expectError(announce(host, "/admin/plugins", 1024 * 1024), 413, "payload_too_large");
        CHECK(host.admin("POST", "/admin/log-levels", R"({"default":"info","pad":")" + std::string(900, ' ') + "\"}").status == 200);
        CHECK(host.admin("GET", "/admin/status").status == 200);
    }
}

TEST_CASE("admin hardening: failed token checks of one address are limited with 429, other addresses are not", "[admin][hardening][ratelimit]")
{
    TerrariumProcess host(hostWith(R"("auth_failures":{"max":3,"window_ms":600000})"));
    const std::string address = host.adminAddress();
    expectError(requestFrom("127.0.0.1", address, "GET", "/admin/plugins", ""), 401, "unauthorized");
    expectError(requestFrom("127.0.0.1", address, "GET", "/admin/plugins", "wrong"), 403, "forbidden");
    expectError(requestFrom("127.0.0.1", address, "DELETE", "/admin/plugins/echo", "wrong"), 403, "forbidden");

    // The limit is reached: this address is refused, also with the right token.
    for (const std::string& token : {std::string("wrong"), host.token()})
    {
        HttpResult limited = requestFrom("127.0.0.1", address, "GET", "/admin/plugins", token);
        expectError(limited, 429, "too_many_auth_failures");
        long retryAfter = Poco::NumberParser::parse(limited.header("Retry-After"));
        CHECK(retryAfter > 0);
        CHECK(retryAfter <= 600);
    }
    // Another client address with the right token is not affected; a wrong one from there counts on its own.
    CHECK(requestFrom("127.0.0.2", address, "GET", "/admin/plugins", host.token()).status == 200);
    expectError(requestFrom("127.0.0.2", address, "GET", "/admin/plugins", "wrong"), 403, "forbidden");
    // Probes and /metrics need no token and stay open.
    CHECK(requestFrom("127.0.0.1", address, "GET", "/health", "").status == 200);
    std::string page = requestFrom("127.0.0.1", address, "GET", "/metrics", "").body;
    INFO(page);
    CHECK(metricSample(page, "terrarium_admin_auth_failures_total") == 4);
    CHECK(metricSample(page, "terrarium_admin_auth_throttled_total") == 2);
    CHECK(metricSample(page, "terrarium_admin_auth_tracked_addresses") == 2);
    CHECK(host.get("/echo/").status == 200);

    // Logged once per window and address, however many requests it refuses.
    CHECK(host.waitForLog("3 failed token checks from 127.0.0.1 within 600000 ms"));
    expectError(requestFrom("127.0.0.1", address, "GET", "/admin/plugins", "wrong"), 429, "too_many_auth_failures");
    CHECK(occurrences(host.log(), "failed token checks from 127.0.0.1 within") == 1);
}

TEST_CASE("admin hardening: every mutation leaves an audit record in every sink, without token or body", "[admin][hardening][audit]")
{
    TempDir logs;
    const std::string logFile = logs.file("host.log");
    TerrariumProcess host(hostWith("", R"("log":{"file":{"path":")" + logFile + R"("}})"));
    const std::string secret = "hunter2-not-for-logs";

    REQUIRE(host.admin("POST", "/admin/plugins/echo/reload", R"({"config":{"password":")" + secret + "\"}}").status == 200);
    REQUIRE(host.admin("POST", "/admin/log-levels", R"({"service":"echo","level":"debug"})").status == 200);
    REQUIRE(host.admin("GET", "/admin/plugins/echo").status == 200);
    expectError(host.admin("DELETE", "/admin/plugins/nosuch"), 404, "not_found");
    expectError(host.admin("DELETE", "/admin/plugins/echo", "", false, {{"Authorization", "Bearer wrong"}}), 403, "forbidden");
    REQUIRE(host.admin("DELETE", "/admin/plugins/echo").status == 200);
    REQUIRE(host.admin("POST", "/admin/plugins", R"({"file":"echo.so"})").status == 201);

    REQUIRE(eventually([&] { return auditOf(host.log(), "POST", "/admin/plugins") != nullptr; }));
    std::string console = host.log();
    INFO(console);
    auto reload = auditOf(console, "POST", "/admin/plugins/echo/reload");
    REQUIRE(reload);
    CHECK(reload->getValue<std::string>("plugin") == "echo");
    CHECK(reload->getValue<std::string>("status") == "200");
    CHECK(reload->getValue<std::string>("access") == "token");
    CHECK(reload->getValue<std::string>("client").rfind("127.0.0.1:", 0) == 0);
    auto levels = auditOf(console, "POST", "/admin/log-levels");
    REQUIRE(levels);
    CHECK(levels->getValue<std::string>("status") == "200");
    auto missing = auditOf(console, "DELETE", "/admin/plugins/nosuch");
    REQUIRE(missing);
    CHECK(missing->getValue<std::string>("status") == "404");
    CHECK(missing->getValue<std::string>("error") == "not_found");
    auto load = auditOf(console, "POST", "/admin/plugins");
    REQUIRE(load);
    CHECK(load->getValue<std::string>("file") == "echo.so");
    CHECK(load->getValue<std::string>("status") == "201");
    CHECK_FALSE(auditOf(console, "GET", "/admin/plugins/echo"));   // reads are not audited

    std::vector<std::string> statuses;
    for (const auto& record : auditRecords(console))
        if (record->getValue<std::string>("path") == "/admin/plugins/echo") statuses.push_back(record->getValue<std::string>("status"));
    CHECK(statuses == std::vector<std::string>{"403", "200"});   // the refused attempt, then the unload
    CHECK(auditRecords(console).size() == 6);

    for (const auto& record : auditRecords(console))
    {
        std::ostringstream text;
        record->stringify(text);
        CHECK(text.str().find(host.token()) == std::string::npos);
        CHECK(text.str().find(secret) == std::string::npos);
        CHECK(text.str().find("wrong") == std::string::npos);
    }
    // The file sink gets the same records.
    REQUIRE(eventually([&] { return auditRecords(readFile(logFile)).size() == 6; }));
}

TEST_CASE("admin hardening: a read-only token may read but not mutate", "[admin][hardening][readonly]")
{
    TempDir secrets;
    const std::string readOnly = "read-only-token-0123456789";
    std::string file = secrets.write("ro.token", readOnly + "\n");
    TerrariumProcess host(hostWith(R"("read_only_token_file":")" + file + "\""));
    const std::map<std::string, std::string> withReadOnly = {{"Authorization", "Bearer " + readOnly}};

    CHECK(host.admin("GET", "/admin/plugins", "", false, withReadOnly).status == 200);
    CHECK(host.admin("GET", "/admin/plugins/echo", "", false, withReadOnly).status == 200);
    CHECK(host.admin("GET", "/admin/log-levels", "", false, withReadOnly).status == 200);
    expectError(host.admin("POST", "/admin/plugins/echo/reload", "", false, withReadOnly), 403, "read_only");
    expectError(host.admin("DELETE", "/admin/plugins/echo", "", false, withReadOnly), 403, "read_only");
    expectError(host.admin("POST", "/admin/log-levels", R"({"default":"debug"})", false, withReadOnly), 403, "read_only");
    // A snapshot is a GET but drains the plugin and hands out its state: the full token only.
    expectError(host.admin("GET", "/admin/plugins/echo/snapshot", "", false, withReadOnly), 403, "read_only");
    CHECK(host.admin("GET", "/admin/plugins/echo/snapshot").status == 200);
    CHECK(host.get("/echo/").status == 200);
    CHECK(host.admin("GET", "/admin/plugins/echo").json()->getValue<int>("generation") == 1);
    REQUIRE(eventually([&] { return auditOf(host.log(), "DELETE", "/admin/plugins/echo") != nullptr; }));
    auto refused = auditOf(host.log(), "DELETE", "/admin/plugins/echo");
    CHECK(refused->getValue<std::string>("access") == "read_only_token");
    CHECK(refused->getValue<std::string>("error") == "read_only");
    // The full token still mutates; read-only refusals do not count as failed token checks.
    CHECK(host.admin("POST", "/admin/plugins/echo/reload").status == 200);
    CHECK(metricSample(host.admin("GET", "/metrics", "", false).body, "terrarium_admin_auth_failures_total") == 0);
}

TEST_CASE("admin hardening: a read-only token equal to the full token, or an empty file, stops the start", "[admin][hardening][readonly]")
{
    TempDir secrets;
    std::string full = secrets.write("full.token", "the-same-token\n");
    for (const std::string& readOnly : {full, secrets.write("empty.token", "\n")})
    {
        TerrariumProcess::Options options = hostWith(R"("read_only_token_file":")" + readOnly + "\"");
        options.extraArgs = {"--admin-token-file", full};
        options.waitReady = false;
        TerrariumProcess host(options);
        CHECK(host.waitForExit() == 78);
        CHECK(host.log().find("read_only_token_file") != std::string::npos);
    }
}

TEST_CASE("admin hardening: the admin API on a Unix socket (mode 0660, no token, Host checked)", "[admin][hardening][unix]")
{
    TempDir sockets;
    const std::string path = sockets.file("admin.sock");
    TerrariumProcess::Options options = hostWith("");
    options.extraArgs = {"--admin-listen", "unix:" + path};
    std::string logText;
    {
        TerrariumProcess host(options);
        CHECK(host.adminAddress() == "unix:" + path);
        struct stat info{};
        REQUIRE(::lstat(path.c_str(), &info) == 0);
        CHECK(S_ISSOCK(info.st_mode));
        CHECK((info.st_mode & 07777) == 0660);

        HttpResult listed = unixRequest(path, "GET", "/admin/plugins");
        INFO(listed.body);
        CHECK(listed.status == 200);
        CHECK(listed.json()->getArray("plugins")->size() == 1);
        CHECK(unixRequest(path, "POST", "/admin/plugins/echo/reload").status == 200);
        expectError(unixRequest(path, "GET", "/admin/plugins", "", "Host: evil.example\r\n"), 403, "foreign_host");
        expectError(unixRequest(path, "DELETE", "/admin/plugins/echo", "", "Host: localhost\r\nOrigin: http://evil.example\r\n"), 403,
                    "foreign_origin");
        CHECK(unixRequest(path, "GET", "/metrics").status == 200);
        CHECK(host.get("/echo/").status == 200);

        REQUIRE(eventually([&] { return auditOf(host.log(), "POST", "/admin/plugins/echo/reload") != nullptr; }));
        auto record = auditOf(host.log(), "POST", "/admin/plugins/echo/reload");
        CHECK(record->getValue<std::string>("access") == "unix_socket");
        CHECK(record->getValue<std::string>("client") == "unix:uid=" + std::to_string(::getuid()) + ",pid=" + std::to_string(::getpid()));

        // A second host on the same live socket refuses to start and leaves the socket alone.
        TerrariumProcess::Options second = options;
        second.waitReady = false;
        TerrariumProcess rival(second);
        CHECK(rival.waitForExit() == 71);
        CHECK(rival.log().find("another process is listening on " + path) != std::string::npos);
        CHECK(unixRequest(path, "GET", "/admin/status").status == 200);

        CHECK(host.terminate() == 0);
        logText = host.log();
    }
    CHECK(::access(path.c_str(), F_OK) != 0);   // removed at exit

    // A stale socket file (nobody accepts on it) is replaced at start.
    {
        int stale = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
        REQUIRE(::bind(stale, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        ::close(stale);
        REQUIRE(::access(path.c_str(), F_OK) == 0);
    }
    TerrariumProcess again(options);
    CHECK(unixRequest(path, "GET", "/admin/status").status == 200);
    CHECK(again.waitForLog("removed the stale socket " + path));

    // Another kind of file at the path is refused.
    again.terminate();
    REQUIRE(::access(path.c_str(), F_OK) != 0);
    sockets.write("admin.sock", "not a socket");
    TerrariumProcess::Options blocked = options;
    blocked.waitReady = false;
    TerrariumProcess refused(blocked);
    CHECK(refused.waitForExit() == 71);
    CHECK(refused.log().find("exists and is not a socket") != std::string::npos);
}

TEST_CASE("admin hardening: the Unix socket is removed also when the host gives up on requests at shutdown", "[admin][hardening][unix]")
{
    TempDir sockets;
    const std::string path = sockets.file("admin.sock");
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath("slow.so"), "slow.so"}};
    options.configJson = R"({"shutdown_timeout_ms":300})";
    options.extraArgs = {"--admin-listen", "unix:" + path};
    TerrariumProcess host(options);

    std::thread slow([&] {
        try
        {
            httpRequest(host.mainAddress(), "GET", "/slow/?ms=8000", "", {}, Poco::Timespan(60, 0));
        }
        catch (const std::exception&)
        {
        }
    });
    REQUIRE(waitUntil([&] {
        return unixRequest(path, "GET", "/admin/plugins/slow").json()->getObject("requests")->getValue<std::int64_t>("in_flight") == 1;
    }));
    CHECK(host.terminate(SIGTERM, Poco::Timespan(30, 0)) == 0);
    slow.join();
    CHECK(host.waitForLog("1 requests still running after the shutdown deadline"));
    CHECK(::access(path.c_str(), F_OK) != 0);
}
