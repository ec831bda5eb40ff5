#include "LoggingTestSupport.h"

#include "logging/LogPipeline.h"
#include "logging/RotatingFileSink.h"

#include <Poco/File.h>
#include <Poco/TemporaryFile.h>

#include <catch2/catch.hpp>

using namespace terrarium;
using terrarium::test::CapturedDiagnostics;
using terrarium::test::parseObject;
using terrarium::test::readLines;

namespace {

/// A fresh directory, removed with its content afterwards.
class LogDirectory
{
public:
    LogDirectory() { Poco::File(_directory.path()).createDirectories(); }

    std::string file(const std::string& name) const { return _directory.path() + "/" + name; }
    bool exists(const std::string& name) const { return Poco::File(file(name)).exists(); }

private:
    Poco::TemporaryFile _directory;
};

std::string paddedMessage(int index)
{
    return "record " + std::to_string(index) + " " + std::string(60, 'x');
}

} // namespace

TEST_CASE("the file rotates above max bytes and keeps exactly N rotated files of whole JSON lines", "[logging][file]")
{
    LogDirectory directory;
    const std::string path = directory.file("logs/terrarium.log");
    const std::size_t maxBytes = 1000;
    LogPipeline pipeline(LogLevel::Info);
    auto sink = std::make_unique<RotatingFileSink>(path, maxBytes, 3);
    RotatingFileSink* file = sink.get();
    pipeline.addSink(std::move(sink));
    pipeline.start();
    const int total = 100;
    for (int index = 0; index < total; ++index)
        pipeline.log("host", LogLevel::Info, paddedMessage(index), {{"n", std::to_string(index)}});
    pipeline.stop();

    CHECK(file->rotations() >= 4);
    CHECK(directory.exists("logs/terrarium.log"));
    CHECK(directory.exists("logs/terrarium.log.1"));
    CHECK(directory.exists("logs/terrarium.log.2"));
    CHECK(directory.exists("logs/terrarium.log.3"));
    CHECK_FALSE(directory.exists("logs/terrarium.log.4"));

    int expected = total - 1;
    std::size_t linesSeen = 0;
    for (const std::string name : {"logs/terrarium.log", "logs/terrarium.log.1", "logs/terrarium.log.2", "logs/terrarium.log.3"})
    {
        CHECK(Poco::File(directory.file(name)).getSize() <= maxBytes);
        std::vector<std::string> lines = readLines(directory.file(name));
        CHECK_FALSE(lines.empty());
        for (auto it = lines.rbegin(); it != lines.rend(); ++it)
        {
            Poco::JSON::Object::Ptr object = parseObject(*it);
            CHECK(object->getValue<std::string>("n") == std::to_string(expected));
            CHECK(object->getValue<std::string>("msg") == paddedMessage(expected));
            --expected;
            ++linesSeen;
        }
    }
    CHECK(linesSeen > 0);
    CHECK(pipeline.stats().sinks.at(0).written == static_cast<Poco::UInt64>(total));
}

TEST_CASE("an existing file is appended to and rotated when already full", "[logging][file]")
{
    LogDirectory directory;
    const std::string path = directory.file("terrarium.log");
    {
        RotatingFileSink sink(path, 100000, 2);
        LogRecord record;
        record.service = "host";
        record.message = "first run";
        sink.write(record);
        sink.flush();
    }
    {
        RotatingFileSink sink(path, 100000, 2);
        LogRecord record;
        record.service = "host";
        record.message = "second run";
        sink.write(record);
        sink.flush();
    }
    std::vector<std::string> lines = readLines(path);
    REQUIRE(lines.size() == 2);
    CHECK(parseObject(lines[0])->getValue<std::string>("msg") == "first run");
    CHECK(parseObject(lines[1])->getValue<std::string>("msg") == "second run");

    RotatingFileSink small(path, 10, 2);
    LogRecord record;
    record.service = "host";
    record.message = "third run";
    small.write(record);
    small.flush();
    CHECK(readLines(path + ".1").size() == 2);
    REQUIRE(readLines(path).size() == 1);
    CHECK(small.rotations() == 1);
}

TEST_CASE("keep 0 starts the file afresh", "[logging][file]")
{
    LogDirectory directory;
    const std::string path = directory.file("terrarium.log");
    RotatingFileSink sink(path, 200, 0);
    for (int index = 0; index < 10; ++index)
    {
        LogRecord record;
        record.service = "host";
        record.message = paddedMessage(index);
        sink.write(record);
    }
    sink.flush();
    CHECK_FALSE(directory.exists("terrarium.log.1"));
    std::vector<std::string> lines = readLines(path);
    REQUIRE_FALSE(lines.empty());
    CHECK(parseObject(lines.back())->getValue<std::string>("msg") == paddedMessage(9));
}

TEST_CASE("an unwritable log path is reported through diagnostics, not logged", "[logging][file]")
{
    LogDirectory directory;
    CapturedDiagnostics diagnostics;
    Poco::File(directory.file("blocker")).createFile();
    RotatingFileSink broken(directory.file("blocker/terrarium.log"), 1000, 1, diagnostics.writer());
    LogRecord record;
    record.service = "host";
    record.message = "lost";
    broken.write(record);
    broken.flush();
    CHECK(broken.stats().dropped == 1);
    CHECK(broken.stats().failures >= 1);
    CHECK(diagnostics.contains("cannot open log file"));
}
