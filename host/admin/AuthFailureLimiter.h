#ifndef Terrarium_AuthFailureLimiter_INCLUDED
#define Terrarium_AuthFailureLimiter_INCLUDED

#include <Poco/Timespan.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace terrarium {

/// Failed admin token checks per client address: an address that failed maxFailures times within
/// one window (starting at its first failure) is refused until that window ends. At most
/// maxAddresses addresses are tracked; the one whose last failure is oldest is forgotten first.
/// Thread-safe.
class AuthFailureLimiter
{
public:
    using Clock = std::chrono::steady_clock;

    /// maxFailures >= 1, window > 0, maxAddresses >= 1.
    AuthFailureLimiter(unsigned maxFailures, Poco::Timespan window, std::size_t maxAddresses = 4096);

    /// The whole seconds until address may try again (at least 1) when it is refused at now, else 0.
    /// A refusal is counted.
    std::int64_t refusedFor(const std::string& address, Clock::time_point now = Clock::now());

    /// Counts a failed check of address at now; true when this failure reaches the limit (once
    /// per window and address: the moment to log it).
    bool recordFailure(const std::string& address, Clock::time_point now = Clock::now());

    /// Failed checks counted so far.
    std::uint64_t failures() const;

    /// Requests refused so far because their address was over the limit.
    std::uint64_t refusals() const;

    /// Addresses tracked now.
    std::size_t tracked() const;

    unsigned maxFailures() const { return _maxFailures; }
    Poco::Timespan window() const { return _window; }

private:
    struct Entry
    {
        Clock::time_point windowStart;
        unsigned failures = 0;
        std::list<std::string>::iterator age;   /// position in _byAge
    };

    bool windowOver(const Entry& entry, Clock::time_point now) const;

    const unsigned _maxFailures;
    const Poco::Timespan _window;
    const std::size_t _maxAddresses;
    mutable std::mutex _mutex;
    std::unordered_map<std::string, Entry> _entries;
    std::list<std::string> _byAge;   /// oldest last failure first
    std::uint64_t _failures = 0;
    std::uint64_t _refusals = 0;
};

} // namespace terrarium

#endif
