#ifndef Terrarium_ConfigReloadMetrics_INCLUDED
#define Terrarium_ConfigReloadMetrics_INCLUDED

#include "metrics/PrometheusWriter.h"

#include <Poco/Timestamp.h>

#include <atomic>
#include <cstdint>

namespace terrarium {

/// How reading the configuration again (SIGHUP) went: reloads that took effect, files that did
/// not load (the running configuration stayed), whether the last try worked and when a
/// configuration was last loaded successfully. Thread-safe.
class ConfigReloadMetrics
{
public:
    /// The configuration the process started with was loaded at loadedAt.
    explicit ConfigReloadMetrics(Poco::Timestamp loadedAt = Poco::Timestamp());

    /// A reload read and applied the file now.
    void succeeded();

    /// A reload found a file that does not load; the running configuration stays.
    void failed();

    /// Reloads that took effect so far.
    std::uint64_t successes() const { return _successes.load(std::memory_order_relaxed); }

    /// Reloads refused so far.
    std::uint64_t failures() const { return _failures.load(std::memory_order_relaxed); }

    /// Microseconds since the epoch of the last successful load (start-up or reload).
    Poco::Timestamp::TimeVal lastSuccess() const { return _lastSuccess.load(std::memory_order_relaxed); }

    /// Writes terrarium_config_reloads_total{result}, terrarium_config_last_reload_successful and
    /// terrarium_config_last_load_success_timestamp_seconds.
    void collect(PrometheusWriter& writer) const;

private:
    std::atomic<std::uint64_t> _successes{0};
    std::atomic<std::uint64_t> _failures{0};
    std::atomic<bool> _lastOk{true};
    std::atomic<Poco::Timestamp::TimeVal> _lastSuccess;
};

} // namespace terrarium

#endif
