#include "http/HttpReply.h"
#include "http/JsonText.h"

#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>

#include <memory>
#include <vector>

using terrarium::HttpReply;
using terrarium::JsonText;

namespace {

struct FreeLog
{
    std::vector<std::string> events;
};

void freeTracked(void* ctx, void* data)
{
    auto* log = static_cast<FreeLog*>(ctx);
    log->events.push_back("free");
    delete[] static_cast<char*>(data);
}

} // namespace

TEST_CASE("a reply starts as an empty 200", "[reply]")
{
    HttpReply reply;
    CHECK(reply.status() == 200);
    CHECK(reply.body().empty());
    CHECK(reply.headers().empty());
}

TEST_CASE("an adopted body is freed exactly once, before what keeps its code alive", "[reply]")
{
    FreeLog log;
    {
        HttpReply reply;
        char* data = new char[5]{'h', 'e', 'l', 'l', 'o'};
        reply.adoptBody(data, 5, &freeTracked, &log);
        CHECK(reply.bodyAdopted());
        CHECK(reply.body() == "hello");
        reply.keepAlive(std::shared_ptr<void>(nullptr, [&log](void*) { log.events.push_back("owner released"); }));
    }
    REQUIRE(log.events.size() == 2);
    CHECK(log.events[0] == "free");
    CHECK(log.events[1] == "owner released");
}

TEST_CASE("replacing an adopted body frees the old one", "[reply]")
{
    FreeLog log;
    HttpReply reply;
    reply.adoptBody(new char[1]{'x'}, 1, &freeTracked, &log);
    reply.setBody("copy");
    CHECK(log.events.size() == 1);
    CHECK_FALSE(reply.bodyAdopted());
    CHECK(reply.body() == "copy");
}

TEST_CASE("error replies are JSON with code and message", "[reply]")
{
    HttpReply reply;
    reply.addHeader("X-Plugin", "1");
    reply.error(413, "payload_too_large", "body of 10 bytes exceeds \"5\"");
    CHECK(reply.status() == 413);
    CHECK(reply.hasHeader("content-type"));
    CHECK_FALSE(reply.hasHeader("X-Plugin"));
    Poco::JSON::Parser parser;
    auto object = parser.parse(std::string(reply.body())).extract<Poco::JSON::Object::Ptr>();
    CHECK(object->getValue<std::string>("error") == "payload_too_large");
    CHECK(object->getValue<std::string>("message") == "body of 10 bytes exceeds \"5\"");
}

TEST_CASE("JSON strings are escaped", "[json]")
{
    std::string out;
    JsonText::appendString(out, std::string("a\"b\\c\n\t\x01", 8));
    CHECK(out == "\"a\\\"b\\\\c\\n\\t\\u0001\"");
}

TEST_CASE("the resume state survives reset() and is taken once", "[reply][resume]")
{
    HttpReply reply;
    auto state = std::make_shared<int>(7);
    reply.setResumeState(state);
    reply.setAside([](HttpReply::Resume) {});
    reply.reset();
    CHECK_FALSE(reply.takeSetAside());
    std::shared_ptr<void> taken = reply.takeResumeState();
    REQUIRE(taken);
    CHECK(*std::static_pointer_cast<int>(taken) == 7);
    CHECK_FALSE(reply.takeResumeState());
}
