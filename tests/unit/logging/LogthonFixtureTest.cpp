#include "LoggingTestSupport.h"

#include "LogthonFixture.h"

#include <Poco/JSON/Array.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <catch2/catch.hpp>

using terrarium::test::LogthonFixture;
using terrarium::test::parseObject;

namespace {

/// One request to the fixture: status and parsed JSON answer.
std::pair<int, Poco::JSON::Object::Ptr> call(const LogthonFixture& logthon, const std::string& method, const std::string& uri,
    const std::string& body = std::string())
{
    Poco::Net::HTTPClientSession session("127.0.0.1", logthon.port());
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(method, uri, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::string answer;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), answer);
    return {response.getStatus(), parseObject(answer)};
}

} // namespace

TEST_CASE("the logthon fixture answers like logthon", "[logging][fixture]")
{
    LogthonFixture logthon;
    auto added = call(logthon, "POST", "/logs", R"({"service":"echo","level":"ERROR","message":"one","metadata":{"k":"v"}})");
    CHECK(added.first == 200);
    CHECK(added.second->getValue<std::string>("status") == "success");
    CHECK(added.second->getValue<std::string>("message") == "Log entry added");
    CHECK(call(logthon, "POST", "/api/logs", R"({"service":"host","message":"two","request_id":"r1"})").first == 200);
    CHECK(call(logthon, "POST", "/", R"({"service":"echo","message":"three"})").first == 200);
    CHECK(call(logthon, "POST", "/logs", R"({"service":"echo"})").first == 422);
    CHECK(call(logthon, "POST", "/logs", R"({"message":"no service"})").first == 422);
    CHECK(logthon.count() == 3);
    CHECK(logthon.posts() == 5);

    auto listed = call(logthon, "GET", "/logs?service=echo&limit=1");
    CHECK(listed.first == 200);
    CHECK(listed.second->getValue<int>("count") == 1);
    Poco::JSON::Object::Ptr entry = listed.second->getArray("logs")->getObject(0);
    CHECK(entry->getValue<std::string>("message") == "three");
    CHECK(entry->getValue<std::string>("level") == "INFO");
    CHECK(entry->has("id"));
    CHECK(entry->has("timestamp"));

    auto all = call(logthon, "GET", "/logs");
    CHECK(all.second->getValue<int>("count") == 3);
    CHECK(all.second->getArray("logs")->getObject(1)->getObject("metadata")->getValue<std::string>("request_id") == "r1");
    CHECK(call(logthon, "GET", "/logs?limit=0").second->getValue<int>("count") == 0);

    auto cleared = call(logthon, "DELETE", "/logs?service=echo");
    CHECK(cleared.second->getValue<std::string>("message") == "Logs cleared for echo");
    CHECK(call(logthon, "GET", "/logs").second->getValue<int>("count") == 1);
    CHECK(call(logthon, "GET", "/health").second->getValue<std::string>("status") == "healthy");
}

TEST_CASE("the logthon fixture goes down, comes back on the same port, and fails on demand", "[logging][fixture]")
{
    LogthonFixture logthon;
    const Poco::UInt16 port = logthon.port();
    logthon.setDown(true);
    CHECK_THROWS(call(logthon, "POST", "/logs", R"({"service":"s","message":"m"})"));
    logthon.setDown(false);
    CHECK(logthon.port() == port);
    CHECK(call(logthon, "POST", "/logs", R"({"service":"s","message":"m"})").first == 200);

    logthon.setFailureStatus(500);
    CHECK(call(logthon, "POST", "/logs", R"({"service":"s","message":"m"})").first == 500);
    logthon.setFailureStatus(0);
    CHECK(logthon.count() == 1);
    CHECK(logthon.posts() == 2);
}

TEST_CASE("the logthon fixture takes a JSON array of entries as one POST, all or nothing", "[logging][fixture]")
{
    LogthonFixture logthon;
    auto added = call(logthon, "POST", "/logs", R"([{"service":"echo","message":"one"},{"service":"host","message":"two"}])");
    CHECK(added.first == 200);
    CHECK(added.second->getValue<std::string>("status") == "success");
    CHECK(call(logthon, "POST", "/logs", R"([{"service":"echo","message":"three"},{"service":"echo"}])").first == 422);
    CHECK(call(logthon, "POST", "/logs", R"({"service":"echo","message":"four"})").first == 200);
    CHECK(logthon.count() == 3);
    const auto deliveries = logthon.deliveries();
    REQUIRE(deliveries.size() == 2);
    CHECK(deliveries[0].entries == 2);
    CHECK(deliveries[0].batch);
    CHECK(deliveries[1].entries == 1);
    CHECK_FALSE(deliveries[1].batch);
    CHECK(call(logthon, "GET", "/logs").second->getArray("logs")->getObject(1)->getValue<std::string>("message") == "two");

    logthon.setAcceptsBatches(false);
    CHECK(call(logthon, "POST", "/logs", R"([{"service":"echo","message":"five"}])").first == 422);
    CHECK(call(logthon, "POST", "/logs", R"({"service":"echo","message":"six"})").first == 200);
    CHECK(logthon.count() == 4);
    CHECK(logthon.posts() == 5);
}
