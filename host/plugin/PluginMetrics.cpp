#include "plugin/PluginMetrics.h"

#include <mutex>

namespace terrarium {

template <class Value, class Update>
void PluginMetrics::update(Table<Value>& table, std::string_view name, Update&& change)
{
    {
        std::shared_lock lock(_mutex);
        auto it = table.find(name);
        if (it != table.end())
        {
            change(*it->second);
            return;
        }
    }
    std::unique_lock lock(_mutex);
    auto& slot = table[std::string(name)];
    if (!slot) slot = std::make_unique<Value>();
    change(*slot);
}

void PluginMetrics::add(std::string_view name, std::uint64_t delta)
{
    update(_counters, name, [&](std::atomic<std::uint64_t>& counter) { counter.fetch_add(delta, std::memory_order_relaxed); });
}

void PluginMetrics::set(std::string_view name, double value)
{
    update(_gauges, name, [&](std::atomic<double>& gauge) { gauge.store(value, std::memory_order_relaxed); });
}

void PluginMetrics::observe(std::string_view name, double value)
{
    update(_histograms, name, [&](Histogram& histogram) { histogram.observe(value); });
}

std::map<std::string, std::uint64_t> PluginMetrics::values() const
{
    std::shared_lock lock(_mutex);
    std::map<std::string, std::uint64_t> out;
    for (const auto& [name, value] : _counters) out[name] = value->load(std::memory_order_relaxed);
    return out;
}

void PluginMetrics::collect(PrometheusWriter& writer, const std::string& plugin) const
{
    const std::string prefix = PrometheusWriter::metricName("terrarium_plugin_" + plugin + "_");
    const std::string help = "Recorded by plugin '" + plugin + "'.";
    std::shared_lock lock(_mutex);
    for (const auto& [name, value] : _counters)
    {
        std::string metric = prefix + name;
        if (metric.size() < 6 || metric.compare(metric.size() - 6, 6, "_total") != 0) metric += "_total";
        writer.family(metric, "counter", help);
        writer.sample(metric, {}, value->load(std::memory_order_relaxed));
    }
    for (const auto& [name, value] : _gauges)
    {
        writer.family(prefix + name, "gauge", help);
        writer.sample(prefix + name, {}, value->load(std::memory_order_relaxed));
    }
    for (const auto& [name, histogram] : _histograms)
    {
        writer.family(prefix + name, "histogram", help);
        writer.histogram(prefix + name, {}, *histogram);
    }
}

bool PluginMetrics::validName(std::string_view name)
{
    if (name.empty() || name.size() > 128) return false;
    for (std::size_t i = 0; i < name.size(); ++i)
    {
        char c = name[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        bool digit = c >= '0' && c <= '9';
        if (!(alpha || (i > 0 && digit))) return false;
    }
    return true;
}

} // namespace terrarium
