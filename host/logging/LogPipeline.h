#ifndef Terrarium_LogPipeline_INCLUDED
#define Terrarium_LogPipeline_INCLUDED

#include "logging/LogLevelTable.h"
#include "logging/LogPipelineStats.h"
#include "logging/LogRecord.h"
#include "logging/LogSink.h"

#include <Poco/Timespan.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace terrarium {

/// The one entry point of logging for the host and its plugins. log() filters by the record's
/// service level, stamps the thread's request id and appends the record to a bounded queue;
/// one dispatch thread hands queued records to every sink (console, file, logthon), so the
/// threads that log never wait for I/O. A full queue drops the record and counts it. Records
/// made on a log-shipping thread (LogShippingScope) are discarded and counted as suppressed.
///
/// Levels: a default and per-service thresholds, changeable at run time (admin API). enabled()
/// reads an immutable table through one atomic pointer, without a lock; setLevel() publishes a
/// new table. Superseded tables are kept until the pipeline is destroyed, since a reader may
/// still hold one (a table is a small map; level changes are rare operator actions).
class LogPipeline
{
public:
    /// Called after every level change (from the thread that changed it).
    using LevelObserver = std::function<void()>;

    /// A pipeline whose queue holds queueCapacity records; every service at defaultLevel.
    explicit LogPipeline(LogLevel defaultLevel = LogLevel::Info, std::size_t queueCapacity = 10000);

    /// stop(0) when still running.
    ~LogPipeline();

    LogPipeline(const LogPipeline&) = delete;
    LogPipeline& operator=(const LogPipeline&) = delete;

    /// Queues record when its level passes its service's threshold. Thread-safe, never blocks on
    /// I/O, never throws. Records logged before start() are queued and dispatched at start();
    /// after stop() they are dropped and counted.
    void log(LogRecord&& record) noexcept;

    /// Shorthand: a record of service at level with message and fields, made now.
    void log(const std::string& service, LogLevel level, std::string message, std::vector<LogField> fields = {}) noexcept;

    /// True when a record of service at level would be kept. Lock-free.
    bool enabled(const std::string& service, LogLevel level) const;

    /// The threshold of service (its own, else the default).
    LogLevel level(const std::string& service) const;

    /// Gives service its own threshold.
    void setLevel(const std::string& service, LogLevel level);

    /// Makes service follow the default again.
    void clearLevel(const std::string& service);

    /// Sets the threshold of every service without one of its own.
    void setDefaultLevel(LogLevel level);

    /// The current thresholds.
    LogLevelTable levels() const;

    /// Sets the function called after each level change (PocoLogChannel::install() uses it).
    void setLevelObserver(LevelObserver observer);

    /// Adds a sink; started at once when the pipeline runs. Sinks are never removed.
    void addSink(std::unique_ptr<LogSink> sink);

    /// Starts the sinks and the dispatch thread.
    void start();

    /// Dispatches what is queued, then stops the sinks (logthon ships what it can within what is
    /// left of bound) and returns. Later records are dropped and counted.
    void stop(Poco::Timespan bound = Poco::Timespan(2, 0));

    /// True between start() and stop().
    bool running() const;

    /// The pipeline's and every sink's figures.
    LogPipelineStats stats() const;

private:
    void publish(LogLevelTable table);
    void run();
    std::vector<LogSink*> sinkList() const;

    std::atomic<const LogLevelTable*> _levels{nullptr};
    mutable std::mutex _levelsMutex;
    std::vector<std::unique_ptr<const LogLevelTable>> _tables;
    LevelObserver _levelObserver;

    const std::size_t _capacity;
    mutable std::mutex _queueMutex;
    std::condition_variable _queueReady;
    std::vector<LogRecord> _queue;
    bool _started = false;
    bool _stopping = false;
    bool _stopped = false;
    Poco::UInt64 _records = 0;
    Poco::UInt64 _dropped = 0;
    std::atomic<Poco::UInt64> _suppressed{0};

    mutable std::mutex _sinksMutex;
    std::vector<std::unique_ptr<LogSink>> _sinks;
    std::thread _dispatcher;
};

} // namespace terrarium

#endif
