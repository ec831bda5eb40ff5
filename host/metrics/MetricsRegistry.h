#ifndef Terrarium_MetricsRegistry_INCLUDED
#define Terrarium_MetricsRegistry_INCLUDED

#include "metrics/PrometheusWriter.h"

#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace terrarium {

/// What GET /metrics shows: every component registers a collector that writes its current
/// figures when the page is rendered (pull, so hot paths only touch their own atomics).
class MetricsRegistry
{
public:
    using Collector = std::function<void(PrometheusWriter&)>;

    /// Adds or replaces the collector called name.
    void add(const std::string& name, Collector collector);

    /// Removes the collector called name.
    void remove(const std::string& name);

    /// The whole page in the Prometheus text format; a collector that throws is skipped and named
    /// in a comment line.
    std::string render() const;

private:
    mutable std::mutex _mutex;
    std::map<std::string, Collector> _collectors;
};

} // namespace terrarium

#endif
