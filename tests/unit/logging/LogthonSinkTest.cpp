#include "LoggingTestSupport.h"

#include "LogthonFixture.h"
#include "logging/LogPipeline.h"
#include "logging/LogthonSink.h"
#include "logging/PocoLogChannel.h"
#include "logging/RequestIdScope.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include <catch2/catch.hpp>

#include <atomic>

using namespace terrarium;
using terrarium::test::CapturedDiagnostics;
using terrarium::test::LogthonFixture;
using terrarium::test::MemorySink;
using terrarium::test::PocoLoggersReset;
using terrarium::test::eventually;
using terrarium::test::httpShipper;

namespace {

LogthonSink::Settings fastSettings(std::size_t capacity = 1000, std::size_t batchSize = 10)
{
    LogthonSink::Settings settings;
    settings.queueCapacity = capacity;
    settings.batchSize = batchSize;
    settings.flushInterval = Poco::Timespan(0, 10 * 1000);
    settings.backoffInitial = Poco::Timespan(0, 5 * 1000);
    settings.backoffMax = Poco::Timespan(0, 50 * 1000);
    settings.identity.serviceName = "terrarium";
    settings.identity.containerId = "c0ffee";
    settings.identity.containerName = "edge-host-1";
    return settings;
}

std::vector<std::string> messagesOf(const std::vector<Poco::JSON::Object::Ptr>& records)
{
    std::vector<std::string> messages;
    for (const auto& record : records)
        messages.push_back(record->getValue<std::string>("message"));
    return messages;
}

/// The records of a logthon body: the elements of a batch (a JSON array), or the one object.
std::vector<Poco::JSON::Object::Ptr> recordsOf(const std::string& body)
{
    std::vector<Poco::JSON::Object::Ptr> records;
    Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(body);
    if (parsed.type() == typeid(Poco::JSON::Array::Ptr))
    {
        Poco::JSON::Array::Ptr array = parsed.extract<Poco::JSON::Array::Ptr>();
        for (unsigned index = 0; index < array->size(); ++index)
            records.push_back(array->getObject(index));
    }
    else
        records.push_back(parsed.extract<Poco::JSON::Object::Ptr>());
    return records;
}

std::vector<std::string> numbered(const std::string& prefix, int count)
{
    std::vector<std::string> messages;
    for (int index = 0; index < count; ++index)
        messages.push_back(prefix + std::to_string(index));
    return messages;
}

} // namespace

TEST_CASE("a round of records reaches logthon as ONE POST of a JSON array in the §6 shape", "[logging][logthon]")
{
    LogthonFixture logthon;
    CapturedDiagnostics diagnostics;
    LogPipeline pipeline(LogLevel::Debug);
    LogthonSink::Settings settings = fastSettings(1000, 2);
    settings.flushInterval = Poco::Timespan(3600, 0);
    pipeline.addSink(std::make_unique<LogthonSink>(httpShipper(logthon.port()), settings, diagnostics.writer()));
    pipeline.start();
    {
        RequestIdScope scope("req-7");
        pipeline.log("file-storage", LogLevel::Warn, "disk \"almost\" full\nsecond line", {{"free_bytes", "1024"}});
    }
    pipeline.log("host", LogLevel::Debug, "debug line");

    REQUIRE(logthon.waitForCount(2));
    const auto records = logthon.records();
    Poco::JSON::Object::Ptr first = records[0];
    CHECK(first->getValue<std::string>("service") == "file-storage");
    CHECK(first->getValue<std::string>("level") == "WARNING");
    CHECK(first->getValue<std::string>("message") == "disk \"almost\" full\nsecond line");
    Poco::JSON::Object::Ptr metadata = first->getObject("metadata");
    REQUIRE(metadata);
    CHECK(metadata->get("timestamp").isNumeric());
    CHECK(metadata->getValue<double>("timestamp") > 1.6e9);
    CHECK(metadata->getValue<std::string>("container_id") == "c0ffee");
    CHECK(metadata->getValue<std::string>("container_name") == "edge-host-1");
    CHECK(metadata->getValue<std::string>("request_id") == "req-7");
    CHECK(metadata->getValue<std::string>("free_bytes") == "1024");
    CHECK(records[1]->getValue<std::string>("level") == "DEBUG");
    CHECK_FALSE(records[1]->getObject("metadata")->has("request_id"));
    CHECK(logthon.posts() == 1);
    const auto deliveries = logthon.deliveries();
    REQUIRE(deliveries.size() == 1);
    CHECK(deliveries[0].batch);
    CHECK(deliveries[0].entries == 2);

    pipeline.stop();
    const LogPipelineStats stats = pipeline.stats();
    CHECK(stats.shipped == 2);
    CHECK(stats.dropped == 0);
    CHECK(stats.shipFailures == 0);
    CHECK(diagnostics.lines().empty());
}

