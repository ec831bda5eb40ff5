#ifndef Terrarium_RequestMetrics_INCLUDED
#define Terrarium_RequestMetrics_INCLUDED

#include "metrics/PrometheusWriter.h"
#include "metrics/RouteMetrics.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace terrarium {

/// The request figures of every (listener, route, plugin) served so far, and of the requests of
/// each listener that matched no route; entries live as long as the process so that counters
/// never go backwards across reloads.
class RequestMetrics
{
public:
    /// The figures of one route, created at first use; the reference stays valid.
    RouteMetrics& route(std::string_view listener, std::string_view prefix, std::string_view plugin);

    /// Counts a request on listener that matched no route.
    void unmatched(std::string_view listener);

    /// Shows listener's unmatched count (at 0) before its first unmatched request.
    void declareListener(std::string_view listener);

    /// Requests on listener that matched no route so far.
    std::uint64_t unmatchedCount(std::string_view listener) const;

    /// Writes terrarium_requests_total, terrarium_request_duration_seconds, terrarium_requests_in_flight
    /// and terrarium_requests_unmatched_total.
    void collect(PrometheusWriter& writer) const;

private:
    using Key = std::tuple<std::string, std::string, std::string>;
    using KeyView = std::tuple<std::string_view, std::string_view, std::string_view>;

    /// Orders keys and key views alike, so lookups need no string copies.
    struct KeyLess
    {
        using is_transparent = void;
        static KeyView view(const Key& key) { return KeyView(std::get<0>(key), std::get<1>(key), std::get<2>(key)); }
        static const KeyView& view(const KeyView& key) { return key; }
        template <class A, class B>
        bool operator()(const A& a, const B& b) const { return view(a) < view(b); }
    };

    std::atomic<std::uint64_t>& unmatchedCounter(std::string_view listener);

    mutable std::shared_mutex _mutex;
    std::map<Key, std::unique_ptr<RouteMetrics>, KeyLess> _routes;
    std::map<std::string, std::unique_ptr<std::atomic<std::uint64_t>>, std::less<>> _unmatched;
};

} // namespace terrarium

#endif
