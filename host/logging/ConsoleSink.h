#ifndef Terrarium_ConsoleSink_INCLUDED
#define Terrarium_ConsoleSink_INCLUDED

#include "logging/LogSink.h"

#include <atomic>
#include <string>

namespace terrarium {

/// Writes records to a console descriptor (stderr by default): human text lines when it is a
/// terminal, JSON lines otherwise (for log collectors), unless the format is forced.
class ConsoleSink : public LogSink
{
public:
    /// What a console line looks like.
    enum class Format
    {
        Text,
        Json
    };

    /// format is "auto" (Text when isatty(descriptor), else Json), "text" or "json"; anything else
    /// throws Poco::InvalidArgumentException. The descriptor is not closed by the sink.
    explicit ConsoleSink(const std::string& format = "auto", int descriptor = 2);

    /// The format "auto", "text" or "json" means on a terminal or not.
    static Format resolve(const std::string& format, bool terminal);

    /// The format in use.
    Format format() const { return _format; }

    /// "console".
    std::string name() const override { return "console"; }
    /// Appends the record's line to the round's buffer.
    void write(const LogRecord& record) override;
    /// Writes the buffered lines with as few write(2) calls as possible.
    void flush() override;
    /// Flushes.
    void stop(Poco::Timespan bound) override;
    /// Lines written, records dropped by failed writes.
    LogSinkStats stats() const override;

private:
    int _descriptor;
    Format _format;
    std::string _pending;
    std::size_t _pendingRecords = 0;
    std::atomic<Poco::UInt64> _written{0};
    std::atomic<Poco::UInt64> _dropped{0};
    std::atomic<Poco::UInt64> _failures{0};
};

} // namespace terrarium

#endif
