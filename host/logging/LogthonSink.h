#ifndef Terrarium_LogthonSink_INCLUDED
#define Terrarium_LogthonSink_INCLUDED

#include "logging/LogDiagnostics.h"
#include "logging/LogIdentity.h"
#include "logging/LogSink.h"
#include "logging/ShipResult.h"

#include <Poco/Timespan.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace terrarium {

struct LogConfig;

/// Ships records to logthon (§6 of services.md) from ONE background thread: write() only appends
/// to a bounded queue (full: the record is dropped and counted, the caller never waits). The
/// thread ships in rounds of at most batchSize records, as soon as a round is full and at least
/// every flushInterval; a round is ONE LogShipper call whose body is a JSON array of the records
/// (Settings::batch), or one call per record (batch false, for a logthon that takes single
/// records only). A round logthon rejects as a whole (4xx) is shipped again one record per call,
/// so one bad record or a logthon without batches loses nothing else. A Retryable failure puts
/// the unsent records back at the head of the queue (order kept, still within queueCapacity) and
/// waits with exponential backoff (backoffInitial doubling up to backoffMax) before trying
/// again, so what is logged while logthon is down is shipped once it is back. Failures are
/// counted and reported through LogDiagnostics (stderr, rate-limited), never logged: the
/// shipping thread runs inside a LogShippingScope, so nothing it logs re-enters the pipeline.
class LogthonSink : public LogSink
{
public:
    /// How the sink queues, batches and retries.
    struct Settings
    {
        std::size_t queueCapacity = 10000;                              /// records queued or in flight; more are dropped
        std::size_t batchSize = 100;                                    /// records per shipping round
        bool batch = true;                                              /// a round is one POST of a JSON array; false: one POST per record
        Poco::Timespan flushInterval = Poco::Timespan(0, 500 * 1000);   /// a round at least this often
        Poco::Timespan backoffInitial = Poco::Timespan(0, 100 * 1000);  /// wait after the first failure (doubles)
        Poco::Timespan backoffMax = Poco::Timespan(5, 0);               /// longest wait between attempts
        Poco::Timespan reportInterval = Poco::Timespan(10, 0);  /// at most one failure report per interval
        LogIdentity identity;                                           /// metadata of every entry
        std::function<bool()> destination;  /// when set: false while there is no logthon to ship to (records are then skipped, not queued)

        /// queueCapacity, batchSize, batch, flushInterval and the identity from config; the rest default.
        static Settings fromConfig(const LogConfig& config);
    };

    /// Ships through shipper; reports trouble to diagnostics (stderr when empty).
    LogthonSink(LogShipper shipper, Settings settings, LogDiagnostics::Writer diagnostics = LogDiagnostics::Writer());

    /// Stops without waiting for logthon (what is unsent is counted as dropped) and joins the
    /// thread, which may first have to finish a shipper call in progress.
    ~LogthonSink() override;

    LogthonSink(const LogthonSink&) = delete;
    LogthonSink& operator=(const LogthonSink&) = delete;

    /// "logthon".
    std::string name() const override { return "logthon"; }

    /// Starts the shipping thread (records written before are kept and shipped then).
    void start() override;

    /// Queues a copy of record, or drops and counts it when the queue is full; skips and counts it
    /// while Settings::destination says there is no logthon. Never blocks on I/O.
    void write(const LogRecord& record) override;

    /// Ships what is queued until done or bound has passed, backoff included, then stops the
    /// thread; what is still unsent is dropped, counted and reported. Returns within bound unless
    /// a shipper call outlasts it (the destructor then joins).
    void stop(Poco::Timespan bound) override;

    /// Delivered, dropped (queue full, rejected, unsent at stop), skipped (no destination), failed
    /// attempts, queued + in flight.
    LogSinkStats stats() const override;

private:
    using Clock = std::chrono::steady_clock;

    /// What became of the records of one round.
    struct RoundOutcome
    {
        std::size_t delivered = 0;
        std::size_t rejected = 0;
        std::size_t unsentFrom = 0;   /// index of the first record to retry (the round's size: none)
        std::string failure;          /// why the records from unsentFrom on were not delivered
        std::string rejection;        /// why logthon rejected the last rejected record
        std::string batchRefusal;     /// why logthon rejected the round's batch (then shipped one by one)
    };

    void run();
    void waitForWork(std::unique_lock<std::mutex>& lock, Clock::time_point& nextRound);
    void shipBatch(std::unique_lock<std::mutex>& lock);
    void shipEach(const std::vector<LogRecord>& records, RoundOutcome& outcome);
    ShipResult ship(const std::string& body);
    Clock::duration backoff() const;

    LogShipper _shipper;
    Settings _settings;
    LogDiagnostics _diagnostics;

    mutable std::mutex _mutex;
    std::condition_variable _wake;
    std::condition_variable _finishedCondition;
    std::deque<LogRecord> _queue;
    std::size_t _inFlight = 0;
    bool _started = false;
    bool _stopping = false;
    bool _finished = false;
    Clock::time_point _stopDeadline;
    Clock::time_point _retryAt;
    unsigned _consecutiveFailures = 0;
    Poco::UInt64 _shipped = 0;
    Poco::UInt64 _dropped = 0;
    Poco::UInt64 _failures = 0;
    std::atomic<Poco::UInt64> _skipped{0};
    std::thread _thread;
};

} // namespace terrarium

#endif
