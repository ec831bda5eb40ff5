#include "LoggingTestSupport.h"

#include "logging/LogLevels.h"
#include "logging/LogPipeline.h"

#include <Poco/Exception.h>
#include <Poco/Message.h>

#include <catch2/catch.hpp>

using namespace terrarium;
using terrarium::test::MemorySink;
using terrarium::test::eventually;

TEST_CASE("level names: Poco's, the short ones, any case", "[logging][levels]")
{
    CHECK(LogLevels::parse("trace") == LogLevel::Trace);
    CHECK(LogLevels::parse("debug") == LogLevel::Debug);
    CHECK(LogLevels::parse("information") == LogLevel::Info);
    CHECK(LogLevels::parse("info") == LogLevel::Info);
    CHECK(LogLevels::parse("notice") == LogLevel::Info);
    CHECK(LogLevels::parse("warning") == LogLevel::Warn);
    CHECK(LogLevels::parse("WARN") == LogLevel::Warn);
    CHECK(LogLevels::parse("error") == LogLevel::Error);
    CHECK(LogLevels::parse("critical") == LogLevel::Error);
    CHECK(LogLevels::parse("Fatal") == LogLevel::Error);
    CHECK(LogLevels::parse("none") == LogLevel::Off);
    CHECK_THROWS_AS(LogLevels::parse("verbose"), Poco::InvalidArgumentException);
    LogLevel level = LogLevel::Debug;
    CHECK_FALSE(LogLevels::tryParse("", level));
    CHECK(level == LogLevel::Debug);
}

TEST_CASE("levels render as logthon's names and match the C ABI and Poco priorities", "[logging][levels]")
{
    CHECK(std::string(LogLevels::logthonName(LogLevel::Trace)) == "DEBUG");
    CHECK(std::string(LogLevels::logthonName(LogLevel::Debug)) == "DEBUG");
    CHECK(std::string(LogLevels::logthonName(LogLevel::Info)) == "INFO");
    CHECK(std::string(LogLevels::logthonName(LogLevel::Warn)) == "WARNING");
    CHECK(std::string(LogLevels::logthonName(LogLevel::Error)) == "ERROR");
    CHECK(std::string(LogLevels::name(LogLevel::Warn)) == "warn");

    CHECK(LogLevels::fromAbi(0) == LogLevel::Trace);
    CHECK(LogLevels::fromAbi(2) == LogLevel::Info);
    CHECK(LogLevels::fromAbi(4) == LogLevel::Error);
    CHECK(LogLevels::fromAbi(-3) == LogLevel::Trace);
    CHECK(LogLevels::fromAbi(99) == LogLevel::Error);

    CHECK(LogLevels::fromPriority(Poco::Message::PRIO_FATAL) == LogLevel::Error);
    CHECK(LogLevels::fromPriority(Poco::Message::PRIO_CRITICAL) == LogLevel::Error);
    CHECK(LogLevels::fromPriority(Poco::Message::PRIO_ERROR) == LogLevel::Error);
    CHECK(LogLevels::fromPriority(Poco::Message::PRIO_WARNING) == LogLevel::Warn);
    CHECK(LogLevels::fromPriority(Poco::Message::PRIO_NOTICE) == LogLevel::Info);
    CHECK(LogLevels::fromPriority(Poco::Message::PRIO_INFORMATION) == LogLevel::Info);
    CHECK(LogLevels::fromPriority(Poco::Message::PRIO_DEBUG) == LogLevel::Debug);
    CHECK(LogLevels::fromPriority(Poco::Message::PRIO_TRACE) == LogLevel::Trace);
    for (LogLevel level : {LogLevel::Trace, LogLevel::Debug, LogLevel::Info, LogLevel::Warn, LogLevel::Error})
        CHECK(LogLevels::fromPriority(LogLevels::toPriority(level)) == level);
    CHECK(LogLevels::toPriority(LogLevel::Off) == 0);
}

