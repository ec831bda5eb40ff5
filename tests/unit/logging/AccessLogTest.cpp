#include "LoggingTestSupport.h"

#include "logging/AccessLog.h"
#include "logging/RotatingFileSink.h"

#include "ScratchDir.h"

#include <catch2/catch.hpp>

using namespace terrarium;
using terrarium::test::CapturedDiagnostics;
using terrarium::test::parseObject;
using terrarium::test::readLines;
using terrarium::test::ScratchDir;

namespace {

AccessEntry entry(const std::string& target, int status, const std::string& plugin)
{
    AccessEntry e;
    e.requestId = "req-" + std::to_string(status);
    e.listener = "main";
    e.method = "POST";
    e.target = target;
    e.status = status;
    e.bytesIn = 5;
    e.bytesOut = 1234;
    e.durationMicros = 2500;
    e.clientAddress = "127.0.0.1:50000";
    e.plugin = plugin;
    return e;
}

} // namespace

TEST_CASE("the access log writes one JSON line per entry with typed fields", "[logging][access]")
{
    ScratchDir directory;
    const std::string path = directory.path() + "/logs/access.log";
    AccessLog log(path, 1 << 20, 2);
    log.start();
    log.record(entry("/echo/a?x=\"1\"", 200, "echo"));
    log.record(entry("/nowhere", 404, ""));
    log.stop();

    auto lines = readLines(path);
    REQUIRE(lines.size() == 2);
    auto first = parseObject(lines[0]);
    CHECK(first->getValue<std::string>("request_id") == "req-200");
    CHECK(first->getValue<std::string>("listener") == "main");
    CHECK(first->getValue<std::string>("method") == "POST");
    CHECK(first->getValue<std::string>("target") == "/echo/a?x=\"1\"");
    CHECK(first->get("status").isInteger());
    CHECK(first->getValue<int>("status") == 200);
    CHECK(first->getValue<int>("bytes_in") == 5);
    CHECK(first->getValue<int>("bytes_out") == 1234);
    CHECK(first->getValue<double>("duration_ms") == Approx(2.5));
    CHECK(first->getValue<std::string>("client") == "127.0.0.1:50000");
    CHECK(first->getValue<std::string>("plugin") == "echo");
    CHECK(first->getValue<std::string>("ts").size() == 24);   // 2024-05-01T12:00:00.123Z
    auto second = parseObject(lines[1]);
    CHECK(second->getValue<int>("status") == 404);
    CHECK(second->isNull("plugin"));
    CHECK(log.written() == 2);
    CHECK(log.dropped() == 0);

    PrometheusWriter writer;
    log.collect(writer);
    CHECK(writer.text().find("terrarium_access_log_lines_total 2\n") != std::string::npos);
    CHECK(writer.text().find("terrarium_access_log_dropped_total 0\n") != std::string::npos);
}

TEST_CASE("the access log never blocks: above its queue capacity entries are dropped and counted", "[logging][access]")
{
    ScratchDir directory;
    const std::string path = directory.path() + "/access.log";
    AccessLog log(path, 1 << 20, 2, 2);
    for (int i = 0; i < 5; ++i) log.record(entry("/x", 200, "echo"));   // not started: queued up to 2
    log.start();
    log.stop();
    CHECK(readLines(path).size() == 2);
    CHECK(log.written() == 2);
    CHECK(log.dropped() == 3);
    log.record(entry("/after-stop", 200, "echo"));
    CHECK(log.dropped() == 4);
}

TEST_CASE("a rotating file sink renders lines with the format it is given", "[logging][file]")
{
    ScratchDir directory;
    const std::string path = directory.path() + "/raw.log";
    RotatingFileSink sink(path, 1 << 20, 1, LogDiagnostics::Writer(), [](const LogRecord& r) { return "<" + r.message + ">"; });
    LogRecord record;
    record.message = "plain";
    sink.write(record);
    sink.flush();
    sink.stop(Poco::Timespan(0));
    CHECK(readLines(path) == std::vector<std::string>{"<plain>"});
}