TEST_CASE("with batch off every record is a POST of its own (a logthon that takes single records only)", "[logging][logthon]")
{
    LogthonFixture logthon;
    logthon.setAcceptsBatches(false);
    CapturedDiagnostics diagnostics;
    LogthonSink::Settings settings = fastSettings(1000, 3);
    settings.flushInterval = Poco::Timespan(3600, 0);
    settings.batch = false;
    LogPipeline pipeline(LogLevel::Info);
    pipeline.addSink(std::make_unique<LogthonSink>(httpShipper(logthon.port()), settings, diagnostics.writer()));
    pipeline.start();
    for (int index = 0; index < 3; ++index)
        pipeline.log("host", LogLevel::Info, "single " + std::to_string(index));

    REQUIRE(logthon.waitForCount(3));
    CHECK(messagesOf(logthon.records()) == numbered("single ", 3));
    CHECK(logthon.posts() == 3);
    for (const auto& delivery : logthon.deliveries())
    {
        CHECK_FALSE(delivery.batch);
        CHECK(delivery.entries == 1);
    }
    REQUIRE(eventually([&] { return pipeline.stats().shipped == 3; }));
    CHECK(pipeline.stats().shipFailures == 0);
    pipeline.stop();
    CHECK(diagnostics.lines().empty());
}

TEST_CASE("a batch logthon refuses is shipped again one record per POST: nothing is lost", "[logging][logthon]")
{
    LogthonFixture logthon;
    logthon.setAcceptsBatches(false);
    CapturedDiagnostics diagnostics;
    LogthonSink::Settings settings = fastSettings(1000, 3);
    settings.flushInterval = Poco::Timespan(3600, 0);
    LogPipeline pipeline(LogLevel::Info);
    pipeline.addSink(std::make_unique<LogthonSink>(httpShipper(logthon.port()), settings, diagnostics.writer()));
    pipeline.start();
    for (int index = 0; index < 3; ++index)
        pipeline.log("host", LogLevel::Info, "fallback " + std::to_string(index));

    REQUIRE(logthon.waitForCount(3));
    CHECK(messagesOf(logthon.records()) == numbered("fallback ", 3));
    CHECK(logthon.posts() == 4);
    REQUIRE(eventually([&] { return pipeline.stats().shipped == 3; }));
    const LogPipelineStats stats = pipeline.stats();
    CHECK(stats.dropped == 0);
    CHECK(stats.shipFailures == 1);
    CHECK(diagnostics.contains("logthon refused a batch of 3 log records"));
    CHECK(diagnostics.contains("log.logthon.batch"));
    pipeline.stop();
}

TEST_CASE("records logged while logthon is down are queued and shipped when it is back", "[logging][logthon]")
{
    LogthonFixture logthon;
    CapturedDiagnostics diagnostics;
    LogPipeline pipeline(LogLevel::Info);
    pipeline.addSink(std::make_unique<LogthonSink>(httpShipper(logthon.port()), fastSettings(1000, 10), diagnostics.writer()));
    pipeline.start();

    pipeline.log("host", LogLevel::Info, "before outage");
    REQUIRE(eventually([&] { return pipeline.stats().shipped == 1; }));
    logthon.setDown(true);
    for (int index = 0; index < 50; ++index)
        pipeline.log("echo", LogLevel::Info, "during outage " + std::to_string(index));

    REQUIRE(eventually([&] { return pipeline.stats().shipFailures >= 3; }));
    CHECK(logthon.count() == 1);
    CHECK(eventually([&] { return pipeline.stats().queueDepth == 50; }));
    CHECK(diagnostics.contains("cannot ship log records to logthon"));

    logthon.setDown(false);
    REQUIRE(logthon.waitForCount(51));
    std::vector<std::string> expected{"before outage"};
    for (const std::string& message : numbered("during outage ", 50))
        expected.push_back(message);
    CHECK(messagesOf(logthon.records()) == expected);

    REQUIRE(eventually([&] { return pipeline.stats().shipped == 51; }));
    const LogPipelineStats stats = pipeline.stats();
    CHECK(stats.dropped == 0);
    CHECK(stats.queueDepth == 0);
    CHECK(diagnostics.contains("log shipping to logthon resumed"));
    pipeline.stop();
}

