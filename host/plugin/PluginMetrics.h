#ifndef Terrarium_PluginMetrics_INCLUDED
#define Terrarium_PluginMetrics_INCLUDED

#include "metrics/Histogram.h"
#include "metrics/PrometheusWriter.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

namespace terrarium {

/// The counters, gauges and histograms a plugin records through the host table; they belong to
/// the plugin's slot and outlive generations, so a reload never resets them.
class PluginMetrics
{
public:
    /// Adds delta to counter name (created at first use).
    void add(std::string_view name, std::uint64_t delta);

    /// Sets gauge name (created at first use).
    void set(std::string_view name, double value);

    /// Records value in histogram name (created at first use, latency buckets in seconds).
    void observe(std::string_view name, double value);

    /// A copy of all counters.
    std::map<std::string, std::uint64_t> values() const;

    /// Writes every metric as terrarium_plugin_<plugin>_<name> (counters end in _total).
    void collect(PrometheusWriter& writer, const std::string& plugin) const;

    /// True for a valid metric name: [a-zA-Z_][a-zA-Z0-9_]*, at most 128 characters.
    static bool validName(std::string_view name);

private:
    template <class Value>
    using Table = std::map<std::string, std::unique_ptr<Value>, std::less<>>;

    template <class Value, class Update>
    void update(Table<Value>& table, std::string_view name, Update&& change);

    mutable std::shared_mutex _mutex;
    Table<std::atomic<std::uint64_t>> _counters;
    Table<std::atomic<double>> _gauges;
    Table<Histogram> _histograms;
};

} // namespace terrarium

#endif
