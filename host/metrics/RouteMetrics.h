#ifndef Terrarium_RouteMetrics_INCLUDED
#define Terrarium_RouteMetrics_INCLUDED

#include "metrics/Histogram.h"

#include <array>
#include <atomic>
#include <cstdint>

namespace terrarium {

/// Request figures of one route of one plugin: answers by status class, latency, in flight.
class RouteMetrics
{
public:
    /// A request started.
    void begin() { _inFlight.fetch_add(1, std::memory_order_relaxed); }

    /// A request that began ended with status after seconds.
    void end(int status, double seconds)
    {
        _inFlight.fetch_sub(1, std::memory_order_relaxed);
        std::size_t cls = static_cast<std::size_t>(status / 100);
        _byClass[cls >= 1 && cls <= 5 ? cls : 0].fetch_add(1, std::memory_order_relaxed);
        _latency.observe(seconds);
    }

    /// Answers of status class 1..5 (0: anything else).
    std::uint64_t answered(std::size_t statusClass) const { return _byClass[statusClass].load(std::memory_order_relaxed); }

    /// Requests running now.
    std::int64_t inFlight() const { return _inFlight.load(std::memory_order_relaxed); }

    const Histogram& latency() const { return _latency; }

private:
    std::array<std::atomic<std::uint64_t>, 6> _byClass{};
    std::atomic<std::int64_t> _inFlight{0};
    Histogram _latency;
};

} // namespace terrarium

#endif
