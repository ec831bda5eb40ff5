#include "ServiceRing.h"

#include <algorithm>

namespace logthon {

ServiceRing::ServiceRing(std::size_t capacity) : _capacity(std::max<std::size_t>(capacity, 1))
{
}

std::size_t ServiceRing::push(EntryPtr entry)
{
    std::size_t evicted = 0;
    while (_entries.size() >= _capacity)
    {
        _entries.pop_front();
        ++evicted;
    }
    _entries.push_back(std::move(entry));
    return evicted;
}

void ServiceRing::latest(std::size_t limit, std::vector<EntryPtr>& out) const
{
    std::size_t count = std::min(limit, _entries.size());
    out.insert(out.end(), _entries.end() - static_cast<std::ptrdiff_t>(count), _entries.end());
}

} // namespace logthon
