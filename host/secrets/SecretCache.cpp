#include "secrets/SecretCache.h"

#include "secrets/SecretPath.h"
#include "secrets/SecretValues.h"

#include <Poco/Clock.h>
#include <Poco/Exception.h>
#include <Poco/Message.h>

#include <algorithm>
#include <chrono>
#include <limits>

namespace terrarium {

namespace {

const Poco::Int64 WARNING_INTERVAL = Poco::Int64(60) * 1000 * 1000;
const Poco::Int64 MAX_TICK = Poco::Int64(1000) * 1000;
const Poco::Int64 MIN_TICK = Poco::Int64(10) * 1000;

/// t + span, saturating (configured durations may be near the Int64 limit).
Poco::Int64 later(Poco::Int64 t, Poco::Int64 span)
{
    if (span > 0 && t > std::numeric_limits<Poco::Int64>::max() - span)
        return std::numeric_limits<Poco::Int64>::max();
    return t + span;
}

Poco::Int64 micros(const Poco::Timespan& span)
{
    return std::max<Poco::Int64>(0, span.totalMicroseconds());
}

/// "250 ms" below 10 s, else "42 s".
std::string duration(Poco::Int64 microseconds)
{
    if (microseconds < Poco::Int64(10) * 1000 * 1000)
        return std::to_string(microseconds / 1000) + " ms";
    return std::to_string(microseconds / (1000 * 1000)) + " s";
}

SecretLookup failed(SecretOutcome outcome, std::string message)
{
    SecretLookup lookup;
    lookup.outcome = outcome;
    lookup.message = std::move(message);
    return lookup;
}

} // namespace

SecretCache::Settings SecretCache::Settings::fromConfig(const SecretsConfig& config)
{
    Settings settings;
    settings.ttl = config.ttl;
    settings.refreshAhead = config.refreshAhead;
    settings.maxStale = config.maxStale;
    settings.negativeTtl = config.negativeTtl;
    return settings;
}

SecretCache::SecretCache(std::unique_ptr<SecretProvider> provider, Settings settings, SecretClock clock) :
    _provider(std::move(provider)),
    _settings(settings),
    _clock(clock ? std::move(clock) : SecretClock([] { return Poco::Clock().raw(); })),
    _ttl(micros(settings.ttl)),
    _refreshAhead(std::min(micros(settings.refreshAhead), _ttl / 2)),
    _maxStale(micros(settings.maxStale)),
    _negativeTtl(micros(settings.negativeTtl))
{
    if (!_provider)
        throw Poco::InvalidArgumentException("SecretCache: no secret provider given");
    _providerName = _provider->name();
}

SecretCache::~SecretCache()
{
    stop();
    std::unique_lock<std::shared_mutex> lock(_mutex);
    _entries.clear();
}

void SecretCache::start()
{
    std::lock_guard<std::mutex> guard(_threadMutex);
    if (_thread.joinable())
        return;
    {
        std::lock_guard<std::mutex> lock(_wakeMutex);
        _stopRequested = false;
        _wakeRequested = false;
    }
    _running = true;
    _thread = std::thread([this] { refreshLoop(); });
}

void SecretCache::stop()
{
    std::lock_guard<std::mutex> guard(_threadMutex);
    if (!_thread.joinable())
        return;
    {
        std::lock_guard<std::mutex> lock(_wakeMutex);
        _stopRequested = true;
    }
    _running = false;
    _wakeCondition.notify_all();
    _thread.join();
}

bool SecretCache::running() const
{
    return _running;
}

SecretLookup SecretCache::get(const std::string& path, const std::string& key)
{
    try
    {
        return lookup(path, key);
    }
    catch (const std::exception& error)
    {
        return failed(SecretOutcome::Unavailable, "secret cache: internal error for secret path '" + path + "': " + error.what());
    }
    catch (...)
    {
        return failed(SecretOutcome::Unavailable, "secret cache: internal error for secret path '" + path + "'");
    }
}

SecretLookup SecretCache::lookup(const std::string& path, const std::string& key)
{
    const std::string invalidPath = SecretPath::check(path);
    if (!invalidPath.empty())
        return failed(SecretOutcome::Invalid, invalidPath);
    const std::string invalidKey = SecretPath::checkKey(key);
    if (!invalidKey.empty())
        return failed(SecretOutcome::Invalid, invalidKey + " (secret path '" + path + "')");
    const std::string canonical = _provider->canonicalKey(key);
    const Poco::Int64 now = _clock();
    PathAnswer answer;
    {
        std::shared_lock<std::shared_mutex> lock(_mutex);
        auto found = _entries.find(path);
        if (found != _entries.end() && freshAnswer(found->second, now, answer))
        {
            Entry& entry = found->second;
            if (!entry.used.load(std::memory_order_relaxed))
                entry.used.store(true, std::memory_order_relaxed);
            _hits.fetch_add(1, std::memory_order_relaxed);
            const bool wakeNow = _running && due(entry, now) && !entry.wakeSent.exchange(true);
            lock.unlock();
            if (wakeNow)
                wake();
            return pick(path, key, canonical, answer);
        }
    }
    Notes notes;
    std::shared_ptr<Flight> flight;
    bool leader = false;
    bool wakeNow = false;
    {
        std::unique_lock<std::shared_mutex> lock(_mutex);
        Entry& entry = _entries.try_emplace(path).first->second;
        entry.used = true;
        if (freshAnswer(entry, now, answer))
        {
            _hits.fetch_add(1, std::memory_order_relaxed);
            lock.unlock();
            return pick(path, key, canonical, answer);
        }
        _misses.fetch_add(1, std::memory_order_relaxed);
        if (entry.values && entry.failing && now <= later(entry.expiresAt, _maxStale) && (_running || now < entry.retryAt))
        {
            answer = staleOrUnavailable(path, entry, now, notes);
            wakeNow = _running && due(entry, now) && !entry.wakeSent.exchange(true);
        }
        else if (entry.flight)
        {
            flight = entry.flight;
        }
        else
        {
            flight = std::make_shared<Flight>();
            entry.flight = flight;
            leader = true;
        }
    }
    if (wakeNow)
        wake();
    log(notes);
    if (leader)
    {
        answer = runFlight(path, flight, false);
    }
    else if (flight)
    {
        std::unique_lock<std::mutex> lock(flight->mutex);
        flight->done.wait(lock, [&] { return flight->finished; });
        answer = flight->answer;
    }
    return pick(path, key, canonical, answer);
}

SecretLookup SecretCache::pick(const std::string& path, const std::string& key, const std::string& canonical, const PathAnswer& answer)
{
    if (answer.outcome != SecretOutcome::Found || !answer.values)
        return failed(answer.outcome == SecretOutcome::Found ? SecretOutcome::Unavailable : answer.outcome, answer.message);
    auto found = answer.values->find(canonical);
    if (found == answer.values->end())
        return failed(SecretOutcome::NotFound, "secret path '" + path + "' has no key '" + key + "'"
            + (canonical != key ? " (looked up as '" + canonical + "')" : std::string())
            + (answer.stale ? " in its stale cached value" : std::string()));
    SecretLookup lookup;
    lookup.outcome = SecretOutcome::Found;
    lookup.value.assign(found->second.data(), found->second.size());
    lookup.stale = answer.stale;
    lookup.message = answer.message;
    if (answer.stale)
        _staleServes.fetch_add(1, std::memory_order_relaxed);
    return lookup;
}

bool SecretCache::freshAnswer(const Entry& entry, Poco::Int64 now, PathAnswer& answer) const
{
    if (entry.values && now < entry.expiresAt)
    {
        answer.outcome = SecretOutcome::Found;
        answer.values = entry.values;
        return true;
    }
    if (entry.refusal != SecretOutcome::Found && now < entry.refusalUntil)
    {
        answer.outcome = entry.refusal;
        answer.message = entry.message;
        return true;
    }
    return false;
}

bool SecretCache::due(const Entry& entry, Poco::Int64 now) const
{
    if (!entry.values || entry.flight || !entry.used.load(std::memory_order_relaxed))
        return false;
    if (now > later(entry.expiresAt, _maxStale))
        return false;
    return entry.failing ? now >= entry.retryAt : now >= entry.expiresAt - _refreshAhead;
}

bool SecretCache::evictable(const Entry& entry, Poco::Int64 now) const
{
    if (entry.flight)
        return false;
    if (entry.values)
        return now > later(entry.expiresAt, _maxStale);
    if (entry.refusal != SecretOutcome::Found)
        return now >= entry.refusalUntil;
    return true;
}

SecretCache::PathAnswer SecretCache::staleOrUnavailable(const std::string& path, Entry& entry, Poco::Int64 now, Notes& notes) const
{
    PathAnswer answer;
    const bool warnNow = !entry.warned || now - entry.warnedAt >= WARNING_INTERVAL;
    if (entry.values && now <= later(entry.expiresAt, _maxStale))
    {
        const std::string past = duration(now - entry.expiresAt);
        answer.outcome = SecretOutcome::Found;
        answer.values = entry.values;
        answer.stale = true;
        answer.message = "stale: the " + _providerName + " provider is unavailable (" + entry.message + "); value read "
            + duration(now - entry.readAt) + " ago, " + past + " past its ttl";
        if (warnNow)
            notes.emplace_back(Poco::Message::PRIO_WARNING, "secret path '" + path + "': serving the cached value " + past
                + " past its ttl because the " + _providerName + " provider is unavailable: " + entry.message);
    }
    else if (entry.values)
    {
        answer.message = "secret path '" + path + "': the " + _providerName + " provider is unavailable (" + entry.message
            + ") and the cached value expired " + duration(now - entry.expiresAt) + " ago, longer than max stale ("
            + duration(_maxStale) + ")";
        if (warnNow)
            notes.emplace_back(Poco::Message::PRIO_WARNING, answer.message);
    }
    else
    {
        answer.message = entry.message;
    }
    if (warnNow && entry.values)
    {
        entry.warned = true;
        entry.warnedAt = now;
    }
    return answer;
}

SecretCache::PathAnswer SecretCache::apply(const std::string& path, Entry& entry, SecretRead read, Poco::Int64 now, Notes& notes) const
{
    entry.used = false;
    entry.wakeSent = false;
    PathAnswer answer;
    switch (read.outcome)
    {
    case SecretOutcome::Found:
        if (entry.failing && entry.values)
            notes.emplace_back(Poco::Message::PRIO_INFORMATION, "secret path '" + path + "': the " + _providerName
                + " provider answers again; the cached value is current");
        entry.values = share(read.values);
        entry.readAt = now;
        entry.expiresAt = later(now, _ttl);
        entry.refusal = SecretOutcome::Found;
        entry.refusalUntil = 0;
        entry.message.clear();
        entry.failing = false;
        entry.warned = false;
        answer.outcome = SecretOutcome::Found;
        answer.values = entry.values;
        return answer;
    case SecretOutcome::NotFound:
    case SecretOutcome::Forbidden:
    case SecretOutcome::Invalid:
        if (entry.values)
            notes.emplace_back(Poco::Message::PRIO_INFORMATION, "secret path '" + path + "': the " + _providerName
                + " provider now answers " + secretOutcomeName(read.outcome) + " (" + read.message + "); the cached value is dropped");
        entry.values.reset();
        entry.refusal = read.outcome;
        entry.refusalUntil = later(now, _negativeTtl);
        entry.message = read.message;
        entry.failing = false;
        entry.warned = false;
        answer.outcome = read.outcome;
        answer.message = read.message;
        return answer;
    case SecretOutcome::Unavailable:
        break;
    }
    entry.failing = true;
    entry.retryAt = later(now, _negativeTtl);
    entry.message = read.message.empty() ? "the " + _providerName + " provider did not say why" : read.message;
    if (entry.values && now < entry.expiresAt)
    {
        answer.outcome = SecretOutcome::Found;
        answer.values = entry.values;
        return answer;
    }
    return staleOrUnavailable(path, entry, now, notes);
}

SecretCache::PathAnswer SecretCache::runFlight(const std::string& path, const std::shared_ptr<Flight>& flight, bool background)
{
    SecretRead read = readProvider(path);
    if (background)
        _refreshes.fetch_add(1, std::memory_order_relaxed);
    if (read.outcome == SecretOutcome::Unavailable)
        _providerErrors.fetch_add(1, std::memory_order_relaxed);
    const Poco::Int64 now = _clock();
    Notes notes;
    PathAnswer answer;
    {
        std::unique_lock<std::shared_mutex> lock(_mutex);
        Entry& entry = _entries.try_emplace(path).first->second;
        try
        {
            answer = apply(path, entry, std::move(read), now, notes);
        }
        catch (const std::exception& error)
        {
            answer = PathAnswer();
            answer.message = "secret cache: internal error for secret path '" + path + "': " + error.what();
        }
        if (entry.flight == flight)
            entry.flight.reset();
    }
    SecretValues::wipe(read.values);
    {
        std::lock_guard<std::mutex> lock(flight->mutex);
        flight->answer = answer;
        flight->finished = true;
    }
    flight->done.notify_all();
    log(notes);
    return answer;
}

SecretRead SecretCache::readProvider(const std::string& path)
{
    try
    {
        return _provider->read(path);
    }
    catch (const std::exception& error)
    {
        return SecretRead::failure(SecretOutcome::Unavailable,
            "the " + _providerName + " provider failed reading secret path '" + path + "': " + error.what());
    }
    catch (...)
    {
        return SecretRead::failure(SecretOutcome::Unavailable,
            "the " + _providerName + " provider failed reading secret path '" + path + "' with an unknown exception");
    }
}

void SecretCache::refreshDue()
{
    const Poco::Int64 now = _clock();
    std::vector<std::string> paths;
    {
        std::unique_lock<std::shared_mutex> lock(_mutex);
        for (auto entry = _entries.begin(); entry != _entries.end();)
        {
            if (evictable(entry->second, now))
            {
                entry = _entries.erase(entry);
                continue;
            }
            if (due(entry->second, now))
                paths.push_back(entry->first);
            ++entry;
        }
    }
    for (const std::string& path : paths)
    {
        {
            std::lock_guard<std::mutex> lock(_wakeMutex);
            if (_stopRequested)
                return;
        }
        std::shared_ptr<Flight> flight;
        {
            std::unique_lock<std::shared_mutex> lock(_mutex);
            auto found = _entries.find(path);
            if (found == _entries.end() || !due(found->second, _clock()))
                continue;
            flight = std::make_shared<Flight>();
            found->second.flight = flight;
        }
        runFlight(path, flight, true);
    }
}

SecretCacheStats SecretCache::stats() const
{
    SecretCacheStats stats;
    stats.hits = _hits.load();
    stats.misses = _misses.load();
    stats.staleServes = _staleServes.load();
    stats.providerErrors = _providerErrors.load();
    stats.refreshes = _refreshes.load();
    {
        std::shared_lock<std::shared_mutex> lock(_mutex);
        stats.entries = _entries.size();
    }
    stats.provider = _providerName;
    return stats;
}

const SecretProvider& SecretCache::provider() const
{
    return *_provider;
}

const SecretCache::Settings& SecretCache::settings() const
{
    return _settings;
}

SecretCache::ValuesPtr SecretCache::share(std::map<std::string, std::string>& values)
{
    auto held = std::make_shared<Values>();
    for (const auto& [key, value] : values) held->emplace(key, secretCopy(value));
    SecretValues::wipe(values);
    return held;   // SecretMemory zeroes each value's pages when they are released
}

void SecretCache::wake()
{
    {
        std::lock_guard<std::mutex> lock(_wakeMutex);
        _wakeRequested = true;
    }
    _wakeCondition.notify_one();
}

void SecretCache::refreshLoop()
{
    Poco::Int64 tick = MAX_TICK;
    if (_refreshAhead > 0 && _refreshAhead / 4 < MAX_TICK)
        tick = std::max(MIN_TICK, _refreshAhead / 4);
    for (;;)
    {
        {
            std::unique_lock<std::mutex> lock(_wakeMutex);
            _wakeCondition.wait_for(lock, std::chrono::microseconds(tick), [this] { return _wakeRequested || _stopRequested; });
            if (_stopRequested)
                return;
            _wakeRequested = false;
        }
        try
        {
            refreshDue();
        }
        catch (...)
        {
        }
    }
}

void SecretCache::log(const Notes& notes)
{
    if (notes.empty())
        return;
    Poco::Logger& logger = Poco::Logger::get("secrets");
    for (const auto& note : notes)
        if (logger.is(note.first))
            logger.log(Poco::Message(logger.name(), note.second, note.first));
}

} // namespace terrarium