TEST_CASE("the pipeline keeps records at or above their service's level", "[logging][levels]")
{
    LogPipeline pipeline(LogLevel::Info);
    auto store = std::make_shared<MemorySink::Store>();
    pipeline.addSink(std::make_unique<MemorySink>(store));
    pipeline.setLevel("chatty", LogLevel::Error);
    pipeline.setLevel("verbose", LogLevel::Trace);

    CHECK(pipeline.enabled("host", LogLevel::Info));
    CHECK_FALSE(pipeline.enabled("host", LogLevel::Debug));
    CHECK_FALSE(pipeline.enabled("chatty", LogLevel::Warn));
    CHECK(pipeline.enabled("chatty", LogLevel::Error));
    CHECK(pipeline.enabled("verbose", LogLevel::Trace));
    CHECK_FALSE(pipeline.enabled("host", LogLevel::Off));

    pipeline.start();
    pipeline.log("host", LogLevel::Debug, "host debug: filtered");
    pipeline.log("host", LogLevel::Warn, "host warn");
    pipeline.log("chatty", LogLevel::Warn, "chatty warn: filtered");
    pipeline.log("chatty", LogLevel::Error, "chatty error");
    pipeline.log("verbose", LogLevel::Trace, "verbose trace");
    pipeline.stop();

    std::vector<std::string> messages;
    for (const LogRecord& record : store->copy())
        messages.push_back(record.message);
    CHECK(messages == std::vector<std::string>{"host warn", "chatty error", "verbose trace"});
    CHECK(pipeline.stats().records == 3);
}

TEST_CASE("levels change at run time, per service and by default", "[logging][levels]")
{
    LogPipeline pipeline(LogLevel::Info);
    auto store = std::make_shared<MemorySink::Store>();
    pipeline.addSink(std::make_unique<MemorySink>(store));
    unsigned changes = 0;
    pipeline.setLevelObserver([&changes] { ++changes; });
    pipeline.start();

    pipeline.log("echo", LogLevel::Debug, "before: filtered");
    pipeline.setLevel("echo", LogLevel::Debug);
    CHECK(pipeline.level("echo") == LogLevel::Debug);
    CHECK(pipeline.level("host") == LogLevel::Info);
    pipeline.log("echo", LogLevel::Debug, "after setLevel");
    pipeline.log("host", LogLevel::Debug, "host still filtered");

    pipeline.setDefaultLevel(LogLevel::Warn);
    pipeline.log("host", LogLevel::Info, "default raised: filtered");
    pipeline.log("echo", LogLevel::Debug, "echo keeps its own");

    pipeline.clearLevel("echo");
    pipeline.log("echo", LogLevel::Info, "echo follows the default again: filtered");
    pipeline.log("echo", LogLevel::Error, "echo error");

    pipeline.setLevel("host", LogLevel::Off);
    pipeline.log("host", LogLevel::Error, "host off: filtered");

    LogLevelTable table = pipeline.levels();
    CHECK(table.defaultLevel == LogLevel::Warn);
    CHECK(table.services == std::map<std::string, LogLevel>{{"host", LogLevel::Off}});
    CHECK(changes == 4);

    REQUIRE(eventually([&] { return store->size() == 3; }));
    pipeline.stop();
    std::vector<std::string> messages;
    for (const LogRecord& record : store->copy())
        messages.push_back(record.message);
    CHECK(messages == std::vector<std::string>{"after setLevel", "echo keeps its own", "echo error"});
}

TEST_CASE("enabled() is safe while another thread changes levels", "[logging][levels]")
{
    LogPipeline pipeline(LogLevel::Info);
    std::atomic<bool> done{false};
    std::thread changer([&] {
        for (int round = 0; round < 200; ++round)
            pipeline.setLevel("svc" + std::to_string(round % 7), round % 2 ? LogLevel::Debug : LogLevel::Error);
        done = true;
    });
    unsigned enabledCount = 0;
    while (!done)
        enabledCount += pipeline.enabled("svc3", LogLevel::Warn) ? 1 : 0;
    changer.join();
    (void) enabledCount;
    CHECK(pipeline.level("svc3") == LogLevel::Debug);
    CHECK(pipeline.levels().services.size() == 7);
}
