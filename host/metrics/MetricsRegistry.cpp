#include "metrics/MetricsRegistry.h"

#include <exception>

namespace terrarium {

void MetricsRegistry::add(const std::string& name, Collector collector)
{
    std::lock_guard lock(_mutex);
    _collectors[name] = std::move(collector);
}

void MetricsRegistry::remove(const std::string& name)
{
    std::lock_guard lock(_mutex);
    _collectors.erase(name);
}

std::string MetricsRegistry::render() const
{
    std::map<std::string, Collector> collectors;
    {
        std::lock_guard lock(_mutex);
        collectors = _collectors;
    }
    PrometheusWriter writer;
    std::string failures;
    for (const auto& [name, collector] : collectors)
    {
        try
        {
            collector(writer);
        }
        catch (const std::exception& e)
        {
            failures += "# collector " + name + " failed: " + e.what() + "\n";
        }
    }
    return writer.text() + failures;
}

} // namespace terrarium
