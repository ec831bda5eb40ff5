#include "LoggingTestSupport.h"

#include "logging/JsonObjectWriter.h"
#include "logging/LogRecordFormat.h"

#include <Poco/DateTime.h>
#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>

using namespace terrarium;
using terrarium::test::parseObject;

namespace {

const std::string hostile = std::string("say \"hi\"\\ back\nsecond line\r\ttab \x01\x1f bell\x07 nul") + std::string(1, '\0') + " end";

LogRecord sampleRecord()
{
    LogRecord record;
    record.timestamp = Poco::DateTime(2024, 5, 1, 12, 30, 45, 123, 456).timestamp();
    record.level = LogLevel::Warn;
    record.service = "file-storage";
    record.message = hostile;
    record.fields = {{"path", "/files/a \"b\".txt"}, {"weird\nkey", "v\x02"}, {"msg", "a field named msg"}};
    record.requestId = "req-42";
    return record;
}

} // namespace

TEST_CASE("JSON strings escape quotes, backslashes, newlines and every control character", "[logging][format]")
{
    const std::string quoted = JsonObjectWriter::quote(hostile);
    for (char c : quoted)
        CHECK(static_cast<unsigned char>(c) >= 0x20);
    CHECK(quoted.find("\\\"hi\\\"") != std::string::npos);
    CHECK(quoted.find("\\n") != std::string::npos);
    CHECK(quoted.find("\\u0000") != std::string::npos);
    CHECK(Poco::JSON::Parser().parse("[" + quoted + "]").extract<Poco::JSON::Array::Ptr>()->getElement<std::string>(0) == hostile);
}

TEST_CASE("invalid UTF-8 becomes U+FFFD, valid UTF-8 is kept", "[logging][format]")
{
    const std::string text = "caf\xc3\xa9 \xff\xfe cut\xe2\x82";
    const std::string quoted = JsonObjectWriter::quote(text);
    const std::string parsed = Poco::JSON::Parser().parse("[" + quoted + "]").extract<Poco::JSON::Array::Ptr>()->getElement<std::string>(0);
    CHECK(parsed.find("caf\xc3\xa9") == 0);
    CHECK(parsed.find("\xef\xbf\xbd") != std::string::npos);
    CHECK(parsed.find('\xff') == std::string::npos);
}

TEST_CASE("a JSON line has ts, level, service, msg, request_id and the fields", "[logging][format]")
{
    const std::string line = LogRecordFormat::jsonLine(sampleRecord());
    CHECK(line.find('\n') == std::string::npos);
    Poco::JSON::Object::Ptr object = parseObject(line);
    CHECK(object->getValue<std::string>("ts") == "2024-05-01T12:30:45.123Z");
    CHECK(object->getValue<std::string>("level") == "warn");
    CHECK(object->getValue<std::string>("service") == "file-storage");
    CHECK(object->getValue<std::string>("msg") == hostile);
    CHECK(object->getValue<std::string>("request_id") == "req-42");
    CHECK(object->getValue<std::string>("path") == "/files/a \"b\".txt");
    CHECK(object->getValue<std::string>("weird\nkey") == "v\x02");
    CHECK(object->getValue<std::string>("field_msg") == "a field named msg");
    CHECK(line.rfind("{\"ts\":", 0) == 0);

    LogRecord bare = sampleRecord();
    bare.requestId.clear();
    bare.fields.clear();
    CHECK_FALSE(parseObject(LogRecordFormat::jsonLine(bare))->has("request_id"));
}

TEST_CASE("a text line is one human-readable line with control characters shown escaped", "[logging][format]")
{
    const std::string line = LogRecordFormat::textLine(sampleRecord());
    CHECK(line.find('\n') == std::string::npos);
    CHECK(line.find('\r') == std::string::npos);
    CHECK(line.rfind("2024-05-01T12:30:45.123Z WARN  [file-storage] say \"hi\"\\ back\\nsecond line\\r\\ttab \\x01\\x1f", 0) == 0);
    CHECK(line.find("path=\"/files/a \\\"b\\\".txt\"") != std::string::npos);
    CHECK(line.find("weird\\nkey=v\\x02") != std::string::npos);
    CHECK(line.find("request_id=req-42") != std::string::npos);
}

TEST_CASE("the logthon body follows §6: service, level, message, metadata", "[logging][format]")
{
    LogIdentity identity;
    identity.serviceName = "terrarium";
    identity.containerId = "abc123";
    identity.containerName = "edge-1";
    const std::string body = LogRecordFormat::logthonBody(sampleRecord(), identity);
    Poco::JSON::Object::Ptr object = parseObject(body);
    CHECK(object->getValue<std::string>("service") == "file-storage");
    CHECK(object->getValue<std::string>("level") == "WARNING");
    CHECK(object->getValue<std::string>("message") == hostile);
    Poco::JSON::Object::Ptr metadata = object->getObject("metadata");
    REQUIRE(metadata);
    CHECK(metadata->getValue<double>("timestamp") == Approx(1714566645.123456).epsilon(1e-12));
    CHECK(metadata->getValue<std::string>("container_id") == "abc123");
    CHECK(metadata->getValue<std::string>("container_name") == "edge-1");
    CHECK(metadata->getValue<std::string>("service_name") == "terrarium");
    CHECK(metadata->getValue<std::string>("level") == "warn");
    CHECK(metadata->getValue<std::string>("request_id") == "req-42");
    CHECK(object->getValue<std::string>("request_id") == "req-42");
    CHECK(metadata->getValue<std::string>("path") == "/files/a \"b\".txt");
}

TEST_CASE("epoch seconds carry microseconds exactly", "[logging][format]")
{
    CHECK(LogRecordFormat::epochSeconds(Poco::Timestamp(1714566645123456)) == "1714566645.123456");
    CHECK(LogRecordFormat::epochSeconds(Poco::Timestamp(5)) == "0.000005");
    CHECK(LogRecordFormat::isoTimestamp(Poco::Timestamp(1714566645123456)) == "2024-05-01T12:30:45.123Z");
}
