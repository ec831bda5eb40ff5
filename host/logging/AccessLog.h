#ifndef Terrarium_AccessLog_INCLUDED
#define Terrarium_AccessLog_INCLUDED

#include "logging/LogDiagnostics.h"
#include "logging/LogPipeline.h"
#include "logging/LogRecord.h"
#include "metrics/PrometheusWriter.h"

#include <Poco/Timespan.h>

#include <cstdint>
#include <string>

namespace terrarium {

/// One answered request as the access log records it.
struct AccessEntry
{
    std::string requestId;
    std::string listener;
    std::string method;             /// empty when the request line was not understood
    std::string target;             /// the request target as sent (path and query)
    int status = 0;
    std::uint64_t bytesIn = 0;      /// request body bytes
    std::uint64_t bytesOut = 0;     /// response body bytes
    std::int64_t durationMicros = 0;/// from the complete request to its answer being ready to send
    std::string clientAddress;      /// "ip:port"
    std::string plugin;             /// the plugin routed to; empty when the host answered
};

/// The optional access log: one JSON line per answered request, in a file rotated like the log
/// file (RotatingFileSink). record() only queues the entry; a background thread of its own
/// LogPipeline renders and writes the lines, so a request never waits for the disk. A full queue
/// drops entries and counts them.
class AccessLog
{
public:
    /// Writes to path, rotated above maxBytes with keep old files; queueCapacity entries may wait.
    AccessLog(const std::string& path, std::size_t maxBytes, unsigned keep, std::size_t queueCapacity = 10000,
              LogDiagnostics::Writer diagnostics = LogDiagnostics::Writer());

    /// stop(0) when still running.
    ~AccessLog();

    AccessLog(const AccessLog&) = delete;
    AccessLog& operator=(const AccessLog&) = delete;

    /// Starts the writing thread.
    void start();

    /// Writes what is queued (within bound), closes the file; later entries are dropped.
    void stop(Poco::Timespan bound = Poco::Timespan(2, 0));

    /// Queues entry. Thread-safe, never blocks on I/O, never throws.
    void record(AccessEntry&& entry) noexcept;

    /// The file written to.
    const std::string& path() const { return _path; }

    /// Lines written so far.
    Poco::UInt64 written() const;

    /// Entries lost so far (queue full, file unwritable, after stop).
    Poco::UInt64 dropped() const;

    /// Writes terrarium_access_log_lines_total and terrarium_access_log_dropped_total.
    void collect(PrometheusWriter& writer) const;

    /// The line of one queued entry: {"ts","request_id","listener","method","target","status",
    /// "bytes_in","bytes_out","duration_ms","client","plugin"} (plugin null when the host answered).
    static std::string line(const LogRecord& record);

private:
    std::string _path;
    LogPipeline _pipeline;
};

} // namespace terrarium

#endif
