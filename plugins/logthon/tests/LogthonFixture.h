// The logthon plugin served by FakeHost, and helpers to post records and read its answers.
#ifndef Logthon_Test_LogthonFixture_INCLUDED
#define Logthon_Test_LogthonFixture_INCLUDED

#include "Logthon.h"

#include <terrarium/json.hpp>
#include <terrarium/testing/fake_host.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace logthon::test {

using terrarium::testing::FakeHost;
using terrarium::testing::FakeResponse;
using terrarium::testing::FlatConfig;

/// The headers of a WebSocket upgrade request.
inline const terrarium::testing::Headers& upgradeHeaders()
{
    static const terrarium::testing::Headers headers = {{"Upgrade", "websocket"},
                                                        {"Connection", "Upgrade"},
                                                        {"Sec-WebSocket-Version", "13"},
                                                        {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
    return headers;
}

/// A started logthon (memory only unless config names a database).
class LogthonFixture
{
public:
    explicit LogthonFixture(FlatConfig config = {}) : host(&terrarium_plugin_entry, std::move(config)) { host.start(); }

    /// A started logthon with configJson as its config object.
    explicit LogthonFixture(const char* configJson) : host(&terrarium_plugin_entry, std::string_view(configJson)) { host.start(); }

    /// The plugin object behind the fake host.
    Logthon& plugin() { return static_cast<terrarium::detail::Box<Logthon>*>(host.instance())->object; }

    /// POST body to path.
    FakeResponse post(const std::string& body, const std::string& path = "/logs") { return host.call("POST", path, body); }

    /// Posts one record of service with message; REQUIREs 200.
    void add(const std::string& service, const std::string& message)
    {
        std::string body = "{\"service\":";
        terrarium::appendJsonString(body, service);
        body += ",\"message\":";
        terrarium::appendJsonString(body, message);
        body += '}';
        FakeResponse r = post(body);
        INFO(r.body);
        REQUIRE(r.status == 200);
    }

    /// GET path, parsed as a JSON object (REQUIREs 200).
    terrarium::json::ObjectPtr getObject(const std::string& path)
    {
        FakeResponse r = host.call("GET", path);
        INFO(path << " -> " << r.status << " " << r.body);
        REQUIRE(r.status == 200);
        REQUIRE(r.header("Content-Type") == std::string("application/json"));
        return terrarium::json::parseObject(r.body);
    }

    /// The entries of GET /logs<query>.
    terrarium::json::ArrayPtr logs(const std::string& query = "")
    {
        terrarium::json::ObjectPtr answer = getObject("/logs" + query);
        terrarium::json::ArrayPtr logs = answer->getArray("logs");
        REQUIRE(logs);
        REQUIRE(answer->getValue<std::size_t>("count") == logs->size());
        return logs;
    }

    /// The messages of GET /logs<query>, in order.
    std::vector<std::string> messages(const std::string& query = "")
    {
        std::vector<std::string> out;
        terrarium::json::ArrayPtr entries = logs(query);
        for (std::size_t i = 0; i < entries->size(); ++i) out.push_back(entries->getObject(static_cast<unsigned>(i))->getValue<std::string>("message"));
        return out;
    }

    /// The ids of GET /logs<query>, in order.
    std::vector<std::uint64_t> ids(const std::string& query = "")
    {
        std::vector<std::uint64_t> out;
        terrarium::json::ArrayPtr entries = logs(query);
        for (std::size_t i = 0; i < entries->size(); ++i) out.push_back(entries->getObject(static_cast<unsigned>(i))->getValue<std::uint64_t>("id"));
        return out;
    }

    FakeHost host;
};

/// The error code of a JSON error answer.
inline std::string errorCode(const FakeResponse& r) { return terrarium::json::parseObject(r.body)->getValue<std::string>("error"); }

/// The message of a JSON error answer.
inline std::string errorMessage(const FakeResponse& r) { return terrarium::json::parseObject(r.body)->getValue<std::string>("message"); }

} // namespace logthon::test

#endif
