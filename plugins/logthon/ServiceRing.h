// logthon: the bounded ring of one service's entries.
#ifndef Logthon_ServiceRing_INCLUDED
#define Logthon_ServiceRing_INCLUDED

#include "LogEntry.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace logthon {

/// The latest entries of one service, oldest first, at most capacity of them. Not synchronised
/// (LogStore holds its lock).
class ServiceRing
{
public:
    /// An empty ring of capacity entries (at least 1).
    explicit ServiceRing(std::size_t capacity);

    /// Appends entry, evicting the oldest when full; returns the number evicted (0 or 1).
    std::size_t push(EntryPtr entry);

    /// The latest limit entries, appended to out oldest first.
    void latest(std::size_t limit, std::vector<EntryPtr>& out) const;

    /// Removes every entry.
    void clear() { _entries.clear(); }

    /// Entries held.
    std::size_t size() const noexcept { return _entries.size(); }

    /// The most it holds.
    std::size_t capacity() const noexcept { return _capacity; }

    /// True when the next push evicts.
    bool full() const noexcept { return _entries.size() >= _capacity; }

    /// The id of the oldest entry held, or 0 when empty.
    std::uint64_t oldestId() const noexcept { return _entries.empty() ? 0 : _entries.front()->id; }

    /// The entries, oldest first.
    const std::deque<EntryPtr>& entries() const noexcept { return _entries; }

private:
    std::size_t _capacity;
    std::deque<EntryPtr> _entries;
};

} // namespace logthon

#endif
