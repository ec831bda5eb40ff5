#include "LoggingTestSupport.h"

#include "config/Config.h"
#include "logging/LogPipeline.h"
#include "logging/LogPipelineFactory.h"
#include "logging/LogShippingScope.h"

#include <Poco/Exception.h>

#include <catch2/catch.hpp>

using namespace terrarium;
using terrarium::test::MemorySink;
using terrarium::test::eventually;

TEST_CASE("many threads log concurrently and every record is dispatched once", "[logging][pipeline]")
{
    LogPipeline pipeline(LogLevel::Info, 100000);
    auto store = std::make_shared<MemorySink::Store>();
    pipeline.addSink(std::make_unique<MemorySink>(store));
    pipeline.start();
    std::vector<std::thread> threads;
    for (int thread = 0; thread < 4; ++thread)
        threads.emplace_back([&pipeline, thread] {
            for (int index = 0; index < 2000; ++index)
                pipeline.log("svc" + std::to_string(thread), LogLevel::Info, std::to_string(index));
        });
    for (auto& thread : threads)
        thread.join();
    pipeline.stop();
    CHECK(store->size() == 8000);
    const LogPipelineStats stats = pipeline.stats();
    CHECK(stats.records == 8000);
    CHECK(stats.dropped == 0);
    std::map<std::string, int> next;
    for (const LogRecord& record : store->copy())
    {
        CHECK(record.message == std::to_string(next[record.service]));
        ++next[record.service];
    }
}

TEST_CASE("the pipeline queue is bounded: beyond it records are dropped and counted", "[logging][pipeline]")
{
    LogPipeline pipeline(LogLevel::Info, 10);
    auto store = std::make_shared<MemorySink::Store>();
    pipeline.addSink(std::make_unique<MemorySink>(store));
    for (int index = 0; index < 25; ++index)
        pipeline.log("host", LogLevel::Info, "r" + std::to_string(index));
    LogPipelineStats stats = pipeline.stats();
    CHECK(stats.records == 25);
    CHECK(stats.dropped == 15);
    CHECK(stats.queueDepth == 10);
    pipeline.start();
    REQUIRE(eventually([&] { return store->size() == 10; }));
    pipeline.stop();
    CHECK(store->copy().back().message == "r9");
}

TEST_CASE("records made on a log-shipping thread are suppressed", "[logging][pipeline]")
{
    LogPipeline pipeline(LogLevel::Info);
    {
        LogShippingScope shipping;
        CHECK(LogShippingScope::active());
        pipeline.log("host", LogLevel::Error, "from the shipper");
    }
    CHECK_FALSE(LogShippingScope::active());
    const LogPipelineStats stats = pipeline.stats();
    CHECK(stats.records == 0);
    CHECK(stats.suppressed == 1);
}

TEST_CASE("a sink added while running is started and receives later records", "[logging][pipeline]")
{
    LogPipeline pipeline(LogLevel::Info);
    pipeline.start();
    CHECK(pipeline.running());
    auto store = std::make_shared<MemorySink::Store>();
    pipeline.addSink(std::make_unique<MemorySink>(store));
    pipeline.log("host", LogLevel::Info, "seen");
    REQUIRE(eventually([&] { return store->size() == 1; }));
    pipeline.stop();
    CHECK_FALSE(pipeline.running());
    CHECK(pipeline.stats().sinks.size() == 1);
}

TEST_CASE("the factory builds levels and sinks from LogConfig", "[logging][pipeline]")
{
    LogConfig config;
    config.level = "warning";
    config.pluginLevels = {{"echo", "debug"}};
    config.console = false;
    config.logthon = true;
    std::unique_ptr<LogPipeline> pipeline = LogPipelineFactory::create(config, [](const std::string&) { return ShipResult::delivered(); });
    CHECK(pipeline->level("host") == LogLevel::Warn);
    CHECK(pipeline->level("echo") == LogLevel::Debug);
    const LogPipelineStats stats = pipeline->stats();
    REQUIRE(stats.sinks.size() == 1);
    CHECK(stats.sinks[0].name == "logthon");

    config.pluginLevels = {{"echo", "loud"}};
    try
    {
        LogPipelineFactory::create(config);
        FAIL("a bad level must be refused");
    }
    catch (const Poco::InvalidArgumentException& error)
    {
        CHECK(error.message().find("log.plugins.echo") != std::string::npos);
    }
    config.pluginLevels.clear();
    config.console = true;
    config.format = "yaml";
    CHECK_THROWS_AS(LogPipelineFactory::create(config), Poco::InvalidArgumentException);
}

TEST_CASE("ShipResult maps HTTP statuses", "[logging][pipeline]")
{
    CHECK(ShipResult::fromStatus(200).outcome == ShipResult::Outcome::Delivered);
    CHECK(ShipResult::fromStatus(204).outcome == ShipResult::Outcome::Delivered);
    CHECK(ShipResult::fromStatus(500).outcome == ShipResult::Outcome::Retryable);
    CHECK(ShipResult::fromStatus(503).outcome == ShipResult::Outcome::Retryable);
    CHECK(ShipResult::fromStatus(429).outcome == ShipResult::Outcome::Retryable);
    CHECK(ShipResult::fromStatus(408).outcome == ShipResult::Outcome::Retryable);
    CHECK(ShipResult::fromStatus(422, "bad").outcome == ShipResult::Outcome::Rejected);
    CHECK(ShipResult::fromStatus(422, "bad").message == "logthon answered HTTP 422: bad");
    CHECK(ShipResult::fromStatus(404).outcome == ShipResult::Outcome::Rejected);
}
