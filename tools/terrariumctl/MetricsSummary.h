#ifndef TerrariumCtl_MetricsSummary_INCLUDED
#define TerrariumCtl_MetricsSummary_INCLUDED

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <string>

namespace terrarium::ctl {

/// Requests per plugin from the host's Prometheus page (terrarium_requests_total by plugin and
/// status class), and the rates between two pages.
class MetricsSummary
{
public:
    /// The answered requests of one plugin.
    struct Counts
    {
        std::uint64_t total = 0;
        std::uint64_t clientErrors = 0;   /// 4xx
        std::uint64_t serverErrors = 0;   /// 5xx
    };

    /// Sums terrarium_requests_total of page by its plugin label (routes without one under "-").
    static MetricsSummary parse(const std::string& page);

    /// The table for people: plugin, requests, requests/s, 4xx, 5xx, error share; rates
    /// against earlier over seconds (seconds 0: no rate columns).
    std::string text(const MetricsSummary* earlier, double seconds) const;

    /// {"interval_s": s, "plugins": {"echo": {"requests", "requests_per_s", "4xx", "5xx", "errors_per_s"}}}.
    Poco::JSON::Object::Ptr json(const MetricsSummary* earlier, double seconds) const;

    const std::map<std::string, Counts>& plugins() const { return _plugins; }

private:
    static double rate(std::uint64_t now, std::uint64_t before, double seconds);

    std::map<std::string, Counts> _plugins;
};

} // namespace terrarium::ctl

#endif
