#ifndef Terrarium_LogDiagnostics_INCLUDED
#define Terrarium_LogDiagnostics_INCLUDED

#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <Poco/Types.h>

#include <functional>
#include <mutex>
#include <string>

namespace terrarium {

/// Reports the logging component's own trouble (logthon unreachable, log file unwritable)
/// straight to a writer (stderr by default), never through the LogPipeline, so that a failure
/// to log cannot produce more records to log. Rate-limited: at most one report per interval;
/// the ones held back are counted and mentioned in the next report.
class LogDiagnostics
{
public:
    /// Receives one line without a trailing newline.
    using Writer = std::function<void(const std::string& line)>;

    /// A writer that writes "terrarium logging: <line>\n" to stderr with one write(2).
    static Writer stderrWriter();

    /// Reports to writer (stderrWriter() when empty), at most once per interval.
    explicit LogDiagnostics(Writer writer = Writer(), Poco::Timespan interval = Poco::Timespan(10, 0));

    /// Writes message unless a report was written less than interval ago; true when written.
    bool report(const std::string& message);

    /// Writes message whatever the rate (recovery, loss at shutdown).
    void reportNow(const std::string& message);

    /// Reports held back by the rate limit so far.
    Poco::UInt64 suppressed() const;

private:
    void write(const std::string& message);

    Writer _writer;
    Poco::Timespan _interval;
    mutable std::mutex _mutex;
    Poco::Timestamp _lastReport;
    bool _reported = false;
    Poco::UInt64 _heldBack = 0;
    Poco::UInt64 _suppressed = 0;
};

} // namespace terrarium

#endif
