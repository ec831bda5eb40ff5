#ifndef Terrarium_RequestMetrics_INCLUDED
#define Terrarium_RequestMetrics_INCLUDED

#include "metrics/PrometheusWriter.h"
#include "metrics/RouteMetrics.h"

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace terrarium {

/// The request figures of every (listener, route, plugin) served so far; entries live as long as
/// the process so that counters never go backwards across reloads.
class RequestMetrics
{
public:
    /// The figures of one route, created at first use; the reference stays valid.
    RouteMetrics& route(std::string_view listener, std::string_view prefix, std::string_view plugin);

    /// Writes terrarium_requests_total, terrarium_request_duration_seconds and terrarium_requests_in_flight.
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

    mutable std::shared_mutex _mutex;
    std::map<Key, std::unique_ptr<RouteMetrics>, KeyLess> _routes;
};

} // namespace terrarium

#endif
