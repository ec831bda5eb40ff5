#include "metrics/RequestMetrics.h"

#include <mutex>

namespace terrarium {

RouteMetrics& RequestMetrics::route(std::string_view listener, std::string_view prefix, std::string_view plugin)
{
    KeyView key(listener, prefix, plugin);
    {
        std::shared_lock lock(_mutex);
        auto found = _routes.find(key);
        if (found != _routes.end()) return *found->second;
    }
    std::unique_lock lock(_mutex);
    auto& slot = _routes[Key(std::string(listener), std::string(prefix), std::string(plugin))];
    if (!slot) slot = std::make_unique<RouteMetrics>();
    return *slot;
}

std::atomic<std::uint64_t>& RequestMetrics::unmatchedCounter(std::string_view listener)
{
    {
        std::shared_lock lock(_mutex);
        auto found = _unmatched.find(listener);
        if (found != _unmatched.end()) return *found->second;
    }
    std::unique_lock lock(_mutex);
    auto& slot = _unmatched[std::string(listener)];
    if (!slot) slot = std::make_unique<std::atomic<std::uint64_t>>(0);
    return *slot;
}

void RequestMetrics::unmatched(std::string_view listener)
{
    unmatchedCounter(listener).fetch_add(1, std::memory_order_relaxed);
}

void RequestMetrics::declareListener(std::string_view listener)
{
    unmatchedCounter(listener);
}

std::uint64_t RequestMetrics::unmatchedCount(std::string_view listener) const
{
    std::shared_lock lock(_mutex);
    auto found = _unmatched.find(listener);
    return found == _unmatched.end() ? 0 : found->second->load(std::memory_order_relaxed);
}

void RequestMetrics::collect(PrometheusWriter& writer) const
{
    static const char* const classes[] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
    std::shared_lock lock(_mutex);
    writer.family("terrarium_requests_total", "counter", "Requests answered, by listener, route, plugin and status class.");
    for (const auto& [key, route] : _routes)
    {
        for (std::size_t cls = 0; cls < 6; ++cls)
        {
            std::uint64_t count = route->answered(cls);
            if (count == 0 && cls != 2) continue;
            writer.sample("terrarium_requests_total",
                          {{"listener", std::get<0>(key)}, {"route", std::get<1>(key)}, {"plugin", std::get<2>(key)}, {"code", classes[cls]}},
                          count);
        }
    }
    writer.family("terrarium_request_duration_seconds", "histogram", "Time from routing to the plugin's answer.");
    for (const auto& [key, route] : _routes)
        writer.histogram("terrarium_request_duration_seconds",
                         {{"listener", std::get<0>(key)}, {"route", std::get<1>(key)}, {"plugin", std::get<2>(key)}}, route->latency());
    writer.family("terrarium_requests_in_flight", "gauge", "Requests being served now.");
    for (const auto& [key, route] : _routes)
        writer.sample("terrarium_requests_in_flight",
                      {{"listener", std::get<0>(key)}, {"route", std::get<1>(key)}, {"plugin", std::get<2>(key)}},
                      static_cast<double>(route->inFlight()));
    writer.family("terrarium_requests_unmatched_total", "counter", "Requests that matched no route (answered 404), by listener.");
    for (const auto& [listener, count] : _unmatched)
        writer.sample("terrarium_requests_unmatched_total", {{"listener", listener}}, count->load(std::memory_order_relaxed));
}

} // namespace terrarium
