#ifndef Terrarium_LogSink_INCLUDED
#define Terrarium_LogSink_INCLUDED

#include "logging/LogRecord.h"
#include "logging/LogSinkStats.h"

#include <Poco/Timespan.h>

#include <string>

namespace terrarium {

/// A destination of log records. LogPipeline calls write() and flush() from its one dispatch
/// thread only, never from the threads that log; stats() may be called from any thread.
class LogSink
{
public:
    virtual ~LogSink() = default;

    /// The sink's name in stats ("console", "file", "logthon").
    virtual std::string name() const = 0;

    /// Called once before the first write (LogPipeline::start() or addSink() after it).
    virtual void start() {}

    /// Takes one record; may buffer it until flush(). Never throws.
    virtual void write(const LogRecord& record) = 0;

    /// End of a dispatch round: write out what write() buffered. Never throws.
    virtual void flush() {}

    /// Delivers what is still pending within bound, then stops (LogPipeline::stop()).
    virtual void stop(Poco::Timespan bound) {}

    /// The sink's figures.
    virtual LogSinkStats stats() const = 0;
};

} // namespace terrarium

#endif
