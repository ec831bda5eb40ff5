#include "RecordParser.h"

#include "Utf8Text.h"

#include <terrarium/json.hpp>

#include <Poco/JSON/Array.h>

#include <cctype>

namespace logthon {

namespace {

using terrarium::sink::Utf8Text;

constexpr std::size_t maxServiceBytes = 128;
constexpr std::size_t maxLevelBytes = 16;
constexpr std::size_t maxRequestIdBytes = 128;
constexpr std::size_t maxTimestampBytes = 64;

std::string where(long index) { return index < 0 ? std::string() : "record " + std::to_string(index) + ": "; }

[[noreturn]] void invalid(long index, const std::string& key, const std::string& problem)
{
    throw IngestError(422, "invalid_field", where(index) + "field '" + key + "' " + problem, index);
}

/// Control characters other than tab, line feed and carriage return (allowed in messages only).
bool hasControl(const std::string& text, bool allowLineBreaks)
{
    for (char ch : text)
    {
        auto c = static_cast<unsigned char>(ch);
        if (c == 0x7F) return true;
        if (c >= 0x20) continue;
        if (allowLineBreaks && (c == '\t' || c == '\n' || c == '\r')) continue;
        return true;
    }
    return false;
}

/// The string member key (required or optional), checked for type, UTF-8, control characters and size.
std::string text(const Poco::JSON::Object& object, const std::string& key, long index, std::size_t maxBytes, bool required, bool allowLineBreaks)
{
    if (!object.has(key) || object.isNull(key))
    {
        if (required) throw IngestError(422, "missing_field", where(index) + "field '" + key + "' is required", index);
        return std::string();
    }
    const Poco::Dynamic::Var& value = object.get(key);
    if (!value.isString()) invalid(index, key, "must be a string");
    const std::string& s = value.extract<std::string>();
    if (s.size() > maxBytes) invalid(index, key, "is longer than " + std::to_string(maxBytes) + " bytes");
    if (hasControl(s, allowLineBreaks))
        invalid(index, key, allowLineBreaks ? "must not contain control characters other than tab, line feed and carriage return"
                                            : "must not contain control characters");
    return s;
}

} // namespace

RecordParser::RecordParser(std::size_t maxMessageBytes, std::size_t maxBatchRecords)
    : _maxMessageBytes(maxMessageBytes), _maxBatchRecords(maxBatchRecords)
{
}

bool RecordParser::isBatch(std::string_view body)
{
    std::size_t first = body.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && body[first] == '[';
}

std::vector<IncomingRecord> RecordParser::parse(std::string_view body) const
{
    // The one UTF-8 check: Poco's parser refuses lone surrogates in \u escapes, so every string
    // it returns is valid UTF-8 too.
    if (!Utf8Text::valid(body)) throw IngestError(400, "invalid_json", "the request body is not valid UTF-8");
    Poco::Dynamic::Var value;
    try
    {
        value = terrarium::json::parse(body, "the request body");
    }
    catch (const terrarium::json::Error& e)
    {
        throw IngestError(400, e.code(), e.what());
    }
    std::vector<IncomingRecord> records;
    if (value.type() == typeid(terrarium::json::ObjectPtr))
    {
        records.push_back(record(*value.extract<terrarium::json::ObjectPtr>(), -1));
        return records;
    }
    if (value.type() != typeid(terrarium::json::ArrayPtr))
        throw IngestError(400, "invalid_json", "the request body must be a JSON object (one record) or an array of objects (a batch)");
    const Poco::JSON::Array& batch = *value.extract<terrarium::json::ArrayPtr>();
    if (batch.size() == 0) throw IngestError(422, "empty_batch", "the batch is empty: send at least one record");
    if (batch.size() > _maxBatchRecords)
        throw IngestError(413, "batch_too_large",
                          "the batch has " + std::to_string(batch.size()) + " records; at most " + std::to_string(_maxBatchRecords) + " are accepted");
    records.reserve(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i)
    {
        terrarium::json::ObjectPtr object = batch.getObject(static_cast<unsigned>(i));
        if (!object) throw IngestError(422, "invalid_record", where(static_cast<long>(i)) + "must be a JSON object", static_cast<long>(i));
        records.push_back(record(*object, static_cast<long>(i)));
    }
    return records;
}

IncomingRecord RecordParser::record(const Poco::JSON::Object& object, long index) const
{
    IncomingRecord record;
    record.service = text(object, "service", index, maxServiceBytes, true, false);
    if (record.service.empty()) invalid(index, "service", "must not be empty");

    if (object.has("message") && !object.isNull("message") && object.get("message").isString() &&
        object.get("message").extract<std::string>().size() > _maxMessageBytes)
        throw IngestError(413, "message_too_large",
                          where(index) + "field 'message' is longer than " + std::to_string(_maxMessageBytes) + " bytes (max_message_bytes)", index);
    record.message = text(object, "message", index, _maxMessageBytes, true, true);

    record.level = text(object, "level", index, maxLevelBytes, false, false);
    if (record.level.empty() && object.has("level") && !object.isNull("level")) invalid(index, "level", "must not be empty");
    if (record.level.empty()) record.level = "INFO";
    for (char& c : record.level)
    {
        if (!std::isalpha(static_cast<unsigned char>(c))) invalid(index, "level", "must be a level name of letters (INFO, WARNING, ...)");
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }

    record.metadataJson = "{}";
    if (object.has("metadata") && !object.isNull("metadata"))
    {
        const Poco::Dynamic::Var& metadata = object.get("metadata");
        if (metadata.type() != typeid(terrarium::json::ObjectPtr)) invalid(index, "metadata", "must be an object");
        record.metadataJson = terrarium::json::write(metadata);
    }

    if (object.has("timestamp") && !object.isNull("timestamp"))
    {
        const Poco::Dynamic::Var& timestamp = object.get("timestamp");
        if (timestamp.isString())
            record.clientTimestamp = terrarium::json::write(text(object, "timestamp", index, maxTimestampBytes, false, false));
        else if (timestamp.isNumeric() && !timestamp.isBoolean())
            record.clientTimestamp = terrarium::json::write(timestamp);
        else
            invalid(index, "timestamp", "must be a string or a number");
    }
    record.requestId = text(object, "request_id", index, maxRequestIdBytes, false, false);
    return record;
}

} // namespace logthon
