#include "LoggingTestSupport.h"

#include "logging/LogPipeline.h"
#include "logging/RequestId.h"
#include "logging/RequestIdScope.h"

#include <catch2/catch.hpp>

#include <set>

using namespace terrarium;
using terrarium::test::MemorySink;

TEST_CASE("generated request ids are 16 hex characters and differ", "[logging][requestid]")
{
    std::set<std::string> seen;
    for (int index = 0; index < 1000; ++index)
    {
        const std::string id = RequestId::generate();
        REQUIRE(id.size() == 16);
        CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
        CHECK(RequestId::isValid(id));
        seen.insert(id);
    }
    CHECK(seen.size() == 1000);
}

TEST_CASE("a caller's request id is accepted when 1..128 printable ASCII characters without spaces", "[logging][requestid]")
{
    CHECK(RequestId::isValid("a"));
    CHECK(RequestId::isValid("3f2c-11ee/abc:42~!"));
    CHECK(RequestId::isValid(std::string(128, 'x')));
    CHECK_FALSE(RequestId::isValid(""));
    CHECK_FALSE(RequestId::isValid(std::string(129, 'x')));
    CHECK_FALSE(RequestId::isValid("has space"));
    CHECK_FALSE(RequestId::isValid("tab\there"));
    CHECK_FALSE(RequestId::isValid("line\nbreak"));
    CHECK_FALSE(RequestId::isValid("caf\xc3\xa9"));
    CHECK_FALSE(RequestId::isValid(std::string("nul") + '\0'));
    CHECK(RequestId::acceptOrGenerate("given-id") == "given-id");
    const std::string replaced = RequestId::acceptOrGenerate("bad id");
    CHECK(replaced.size() == 16);
}

TEST_CASE("records carry the request id inside a RequestIdScope and none outside", "[logging][requestid]")
{
    LogPipeline pipeline(LogLevel::Info);
    auto store = std::make_shared<MemorySink::Store>();
    pipeline.addSink(std::make_unique<MemorySink>(store));
    pipeline.start();

    pipeline.log("host", LogLevel::Info, "before");
    {
        RequestIdScope scope("req-outer");
        CHECK(RequestId::current() == "req-outer");
        pipeline.log("host", LogLevel::Info, "inside");
        {
            RequestIdScope nested("req-inner");
            pipeline.log("host", LogLevel::Info, "nested");
        }
        pipeline.log("host", LogLevel::Info, "inside again");
        std::thread other([&] { pipeline.log("host", LogLevel::Info, "other thread"); });
        other.join();
        LogRecord explicitId;
        explicitId.service = "echo";
        explicitId.message = "explicit";
        explicitId.requestId = "given";
        pipeline.log(std::move(explicitId));
    }
    pipeline.log("host", LogLevel::Info, "after");
    CHECK(RequestId::current().empty());
    pipeline.stop();

    std::map<std::string, std::string> ids;
    for (const LogRecord& record : store->copy())
        ids[record.message] = record.requestId;
    CHECK(ids == std::map<std::string, std::string>{{"before", ""}, {"inside", "req-outer"}, {"nested", "req-inner"},
        {"inside again", "req-outer"}, {"other thread", ""}, {"explicit", "given"}, {"after", ""}});
}