TEST_CASE("a full queue drops and counts records while log() keeps returning", "[logging][logthon]")
{
    LogthonFixture logthon;
    CapturedDiagnostics diagnostics;
    LogPipeline pipeline(LogLevel::Info);
    pipeline.addSink(std::make_unique<LogthonSink>(httpShipper(logthon.port()), fastSettings(20, 5), diagnostics.writer()));
    pipeline.start();

    logthon.setSlow(true);
    pipeline.log("host", LogLevel::Info, "first");
    REQUIRE(logthon.waitForHeld(1));

    for (int index = 0; index < 200; ++index)
        pipeline.log("host", LogLevel::Info, "burst " + std::to_string(index));

    REQUIRE(eventually([&] { return pipeline.stats().dropped == 181; }));
    LogPipelineStats stats = pipeline.stats();
    CHECK(stats.records == 201);
    CHECK(stats.queueDepth == 20);
    CHECK(stats.shipped == 0);

    logthon.setSlow(false);
    REQUIRE(logthon.waitForCount(20));
    REQUIRE(eventually([&] { return pipeline.stats().shipped == 20; }));
    std::vector<std::string> expected{"first"};
    for (const std::string& message : numbered("burst ", 19))
        expected.push_back(message);
    CHECK(messagesOf(logthon.records()) == expected);
    stats = pipeline.stats();
    CHECK(stats.dropped == 181);
    CHECK(stats.sinks.at(0).dropped == 181);
    pipeline.stop();
}

TEST_CASE("HTTP 500 from logthon is retried with backoff until it answers 200", "[logging][logthon]")
{
    LogthonFixture logthon;
    CapturedDiagnostics diagnostics;
    LogPipeline pipeline(LogLevel::Info);
    pipeline.addSink(std::make_unique<LogthonSink>(httpShipper(logthon.port()), fastSettings(), diagnostics.writer()));
    logthon.setFailureStatus(500);
    pipeline.start();
    for (int index = 0; index < 5; ++index)
        pipeline.log("host", LogLevel::Error, "retry me " + std::to_string(index));

    REQUIRE(eventually([&] { return logthon.posts() >= 3; }));
    CHECK(logthon.count() == 0);
    logthon.setFailureStatus(0);
    REQUIRE(logthon.waitForCount(5));
    CHECK(messagesOf(logthon.records()) == numbered("retry me ", 5));
    REQUIRE(eventually([&] { return pipeline.stats().shipped == 5; }));
    CHECK(pipeline.stats().dropped == 0);
    CHECK(pipeline.stats().shipFailures >= 2);
    CHECK(diagnostics.contains("HTTP 500"));
    pipeline.stop();
}

TEST_CASE("a rejected record is dropped and counted, not retried, and the rest of its batch is delivered", "[logging][logthon]")
{
    CapturedDiagnostics diagnostics;
    std::atomic<unsigned> calls{0};
    std::vector<std::string> delivered;
    std::mutex deliveredMutex;
    LogShipper shipper = [&](const std::string& body) {
        ++calls;
        if (body.find("refuse me") != std::string::npos)
            return ShipResult::fromStatus(422, "{\"detail\":\"no\"}");
        std::lock_guard<std::mutex> lock(deliveredMutex);
        for (const auto& record : recordsOf(body))
            delivered.push_back(record->getValue<std::string>("message"));
        return ShipResult::delivered();
    };
    LogthonSink::Settings settings = fastSettings(1000, 3);
    settings.flushInterval = Poco::Timespan(3600, 0);
    LogPipeline pipeline(LogLevel::Info);
    pipeline.addSink(std::make_unique<LogthonSink>(shipper, settings, diagnostics.writer()));
    pipeline.start();
    pipeline.log("host", LogLevel::Info, "a");
    pipeline.log("host", LogLevel::Info, "refuse me");
    pipeline.log("host", LogLevel::Info, "b");
    REQUIRE(eventually([&] { return pipeline.stats().shipped == 2; }));
    pipeline.stop();
    const LogPipelineStats stats = pipeline.stats();
    CHECK(stats.dropped == 1);
    CHECK(calls == 4);   // the batch, then each record on its own
    CHECK(delivered == std::vector<std::string>{"a", "b"});
    CHECK(diagnostics.contains("logthon rejected 1 log records"));
}

