#include "plugin/PluginCounters.h"

#include <mutex>

namespace terrarium {

void PluginCounters::add(std::string_view name, std::uint64_t delta)
{
    {
        std::shared_lock lock(_mutex);
        auto it = _counters.find(name);
        if (it != _counters.end())
        {
            it->second->fetch_add(delta, std::memory_order_relaxed);
            return;
        }
    }
    std::unique_lock lock(_mutex);
    auto& slot = _counters[std::string(name)];
    if (!slot) slot = std::make_unique<std::atomic<std::uint64_t>>(0);
    slot->fetch_add(delta, std::memory_order_relaxed);
}

std::map<std::string, std::uint64_t> PluginCounters::values() const
{
    std::shared_lock lock(_mutex);
    std::map<std::string, std::uint64_t> out;
    for (const auto& [name, value] : _counters) out[name] = value->load(std::memory_order_relaxed);
    return out;
}

bool PluginCounters::validName(std::string_view name)
{
    if (name.empty() || name.size() > 128) return false;
    for (std::size_t i = 0; i < name.size(); ++i)
    {
        char c = name[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        bool digit = c >= '0' && c <= '9';
        if (!(alpha || (i > 0 && digit))) return false;
    }
    return true;
}

} // namespace terrarium
