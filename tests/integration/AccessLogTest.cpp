// The optional access log (log.access): one JSON line per answered request on every listener,
// written in the background; off by default.
#include "HttpTestClient.h"
#include "TempDir.h"
#include "TerrariumProcess.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <iterator>
#include <vector>

using namespace terrarium::test;

namespace {

/// The complete lines of the access log (a line still being written, without its newline, is left out).
std::vector<Poco::JSON::Object::Ptr> accessLines(const std::string& path)
{
    std::vector<Poco::JSON::Object::Ptr> lines;
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string::size_type start = 0;
    for (std::string::size_type end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
        lines.push_back(Poco::JSON::Parser().parse(text.substr(start, end - start)).extract<Poco::JSON::Object::Ptr>());
    return lines;
}

} // namespace

TEST_CASE("access log: every answered request is one JSON line with its figures", "[access-log]")
{
    TempDir logs;
    const std::string path = logs.file("access/access.log");
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"log": {"access": {"path": ")" + path + R"("}}})";
    TerrariumProcess host(options);

    HttpResult echoed = host.request("POST", "/echo/a?x=1", "hello", {{"X-Request-Id", "access-test-1"}});
    REQUIRE(echoed.status == 200);
    REQUIRE(host.get("/no/such/route").status == 404);
    // The start-up probes are logged too: wait for the two lines this test is about.
    Poco::JSON::Object::Ptr echo;
    Poco::JSON::Object::Ptr missing;
    REQUIRE(waitUntil([&] {
        for (const auto& line : accessLines(path))
        {
            if (line->getValue<std::string>("target") == "/echo/a?x=1") echo = line;
            if (line->getValue<std::string>("target") == "/no/such/route") missing = line;
        }
        return echo && missing;
    }));
    REQUIRE(echo);
    CHECK(echo->getValue<std::string>("request_id") == "access-test-1");
    CHECK(echo->getValue<std::string>("listener") == "main");
    CHECK(echo->getValue<std::string>("method") == "POST");
    CHECK(echo->getValue<int>("status") == 200);
    CHECK(echo->getValue<std::size_t>("bytes_in") == 5);
    CHECK(echo->getValue<std::size_t>("bytes_out") == echoed.body.size());
    CHECK(echo->getValue<double>("duration_ms") >= 0);
    CHECK(echo->getValue<std::string>("client").rfind("127.0.0.1:", 0) == 0);
    CHECK(echo->getValue<std::string>("plugin") == "echo");
    CHECK(!echo->getValue<std::string>("ts").empty());
    REQUIRE(missing);
    CHECK(missing->getValue<int>("status") == 404);
    CHECK(missing->isNull("plugin"));
    CHECK(missing->getValue<std::string>("request_id").size() > 0);   // made by the host

    // The admin listener's requests are logged too, and the log's own figures are on /metrics.
    REQUIRE(waitUntil([&] {
        std::string page = host.admin("GET", "/metrics", "", false).body;
        return metricSample(page, "terrarium_access_log_lines_total") >= 2;
    }));
    REQUIRE(waitUntil([&] {
        for (const auto& line : accessLines(path))
            if (line->getValue<std::string>("listener") == "admin" && line->getValue<std::string>("target") == "/metrics") return true;
        return false;
    }));
}

TEST_CASE("access log: off by default", "[access-log]")
{
    TerrariumProcess host;
    REQUIRE(host.get("/health").status == 200);
    std::string page = host.admin("GET", "/metrics", "", false).body;
    CHECK(page.find("terrarium_access_log_lines_total") == std::string::npos);
}
