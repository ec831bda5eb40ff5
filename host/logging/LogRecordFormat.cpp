#include "logging/LogRecordFormat.h"

#include "logging/JsonObjectWriter.h"
#include "logging/LogLevels.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/NumberFormatter.h>

namespace terrarium {

namespace {

void addFields(JsonObjectWriter& writer, const std::vector<LogField>& fields)
{
    for (const auto& field : fields)
        writer.addString(writer.contains(field.first) ? "field_" + field.first : field.first, field.second);
}

void appendPrintable(std::string& out, const std::string& text)
{
    static const char hex[] = "0123456789abcdef";
    for (unsigned char c : text)
    {
        switch (c)
        {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20 || c == 0x7F)
            {
                out += "\\x";
                out += hex[c >> 4];
                out += hex[c & 0xF];
            }
            else
                out += static_cast<char>(c);
        }
    }
}

void appendTextValue(std::string& out, const std::string& value)
{
    const bool plain = !value.empty() && value.find_first_of(" \"=") == std::string::npos;
    if (plain)
    {
        appendPrintable(out, value);
        return;
    }
    std::string escaped;
    for (char c : value)
    {
        if (c == '"' || c == '\\')
            escaped += '\\';
        escaped += c;
    }
    out += '"';
    appendPrintable(out, escaped);
    out += '"';
}

const char* textLevel(LogLevel level)
{
    switch (level)
    {
    case LogLevel::Trace: return "TRACE";
    case LogLevel::Debug: return "DEBUG";
    case LogLevel::Info: return "INFO ";
    case LogLevel::Warn: return "WARN ";
    case LogLevel::Error: return "ERROR";
    case LogLevel::Off: break;
    }
    return "ERROR";
}

} // namespace

std::string LogRecordFormat::jsonLine(const LogRecord& record)
{
    JsonObjectWriter writer;
    writer.addString("ts", isoTimestamp(record.timestamp));
    writer.addString("level", LogLevels::name(record.level));
    writer.addString("service", record.service);
    writer.addString("msg", record.message);
    if (!record.requestId.empty())
        writer.addString("request_id", record.requestId);
    addFields(writer, record.fields);
    return writer.str();
}

std::string LogRecordFormat::textLine(const LogRecord& record)
{
    std::string line = isoTimestamp(record.timestamp);
    line += ' ';
    line += textLevel(record.level);
    line += " [";
    appendPrintable(line, record.service);
    line += "] ";
    appendPrintable(line, record.message);
    for (const auto& field : record.fields)
    {
        line += ' ';
        appendPrintable(line, field.first);
        line += '=';
        appendTextValue(line, field.second);
    }
    if (!record.requestId.empty())
    {
        line += " request_id=";
        appendTextValue(line, record.requestId);
    }
    return line;
}

std::string LogRecordFormat::logthonBody(const LogRecord& record, const LogIdentity& identity)
{
    JsonObjectWriter metadata;
    metadata.addNumber("timestamp", epochSeconds(record.timestamp));
    metadata.addString("container_id", identity.containerId);
    metadata.addString("container_name", identity.containerName);
    metadata.addString("service_name", identity.serviceName);
    metadata.addString("level", LogLevels::name(record.level));
    if (!record.requestId.empty())
        metadata.addString("request_id", record.requestId);
    addFields(metadata, record.fields);

    JsonObjectWriter body;
    body.addString("service", record.service);
    body.addString("level", LogLevels::logthonName(record.level));
    body.addString("message", record.message);
    body.addJson("metadata", metadata.str());
    if (!record.requestId.empty())
        body.addString("request_id", record.requestId);
    return body.str();
}

std::string LogRecordFormat::logthonBatchBody(const std::vector<LogRecord>& records, const LogIdentity& identity)
{
    std::string body = "[";
    for (const LogRecord& record : records)
    {
        if (body.size() > 1)
            body += ',';
        body += logthonBody(record, identity);
    }
    body += ']';
    return body;
}

std::string LogRecordFormat::isoTimestamp(const Poco::Timestamp& timestamp)
{
    return Poco::DateTimeFormatter::format(timestamp, "%Y-%m-%dT%H:%M:%S.%iZ");
}

std::string LogRecordFormat::epochSeconds(const Poco::Timestamp& timestamp)
{
    const Poco::Timestamp::TimeVal micros = timestamp.epochMicroseconds();
    const Poco::Timestamp::TimeVal seconds = micros / Poco::Timestamp::resolution();
    const Poco::Timestamp::TimeVal fraction = micros % Poco::Timestamp::resolution();
    if (micros < 0)
        return Poco::NumberFormatter::format(static_cast<double>(micros) / static_cast<double>(Poco::Timestamp::resolution()), 6);
    return Poco::NumberFormatter::format(seconds) + "." + Poco::NumberFormatter::format0(fraction, 6);
}

} // namespace terrarium
