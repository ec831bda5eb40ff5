#include "PersistenceWriter.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

namespace logthon {

namespace {

/// A round starts this long after the first entry arrived, so that one transaction takes what
/// came meanwhile (group commit: few wake-ups and transactions at any rate of ingestion)...
constexpr std::chrono::milliseconds gatherInterval(10);
/// ... unless this many entries are waiting already, or someone waits in flush().
constexpr std::size_t gatherLimit = 10000;
/// After a failed round, the next try comes this much later (sooner for flush() and at stop).
constexpr std::chrono::milliseconds retryInterval(1000);

} // namespace

PersistenceWriter::PersistenceWriter(std::unique_ptr<LogDatabase> database, std::function<std::uint64_t(const std::string&)> keepFrom,
                                     std::function<std::uint64_t()> lastId, std::size_t queueLimit, const terrarium::Host& host)
    : _database(std::move(database)), _keepFrom(std::move(keepFrom)), _lastId(std::move(lastId)), _queueLimit(queueLimit), _host(host)
{
    _thread = std::thread(&PersistenceWriter::run, this);
}

PersistenceWriter::~PersistenceWriter()
{
    {
        std::lock_guard lock(_mutex);
        _stopping = true;
    }
    _work.notify_one();
    _thread.join();
}

void PersistenceWriter::added(const std::vector<EntryPtr>& entries)
{
    bool wake = false;
    {
        std::lock_guard lock(_mutex);
        std::size_t room = _added.size() < _queueLimit ? _queueLimit - _added.size() : 0;
        std::size_t taken = std::min(room, entries.size());
        const std::size_t before = _added.size();
        _added.insert(_added.end(), entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(taken));
        _stats.dropped += entries.size() - taken;
        if (taken > 0) ++_queuedRounds;
        wake = taken > 0 && (before == 0 || (before < gatherLimit && _added.size() >= gatherLimit));
    }
    if (wake) _work.notify_one();
}

void PersistenceWriter::cleared(const std::string& service, std::uint64_t upToId)
{
    {
        std::lock_guard lock(_mutex);
        _clears.push_back(LogDatabase::Clear{service, upToId});
        ++_queuedRounds;
    }
    _work.notify_one();
}

void PersistenceWriter::prune(const std::vector<std::string>& services)
{
    {
        std::lock_guard lock(_mutex);
        _prunes.insert(_prunes.end(), services.begin(), services.end());
        ++_queuedRounds;
    }
    _work.notify_one();
}

void PersistenceWriter::flush()
{
    std::unique_lock lock(_mutex);
    const std::uint64_t target = _queuedRounds;
    ++_flushWaiters;
    _work.notify_one();
    _done.wait(lock, [&] { return _writtenRounds >= target; });
    --_flushWaiters;
}

PersistenceWriter::Stats PersistenceWriter::stats() const
{
    std::lock_guard lock(_mutex);
    Stats stats = _stats;
    stats.queued = _added.size();
    return stats;
}

void PersistenceWriter::run()
{
    std::unique_lock lock(_mutex);
    for (;;)
    {
        _work.wait(lock, [this] { return _stopping || _writtenRounds < _queuedRounds; });
        if (_writtenRounds >= _queuedRounds)
        {
            if (_stopping) break;
            continue;
        }
        if (!_stopping && _flushWaiters == 0 && _added.size() < gatherLimit)
            _work.wait_for(lock, gatherInterval, [this] { return _stopping || _flushWaiters > 0 || _added.size() >= gatherLimit; });
        const std::uint64_t round = _queuedRounds;
        std::vector<EntryPtr> added;
        std::vector<LogDatabase::Clear> clears;
        std::vector<std::string> prunes;
        added.swap(_added);
        clears.swap(_clears);
        prunes.swap(_prunes);
        lock.unlock();

        std::set<std::string> services(prunes.begin(), prunes.end());
        for (const auto& entry : added) services.insert(entry->service);
        std::map<std::string, std::uint64_t> keepFrom;
        for (const auto& service : services)
            if (std::uint64_t oldest = _keepFrom(service)) keepFrom.emplace(service, oldest);
        std::string error;
        try
        {
            _database->write(added, clears, keepFrom, _lastId());
        }
        catch (const std::exception& e)
        {
            error = e.what();
        }
        if (!error.empty())
            _host.log(terrarium::LogLevel::Error, "persisting log entries failed; they stay in memory and are written again later",
                      {{"database", _database->path()}, {"error", error}, {"entries", std::to_string(added.size())}});
        _host.count(error.empty() ? "entries_persisted" : "persistence_failures", error.empty() ? added.size() : 1);

        lock.lock();
        _writtenRounds = round;
        _done.notify_all();
        if (error.empty())
        {
            _stats.persisted += added.size();
            _stats.healthy = true;
            continue;
        }
        ++_stats.failures;
        _stats.healthy = false;
        _stats.lastError = error;
        if (_stopping)
        {
            _stats.dropped += added.size();
            continue;
        }
        requeue(std::move(added), std::move(clears), std::move(prunes));
        _work.wait_for(lock, retryInterval, [this] { return _stopping || _flushWaiters > 0; });
    }
}

void PersistenceWriter::requeue(std::vector<EntryPtr> added, std::vector<LogDatabase::Clear> clears, std::vector<std::string> prunes)
{
    std::size_t room = _queueLimit > _added.size() ? _queueLimit - _added.size() : 0;
    if (added.size() > room)
    {
        _stats.dropped += added.size() - room;
        added.erase(added.begin(), added.end() - static_cast<std::ptrdiff_t>(room));
    }
    _added.insert(_added.begin(), added.begin(), added.end());
    _clears.insert(_clears.begin(), clears.begin(), clears.end());
    _prunes.insert(_prunes.begin(), prunes.begin(), prunes.end());
    ++_queuedRounds;
}

} // namespace logthon
