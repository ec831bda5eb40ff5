#include "logging/LogDiagnostics.h"

#include "logging/DescriptorWriter.h"

#include <unistd.h>

namespace terrarium {

LogDiagnostics::Writer LogDiagnostics::stderrWriter()
{
    return [](const std::string& line) {
        const std::string text = "terrarium logging: " + line + "\n";
        DescriptorWriter::writeAll(STDERR_FILENO, text.data(), text.size());
    };
}

LogDiagnostics::LogDiagnostics(Writer writer, Poco::Timespan interval)
    : _writer(writer ? std::move(writer) : stderrWriter()), _interval(interval)
{
}

bool LogDiagnostics::report(const std::string& message)
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (_reported && !_lastReport.isElapsed(_interval.totalMicroseconds()))
    {
        ++_heldBack;
        ++_suppressed;
        return false;
    }
    write(message);
    return true;
}

void LogDiagnostics::reportNow(const std::string& message)
{
    std::lock_guard<std::mutex> lock(_mutex);
    write(message);
}

Poco::UInt64 LogDiagnostics::suppressed() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _suppressed;
}

void LogDiagnostics::write(const std::string& message)
{
    std::string line = message;
    if (_heldBack > 0)
        line += " (" + std::to_string(_heldBack) + " similar reports held back)";
    _heldBack = 0;
    _reported = true;
    _lastReport.update();
    try
    {
        _writer(line);
    }
    catch (...)
    {
    }
}

} // namespace terrarium
