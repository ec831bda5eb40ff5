#ifndef Terrarium_RotatingFileSink_INCLUDED
#define Terrarium_RotatingFileSink_INCLUDED

#include "logging/LogDiagnostics.h"
#include "logging/LogSink.h"

#include <atomic>
#include <functional>
#include <string>

namespace terrarium {

/// Appends records as JSON lines to a file opened with O_APPEND. Before a line would take the
/// file above maxBytes, the file is rotated: path.(keep-1) -> path.keep, ..., path -> path.1, so
/// exactly keep rotated files remain (keep 0: the file is started afresh). A round's lines go
/// out in one write(2); if it comes out short (disk full), the file is cut back to its size
/// before, so no half line is ever left. Trouble is reported through LogDiagnostics.
class RotatingFileSink : public LogSink
{
public:
    /// Renders one record as one line without the trailing newline.
    using LineFormat = std::function<std::string(const LogRecord& record)>;

    /// Writes to path (its directory is created when missing); opened at the first write. Lines
    /// are LogRecordFormat::jsonLine() unless format is given.
    RotatingFileSink(std::string path, std::size_t maxBytes, unsigned keep,
        LogDiagnostics::Writer diagnostics = LogDiagnostics::Writer(), LineFormat format = LineFormat());

    /// Closes the file.
    ~RotatingFileSink() override;

    RotatingFileSink(const RotatingFileSink&) = delete;
    RotatingFileSink& operator=(const RotatingFileSink&) = delete;

    /// The file written to.
    const std::string& path() const { return _path; }

    /// Rotations done so far.
    Poco::UInt64 rotations() const { return _rotations; }

    /// "file".
    std::string name() const override { return "file"; }
    /// Buffers the record's JSON line, rotating first when it would not fit.
    void write(const LogRecord& record) override;
    /// Writes the buffered lines in one write(2); retries a failed open at the next round.
    void flush() override;
    /// Flushes and closes the file.
    void stop(Poco::Timespan bound) override;
    /// Lines written, records lost (unwritable file), failed opens, writes and rotations.
    LogSinkStats stats() const override;

private:
    bool ensureOpen();
    void close();
    void writePending();
    void rotate();

    std::string _path;
    std::size_t _maxBytes;
    unsigned _keep;
    LogDiagnostics _diagnostics;
    LineFormat _format;
    int _descriptor = -1;
    bool _openFailed = false;
    std::size_t _size = 0;
    std::string _pending;
    std::size_t _pendingRecords = 0;
    std::atomic<Poco::UInt64> _written{0};
    std::atomic<Poco::UInt64> _dropped{0};
    std::atomic<Poco::UInt64> _failures{0};
    std::atomic<Poco::UInt64> _rotations{0};
};

} // namespace terrarium

#endif
