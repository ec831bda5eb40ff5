#include "LoggingTestSupport.h"

#include "logging/LogPipeline.h"
#include "logging/PocoLogChannel.h"

#include <Poco/Logger.h>

#include <catch2/catch.hpp>

using namespace terrarium;
using terrarium::test::MemorySink;
using terrarium::test::PocoLoggersReset;
using terrarium::test::eventually;

TEST_CASE("Poco::Logger messages become host records with the logger's name", "[logging][poco]")
{
    LogPipeline pipeline(LogLevel::Info);
    auto store = std::make_shared<MemorySink::Store>();
    pipeline.addSink(std::make_unique<MemorySink>(store));
    pipeline.start();
    PocoLoggersReset reset;
    Poco::Logger& existing = Poco::Logger::get("terrarium.test.existing");
    Poco::AutoPtr<PocoLogChannel> channel = PocoLogChannel::install(pipeline);
    Poco::Logger& created = Poco::Logger::get("terrarium.test.created");

    existing.information("hello from %s", std::string("existing"));
    created.warning("careful");
    created.critical("critical maps to error");
    created.notice("notice maps to info");
    created.debug("debug is below the host level");

    REQUIRE(eventually([&] { return store->size() == 4; }));
    const std::vector<LogRecord> records = store->copy();
    CHECK(records[0].service == "host");
    CHECK(records[0].message == "hello from existing");
    CHECK(records[0].level == LogLevel::Info);
    REQUIRE_FALSE(records[0].fields.empty());
    CHECK(records[0].fields[0] == LogField("logger", "terrarium.test.existing"));
    CHECK(records[1].level == LogLevel::Warn);
    CHECK(records[1].fields[0] == LogField("logger", "terrarium.test.created"));
    CHECK(records[2].level == LogLevel::Error);
    CHECK(records[3].level == LogLevel::Info);
    CHECK_FALSE(created.debug());

    pipeline.setLevel("host", LogLevel::Debug);
    CHECK(created.debug());
    CHECK(Poco::Logger::get("terrarium.test.later").debug());
    created.debug("now visible");
    REQUIRE(eventually([&] { return store->size() == 5; }));
    CHECK(store->copy()[4].level == LogLevel::Debug);

    pipeline.setLevel("host", LogLevel::Error);
    CHECK_FALSE(created.warning());

    channel->detach();
    created.error("after detach: dropped");
    pipeline.stop();
    CHECK(store->size() == 5);
}
