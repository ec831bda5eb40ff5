#include "logging/AccessLog.h"

#include "logging/JsonObjectWriter.h"
#include "logging/LogRecordFormat.h"
#include "logging/RotatingFileSink.h"

#include <cstdio>
#include <memory>

namespace terrarium {

namespace {

/// The fields of an entry's record, in this order (record() and line() agree on it).
enum Field : std::size_t
{
    Listener,
    Method,
    Target,
    Status,
    BytesIn,
    BytesOut,
    DurationMicros,
    Client,
    Plugin,
    FieldCount
};

std::string milliseconds(const std::string& micros)
{
    long long value = std::strtoll(micros.c_str(), nullptr, 10);
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%lld.%03lld", value / 1000, (value < 0 ? -value : value) % 1000);
    return buffer;
}

} // namespace

AccessLog::AccessLog(const std::string& path, std::size_t maxBytes, unsigned keep, std::size_t queueCapacity,
                     LogDiagnostics::Writer diagnostics)
    : _path(path), _pipeline(LogLevel::Info, queueCapacity)
{
    _pipeline.addSink(std::make_unique<RotatingFileSink>(path, maxBytes, keep, std::move(diagnostics), &AccessLog::line));
}

AccessLog::~AccessLog()
{
    if (_pipeline.running()) stop(Poco::Timespan(0));
}

void AccessLog::start()
{
    _pipeline.start();
}

void AccessLog::stop(Poco::Timespan bound)
{
    _pipeline.stop(bound);
}

void AccessLog::record(AccessEntry&& entry) noexcept
{
    try
    {
        LogRecord record;
        record.service = "access";
        record.requestId = std::move(entry.requestId);
        record.fields.resize(FieldCount);
        record.fields[Listener].second = std::move(entry.listener);
        record.fields[Method].second = std::move(entry.method);
        record.fields[Target].second = std::move(entry.target);
        record.fields[Status].second = std::to_string(entry.status);
        record.fields[BytesIn].second = std::to_string(entry.bytesIn);
        record.fields[BytesOut].second = std::to_string(entry.bytesOut);
        record.fields[DurationMicros].second = std::to_string(entry.durationMicros);
        record.fields[Client].second = std::move(entry.clientAddress);
        record.fields[Plugin].second = std::move(entry.plugin);
        _pipeline.log(std::move(record));
    }
    catch (...)
    {
    }
}

std::string AccessLog::line(const LogRecord& record)
{
    JsonObjectWriter writer;
    writer.addString("ts", LogRecordFormat::isoTimestamp(record.timestamp));
    writer.addString("request_id", record.requestId);
    if (record.fields.size() == FieldCount)
    {
        const auto& f = record.fields;
        writer.addString("listener", f[Listener].second);
        writer.addString("method", f[Method].second);
        writer.addString("target", f[Target].second);
        writer.addNumber("status", f[Status].second);
        writer.addNumber("bytes_in", f[BytesIn].second);
        writer.addNumber("bytes_out", f[BytesOut].second);
        writer.addNumber("duration_ms", milliseconds(f[DurationMicros].second));
        writer.addString("client", f[Client].second);
        if (f[Plugin].second.empty())
            writer.addJson("plugin", "null");
        else
            writer.addString("plugin", f[Plugin].second);
    }
    return writer.str();
}

Poco::UInt64 AccessLog::written() const
{
    LogPipelineStats stats = _pipeline.stats();
    return stats.sinks.empty() ? 0 : stats.sinks.front().written;
}

Poco::UInt64 AccessLog::dropped() const
{
    return _pipeline.stats().dropped;
}

void AccessLog::collect(PrometheusWriter& writer) const
{
    LogPipelineStats stats = _pipeline.stats();
    writer.family("terrarium_access_log_lines_total", "counter", "Lines written to the access log.");
    writer.sample("terrarium_access_log_lines_total", {}, stats.sinks.empty() ? Poco::UInt64(0) : stats.sinks.front().written);
    writer.family("terrarium_access_log_dropped_total", "counter", "Access log entries lost (queue full, file unwritable).");
    writer.sample("terrarium_access_log_dropped_total", {}, stats.dropped);
}

} // namespace terrarium
