// The logthon plugin's own records are never shipped back to logthon, whatever thread logs them
// (a request thread included); every other service's records are shipped.
#include "LoggingTestSupport.h"

#include "config/Config.h"
#include "logging/LogPipeline.h"
#include "logging/LogPipelineFactory.h"
#include "logging/ServiceFilterSink.h"

#include <catch2/catch.hpp>

#include <mutex>

using namespace terrarium;
using terrarium::test::MemorySink;
using terrarium::test::eventually;

TEST_CASE("the pipeline ships every service's records but logthon's own", "[logging][pipeline][logthon]")
{
    LogConfig config;
    config.console = false;
    config.logthon = true;
    std::mutex mutex;
    std::string shipped;
    std::unique_ptr<LogPipeline> pipeline = LogPipelineFactory::create(config, [&](const std::string& payload) {
        std::lock_guard lock(mutex);
        shipped += payload + "\n";
        return ShipResult::delivered();
    });
    pipeline->start();
    pipeline->log("logthon", LogLevel::Warn, "request refused");
    pipeline->log("echo", LogLevel::Info, "served");
    pipeline->log("host", LogLevel::Info, "started");
    CHECK(eventually([&] { return pipeline->stats().shipped == 2; }));
    pipeline->stop();
    std::lock_guard lock(mutex);
    CHECK(shipped.find("\"service\":\"echo\"") != std::string::npos);
    CHECK(shipped.find("\"service\":\"host\"") != std::string::npos);
    CHECK(shipped.find("\"service\":\"logthon\"") == std::string::npos);
    CHECK(shipped.find("request refused") == std::string::npos);
}

TEST_CASE("ServiceFilterSink passes other services through and reports the inner sink", "[logging][logthon]")
{
    auto store = std::make_shared<MemorySink::Store>();
    ServiceFilterSink sink(std::make_unique<MemorySink>(store), "logthon");
    LogRecord own;
    own.service = "logthon";
    LogRecord other;
    other.service = "file-storage";
    sink.write(own);
    sink.write(other);
    sink.flush();
    REQUIRE(store->size() == 1);
    CHECK(store->copy()[0].service == "file-storage");
    CHECK(sink.name() == MemorySink(store).name());
}