TEST_CASE("what the shipper logs never re-enters the pipeline", "[logging][logthon]")
{
    LogPipeline pipeline(LogLevel::Debug);
    auto store = std::make_shared<MemorySink::Store>();
    pipeline.addSink(std::make_unique<MemorySink>(store));
    PocoLoggersReset reset;
    Poco::AutoPtr<PocoLogChannel> channel = PocoLogChannel::install(pipeline);
    CapturedDiagnostics diagnostics;
    std::atomic<unsigned> calls{0};
    LogShipper shipper = [&](const std::string&) {
        const unsigned call = ++calls;
        pipeline.log("host", LogLevel::Error, "shipper logs directly");
        Poco::Logger::get("terrarium.client").error("shipper logs through Poco");
        if (call <= 5)
            return ShipResult::retryable("connection refused");
        return ShipResult::delivered();
    };
    LogthonSink::Settings settings = fastSettings(1000, 3);
    settings.flushInterval = Poco::Timespan(3600, 0);
    pipeline.addSink(std::make_unique<LogthonSink>(shipper, settings, diagnostics.writer()));
    pipeline.start();
    for (int index = 0; index < 3; ++index)
        pipeline.log("host", LogLevel::Info, "real " + std::to_string(index));

    REQUIRE(eventually([&] { return pipeline.stats().shipped == 3; }));
    const LogPipelineStats stats = pipeline.stats();
    CHECK(stats.records == 3);
    CHECK(calls == 6);   // one batch of 3: five failures, then delivered
    CHECK(stats.suppressed == 2 * 6);
    CHECK(stats.shipFailures == 5);
    CHECK(store->size() == 3);
    CHECK(diagnostics.contains("connection refused"));
    channel->detach();
    pipeline.stop();
}

TEST_CASE("records logged before start are shipped after start, and stop ships what is queued", "[logging][logthon]")
{
    std::atomic<std::size_t> delivered{0};
    LogShipper shipper = [&](const std::string& body) {
        delivered += recordsOf(body).size();
        return ShipResult::delivered();
    };
    LogthonSink::Settings settings = fastSettings(1000, 100);
    settings.flushInterval = Poco::Timespan(3600, 0);
    LogPipeline pipeline(LogLevel::Info);
    pipeline.addSink(std::make_unique<LogthonSink>(shipper, settings));
    for (int index = 0; index < 30; ++index)
        pipeline.log("host", LogLevel::Info, "early " + std::to_string(index));
    pipeline.start();
    for (int index = 0; index < 20; ++index)
        pipeline.log("host", LogLevel::Info, "late " + std::to_string(index));
    pipeline.stop(Poco::Timespan(30, 0));
    CHECK(delivered == 50);
    CHECK(pipeline.stats().shipped == 50);
    pipeline.log("host", LogLevel::Info, "after stop");
    CHECK(pipeline.stats().dropped == 1);
}

TEST_CASE("stop gives up on an unreachable logthon after its bound and reports what was lost", "[logging][logthon]")
{
    CapturedDiagnostics diagnostics;
    LogShipper shipper = [](const std::string&) { return ShipResult::retryable("connection refused"); };
    LogPipeline pipeline(LogLevel::Info);
    pipeline.addSink(std::make_unique<LogthonSink>(shipper, fastSettings(), diagnostics.writer()));
    pipeline.start();
    for (int index = 0; index < 7; ++index)
        pipeline.log("host", LogLevel::Info, "never shipped " + std::to_string(index));
    REQUIRE(eventually([&] { return pipeline.stats().shipFailures >= 1; }));
    pipeline.stop(Poco::Timespan(0, 100 * 1000));
    REQUIRE(eventually([&] { return pipeline.stats().dropped == 7; }));
    CHECK(pipeline.stats().shipped == 0);
    CHECK(eventually([&] { return diagnostics.contains("7 log records were not shipped to logthon before shutdown"); }));
}
