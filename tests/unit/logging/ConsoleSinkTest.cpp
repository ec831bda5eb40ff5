#include "LoggingTestSupport.h"

#include "logging/ConsoleSink.h"
#include "logging/LogPipeline.h"

#include <Poco/Exception.h>
#include <Poco/TemporaryFile.h>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

using namespace terrarium;
using terrarium::test::parseObject;
using terrarium::test::readLines;

namespace {

/// A console stand-in: a temporary file opened for writing (not a terminal).
class ConsoleFile
{
public:
    ConsoleFile() : _descriptor(::open(_file.path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) {}
    ~ConsoleFile() { ::close(_descriptor); }

    int descriptor() const { return _descriptor; }
    std::vector<std::string> lines() const { return readLines(_file.path()); }

private:
    Poco::TemporaryFile _file;
    int _descriptor;
};

void logThree(LogPipeline& pipeline)
{
    pipeline.log("host", LogLevel::Info, "listening", {{"address", "127.0.0.1:8080"}});
    pipeline.log("echo", LogLevel::Warn, "two\nlines");
    pipeline.log("host", LogLevel::Error, "boom \"quoted\"");
}

} // namespace

TEST_CASE("console format: text on a terminal, JSON otherwise, unless forced", "[logging][console]")
{
    CHECK(ConsoleSink::resolve("auto", true) == ConsoleSink::Format::Text);
    CHECK(ConsoleSink::resolve("auto", false) == ConsoleSink::Format::Json);
    CHECK(ConsoleSink::resolve("text", false) == ConsoleSink::Format::Text);
    CHECK(ConsoleSink::resolve("JSON", true) == ConsoleSink::Format::Json);
    CHECK_THROWS_AS(ConsoleSink::resolve("xml", true), Poco::InvalidArgumentException);

    ConsoleFile file;
    CHECK(ConsoleSink("auto", file.descriptor()).format() == ConsoleSink::Format::Json);
}

TEST_CASE("console in JSON: one parseable JSON object per record", "[logging][console]")
{
    ConsoleFile file;
    {
        LogPipeline pipeline(LogLevel::Info);
        pipeline.addSink(std::make_unique<ConsoleSink>("auto", file.descriptor()));
        pipeline.start();
        logThree(pipeline);
        pipeline.stop();
        CHECK(pipeline.stats().sinks.at(0).written == 3);
    }
    const std::vector<std::string> lines = file.lines();
    REQUIRE(lines.size() == 3);
    CHECK(parseObject(lines[0])->getValue<std::string>("address") == "127.0.0.1:8080");
    CHECK(parseObject(lines[1])->getValue<std::string>("msg") == "two\nlines");
    CHECK(parseObject(lines[1])->getValue<std::string>("service") == "echo");
    CHECK(parseObject(lines[2])->getValue<std::string>("level") == "error");
}

TEST_CASE("console in text: one human line per record", "[logging][console]")
{
    ConsoleFile file;
    {
        LogPipeline pipeline(LogLevel::Info);
        pipeline.addSink(std::make_unique<ConsoleSink>("text", file.descriptor()));
        pipeline.start();
        logThree(pipeline);
        pipeline.stop();
    }
    const std::vector<std::string> lines = file.lines();
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].find(" INFO  [host] listening address=127.0.0.1:8080") != std::string::npos);
    CHECK(lines[1].find(" WARN  [echo] two\\nlines") != std::string::npos);
    CHECK(lines[2].find(" ERROR [host] boom \"quoted\"") != std::string::npos);
    CHECK(lines[0].front() != '{');
}
