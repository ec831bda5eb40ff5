#include "logging/ConsoleSink.h"

#include "logging/DescriptorWriter.h"
#include "logging/LogRecordFormat.h"

#include <Poco/Exception.h>
#include <Poco/String.h>

#include <unistd.h>

namespace terrarium {

namespace {

const std::size_t flushThreshold = 64 * 1024;

} // namespace

ConsoleSink::ConsoleSink(const std::string& format, int descriptor)
    : _descriptor(descriptor), _format(resolve(format, ::isatty(descriptor) == 1))
{
}

ConsoleSink::Format ConsoleSink::resolve(const std::string& format, bool terminal)
{
    const std::string lower = Poco::toLower(format);
    if (lower == "auto" || lower.empty())
        return terminal ? Format::Text : Format::Json;
    if (lower == "text")
        return Format::Text;
    if (lower == "json")
        return Format::Json;
    throw Poco::InvalidArgumentException("unknown console log format '" + format + "', expected auto, text or json");
}

void ConsoleSink::write(const LogRecord& record)
{
    try
    {
        _pending += _format == Format::Text ? LogRecordFormat::textLine(record) : LogRecordFormat::jsonLine(record);
        _pending += '\n';
        ++_pendingRecords;
    }
    catch (...)
    {
        ++_dropped;
    }
    if (_pending.size() >= flushThreshold)
        flush();
}

void ConsoleSink::flush()
{
    if (_pending.empty())
        return;
    if (DescriptorWriter::writeAll(_descriptor, _pending.data(), _pending.size()) == _pending.size())
        _written += _pendingRecords;
    else
    {
        ++_failures;
        _dropped += _pendingRecords;
    }
    _pending.clear();
    _pendingRecords = 0;
}

void ConsoleSink::stop(Poco::Timespan bound)
{
    flush();
}

LogSinkStats ConsoleSink::stats() const
{
    LogSinkStats stats;
    stats.name = name();
    stats.written = _written;
    stats.dropped = _dropped;
    stats.failures = _failures;
    return stats;
}

} // namespace terrarium
