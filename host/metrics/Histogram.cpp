#include "metrics/Histogram.h"

#include <algorithm>
#include <stdexcept>

namespace terrarium {

const std::vector<double>& Histogram::latencyBuckets()
{
    static const std::vector<double> buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};
    return buckets;
}

Histogram::Histogram(std::vector<double> bounds)
    : _bounds(std::move(bounds)), _buckets(new std::atomic<std::uint64_t>[_bounds.size() + 1])
{
    if (!std::is_sorted(_bounds.begin(), _bounds.end()) || std::adjacent_find(_bounds.begin(), _bounds.end()) != _bounds.end())
        throw std::invalid_argument("histogram bounds must be strictly increasing");
    for (std::size_t i = 0; i <= _bounds.size(); ++i) _buckets[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value)
{
    std::size_t i = static_cast<std::size_t>(std::lower_bound(_bounds.begin(), _bounds.end(), value) - _bounds.begin());
    _buckets[i].fetch_add(1, std::memory_order_relaxed);
    _count.fetch_add(1, std::memory_order_relaxed);
    double sum = _sum.load(std::memory_order_relaxed);
    while (!_sum.compare_exchange_weak(sum, sum + value, std::memory_order_relaxed))
    {
    }
}

std::uint64_t Histogram::cumulative(std::size_t i) const
{
    std::uint64_t total = 0;
    for (std::size_t j = 0; j <= i && j <= _bounds.size(); ++j) total += _buckets[j].load(std::memory_order_relaxed);
    return total;
}

} // namespace terrarium
