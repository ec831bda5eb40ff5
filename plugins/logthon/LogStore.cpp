#include "LogStore.h"

#include <algorithm>

namespace logthon {

namespace {

bool byId(const EntryPtr& a, const EntryPtr& b) { return a->id < b->id; }

} // namespace

LogStore::LogStore(std::function<std::size_t(const std::string&)> capacityOf) : _capacityOf(std::move(capacityOf))
{
}

void LogStore::setListeners(Listeners listeners)
{
    std::lock_guard lock(_mutex);
    _listeners = std::move(listeners);
}

ServiceRing& LogStore::ringOf(const std::string& service)
{
    auto found = _rings.find(service);
    if (found != _rings.end()) return found->second;
    return _rings.emplace(service, ServiceRing(_capacityOf(service))).first->second;
}

std::vector<EntryPtr> LogStore::append(const std::vector<IncomingRecord>& records, const std::string& timestamp)
{
    std::vector<std::string> tails;
    tails.reserve(records.size());
    for (const auto& record : records) tails.push_back(record.entryTail(timestamp));

    std::vector<EntryPtr> entries;
    entries.reserve(records.size());
    std::lock_guard lock(_mutex);
    for (std::size_t i = 0; i < records.size(); ++i)
    {
        auto entry = std::make_shared<LogEntry>();
        entry->id = ++_lastId;
        entry->service = records[i].service;
        entry->json.reserve(tails[i].size() + 28);
        entry->json += "{\"id\":";
        entry->json += std::to_string(entry->id);
        entry->json += tails[i];
        _evicted += ringOf(entry->service).push(entry);
        entries.push_back(std::move(entry));
    }
    if (_listeners.added) _listeners.added(entries);
    return entries;
}

void LogStore::collectLatest(const std::string& service, std::size_t limit, std::vector<EntryPtr>& out) const
{
    if (!service.empty())
    {
        auto found = _rings.find(service);
        if (found != _rings.end()) found->second.latest(limit, out);
        return;
    }
    for (const auto& ring : _rings) ring.second.latest(limit, out);
    if (_rings.size() > 1)
    {
        std::sort(out.begin(), out.end(), byId);
        if (out.size() > limit) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(limit));
    }
}

std::vector<EntryPtr> LogStore::latest(const std::string& service, std::size_t limit) const
{
    std::vector<EntryPtr> out;
    std::lock_guard lock(_mutex);
    collectLatest(service, limit, out);
    return out;
}

void LogStore::latestThen(std::size_t limit, const std::function<void(const std::vector<EntryPtr>&, std::uint64_t)>& whileLocked) const
{
    std::vector<EntryPtr> out;
    std::lock_guard lock(_mutex);
    collectLatest(std::string(), limit, out);
    whileLocked(out, _lastId);
}

std::size_t LogStore::clear(const std::string& service)
{
    std::size_t removed = 0;
    std::lock_guard lock(_mutex);
    if (service.empty())
    {
        for (const auto& ring : _rings) removed += ring.second.size();
        _rings.clear();
    }
    else
    {
        auto found = _rings.find(service);
        if (found != _rings.end())
        {
            removed = found->second.size();
            _rings.erase(found);
        }
    }
    if (_listeners.cleared) _listeners.cleared(service, _lastId);
    return removed;
}

std::map<std::string, std::size_t> LogStore::counts() const
{
    std::map<std::string, std::size_t> counts;
    std::lock_guard lock(_mutex);
    for (const auto& ring : _rings) counts.emplace(ring.first, ring.second.size());
    return counts;
}

std::vector<LogStore::ServiceInfo> LogStore::info() const
{
    std::vector<ServiceInfo> info;
    std::lock_guard lock(_mutex);
    for (const auto& ring : _rings) info.push_back(ServiceInfo{ring.first, ring.second.size(), ring.second.capacity(), ring.second.full()});
    return info;
}

std::uint64_t LogStore::oldestId(const std::string& service) const
{
    std::lock_guard lock(_mutex);
    auto found = _rings.find(service);
    return found == _rings.end() ? 0 : found->second.oldestId();
}

std::uint64_t LogStore::lastId() const
{
    std::lock_guard lock(_mutex);
    return _lastId;
}

std::uint64_t LogStore::evicted() const
{
    std::lock_guard lock(_mutex);
    return _evicted;
}

std::vector<EntryPtr> LogStore::all() const
{
    std::vector<EntryPtr> out;
    std::lock_guard lock(_mutex);
    for (const auto& ring : _rings) out.insert(out.end(), ring.second.entries().begin(), ring.second.entries().end());
    std::sort(out.begin(), out.end(), byId);
    return out;
}

void LogStore::replace(const std::vector<EntryPtr>& entries, std::uint64_t lastId)
{
    std::lock_guard lock(_mutex);
    _rings.clear();
    _lastId = lastId;
    for (const auto& entry : entries)
    {
        ringOf(entry->service).push(entry);
        _lastId = std::max(_lastId, entry->id);
    }
}

} // namespace logthon
