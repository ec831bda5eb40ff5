#ifndef Terrarium_PluginCounters_INCLUDED
#define Terrarium_PluginCounters_INCLUDED

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

namespace terrarium {

/// The counter metrics a plugin adds through the host table; they outlive generations.
class PluginCounters
{
public:
    /// Adds delta to counter name (created at first use).
    void add(std::string_view name, std::uint64_t delta);

    /// A copy of all counters.
    std::map<std::string, std::uint64_t> values() const;

    /// True for a valid counter name: [a-zA-Z_][a-zA-Z0-9_]*, at most 128 characters.
    static bool validName(std::string_view name);

private:
    mutable std::shared_mutex _mutex;
    std::map<std::string, std::unique_ptr<std::atomic<std::uint64_t>>, std::less<>> _counters;
};

} // namespace terrarium

#endif
