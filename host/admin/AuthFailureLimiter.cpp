#include "admin/AuthFailureLimiter.h"

#include <algorithm>

namespace terrarium {

AuthFailureLimiter::AuthFailureLimiter(unsigned maxFailures, Poco::Timespan window, std::size_t maxAddresses)
    : _maxFailures(std::max(1u, maxFailures)), _window(window), _maxAddresses(std::max<std::size_t>(1, maxAddresses))
{
}

bool AuthFailureLimiter::windowOver(const Entry& entry, Clock::time_point now) const
{
    return now - entry.windowStart >= std::chrono::microseconds(_window.totalMicroseconds());
}

std::int64_t AuthFailureLimiter::refusedFor(const std::string& address, Clock::time_point now)
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto it = _entries.find(address);
    if (it == _entries.end() || it->second.failures < _maxFailures || windowOver(it->second, now)) return 0;
    ++_refusals;
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(it->second.windowStart - now).count() + _window.totalMicroseconds();
    return std::max<std::int64_t>(1, (left + 999999) / 1000000);
}

bool AuthFailureLimiter::recordFailure(const std::string& address, Clock::time_point now)
{
    std::lock_guard<std::mutex> lock(_mutex);
    ++_failures;
    auto it = _entries.find(address);
    if (it == _entries.end())
    {
        if (_entries.size() >= _maxAddresses)
        {
            _entries.erase(_byAge.front());
            _byAge.pop_front();
        }
        _byAge.push_back(address);
        it = _entries.emplace(address, Entry{now, 0, std::prev(_byAge.end())}).first;
    }
    else
        _byAge.splice(_byAge.end(), _byAge, it->second.age);
    Entry& entry = it->second;
    if (windowOver(entry, now))
    {
        entry.windowStart = now;
        entry.failures = 0;
    }
    ++entry.failures;
    return entry.failures == _maxFailures;
}

std::uint64_t AuthFailureLimiter::failures() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _failures;
}

std::uint64_t AuthFailureLimiter::refusals() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _refusals;
}

std::size_t AuthFailureLimiter::tracked() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _entries.size();
}

} // namespace terrarium
