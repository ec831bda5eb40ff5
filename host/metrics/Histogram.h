#ifndef Terrarium_Histogram_INCLUDED
#define Terrarium_Histogram_INCLUDED

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace terrarium {

/// A Prometheus histogram with fixed upper bounds; observe() is lock-free and may be called
/// from any thread.
class Histogram
{
public:
    /// Upper bounds in seconds for request latencies: 0.5 ms to 10 s.
    static const std::vector<double>& latencyBuckets();

    /// bounds: strictly increasing upper bounds (the +Inf bucket is implicit).
    explicit Histogram(std::vector<double> bounds = latencyBuckets());

    /// Records one value.
    void observe(double value);

    /// The upper bounds (without +Inf).
    const std::vector<double>& bounds() const { return _bounds; }

    /// Cumulative count of values <= bounds()[i]; i == bounds().size() is the +Inf bucket.
    std::uint64_t cumulative(std::size_t i) const;

    /// Number of values observed.
    std::uint64_t count() const { return _count.load(std::memory_order_relaxed); }

    /// Sum of values observed.
    double sum() const { return _sum.load(std::memory_order_relaxed); }

private:
    std::vector<double> _bounds;
    std::unique_ptr<std::atomic<std::uint64_t>[]> _buckets;   /// per bucket, not cumulative; +Inf last
    std::atomic<std::uint64_t> _count{0};
    std::atomic<double> _sum{0.0};
};

} // namespace terrarium

#endif
