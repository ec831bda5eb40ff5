// Host log shipping in batches (services.md §6) through the real terrariumd: a shipping round is
// ONE POST whose body is a JSON array of the records, whether logthon is a plugin of the same host
// (the logthon stand-in, in-process) or a remote server (the logthon fixture); host records and
// plugin records travel in the same batches; log.logthon.batch false posts one record per POST.
#include "HttpTestClient.h"
#include "LogthonFixture.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <set>
#include <string>

using namespace terrarium::test;
using terrarium::test::LogthonFixture;

namespace {

const char* const ProbeFile = "services-probe.so";

/// Has a record of service with message been kept?
bool holds(const Poco::JSON::Array::Ptr& records, const std::string& service, const std::string& message)
{
    for (unsigned i = 0; records && i < records->size(); ++i) {
        Poco::JSON::Object::Ptr record = records->getObject(i);
        if (record->getValue<std::string>("service") == service && record->getValue<std::string>("message").find(message) != std::string::npos)
            return true;
    }
    return false;
}

} // namespace

TEST_CASE("platform logs: host and plugin records reach an in-process logthon as batches of a round each", "[platform][logging]")
{
    // Rounds of exactly 3 records: with a flush interval far beyond the test, a round ships only
    // once 3 records wait, so every POST carries 3 records.
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath(ProbeFile), ProbeFile}, {fixturePath("logthon-standin.so"), "logthon-standin.so"}};
    options.configJson = R"({"watch":{"enabled":false},"log":{"logthon":{"batch_size":3,"flush_interval_ms":600000}}})";
    TerrariumProcess host(options);

    host.dropPlugin(fixturePath("good.so"), "good.so");
    REQUIRE(host.admin("POST", "/admin/plugins", R"({"file":"good.so"})").status == 201);   // the host logs "loaded plugin 'good'"
    REQUIRE(host.request("POST", "/probe/log?level=2", "plugin record one").status == 200);
    REQUIRE(host.request("POST", "/probe/log?level=2", "plugin record two").status == 200);

    Poco::JSON::Object::Ptr kept;
    unsigned fillers = 0;
    REQUIRE(waitUntil([&] {
        kept = host.get("/logthon-standin/records").json();
        Poco::JSON::Array::Ptr records = kept->getArray("records");
        if (holds(records, "host", "loaded plugin 'good'") && holds(records, "services-probe", "plugin record one")
            && holds(records, "services-probe", "plugin record two"))
            return true;
        // what is left of a round waits for more records: log one more
        host.request("POST", "/probe/log?level=2", "filler " + std::to_string(fillers++));
        return false;
    }));
    const auto posts = kept->getValue<std::size_t>("posts");
    CHECK(posts >= 1);
    CHECK(kept->getValue<std::size_t>("batches") == posts);
    CHECK(kept->getValue<std::size_t>("count") == 3 * posts);
    std::set<std::string> services;
    Poco::JSON::Array::Ptr records = kept->getArray("records");
    for (unsigned i = 0; i < records->size(); ++i) {
        Poco::JSON::Object::Ptr record = records->getObject(i);
        services.insert(record->getValue<std::string>("service"));
        CHECK(record->getValue<std::string>("message") != "stand-in received a record");
        CHECK(record->getObject("metadata")->has("timestamp"));
    }
    CHECK(services.count("host") == 1);
    CHECK(services.count("services-probe") == 1);

    // logthon's own listing sees the same records
    Poco::JSON::Object::Ptr listed = host.get("/logthon-standin/logs?service=services-probe&limit=1000").json();
    CHECK(holds(listed->getArray("logs"), "services-probe", "plugin record two"));
}

TEST_CASE("platform logs: a remote logthon gets JSON arrays, or single records with log.logthon.batch false", "[platform][logging]")
{
    const bool batch = GENERATE(true, false);
    LogthonFixture logthon;
    logthon.setAcceptsBatches(batch);
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath(ProbeFile), ProbeFile}};
    options.configJson = R"({"watch":{"enabled":false},"services":{"logthon":")" + logthon.baseUrl()
                         + R"("},"log":{"logthon":{"flush_interval_ms":20,"batch":)" + (batch ? "true" : "false") + "}}}";
    TerrariumProcess host(options);

    host.dropPlugin(fixturePath("good.so"), "good.so");
    REQUIRE(host.admin("POST", "/admin/plugins", R"({"file":"good.so"})").status == 201);
    for (int i = 0; i < 5; ++i)
        REQUIRE(host.request("POST", "/probe/log?level=2", "remote record " + std::to_string(i)).status == 200);

    auto arrived = [&](const std::string& service, const std::string& message) {
        for (const auto& record : logthon.records())
            if (record->getValue<std::string>("service") == service && record->getValue<std::string>("message").find(message) != std::string::npos)
                return true;
        return false;
    };
    REQUIRE(waitUntil([&] { return arrived("host", "loaded plugin 'good'") && arrived("services-probe", "remote record 4"); }));
    const auto deliveries = logthon.deliveries();
    REQUIRE_FALSE(deliveries.empty());
    std::size_t entries = 0;
    for (const auto& delivery : deliveries) {
        CHECK(delivery.batch == batch);
        if (!batch) CHECK(delivery.entries == 1);
        entries += delivery.entries;
    }
    CHECK(entries == logthon.count());
    CHECK(logthon.posts() == deliveries.size());   // nothing refused: the host sent the form asked for
}
