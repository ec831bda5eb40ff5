#ifndef Terrarium_RoutingSnapshot_INCLUDED
#define Terrarium_RoutingSnapshot_INCLUDED

#include "plugin/PluginSlot.h"
#include "router/RouteTable.h"

#include <map>
#include <memory>
#include <string>
#include <unordered_map>

namespace terrarium {

/// Everything a request needs to find its plugin: the route table of each listener and the slot
/// of each plugin name. Immutable once published; replaced as a whole when routes change.
struct RoutingSnapshot
{
    std::map<std::string, RouteTable, std::less<>> tables;
    std::unordered_map<std::string, std::shared_ptr<PluginSlot>> slots;

    /// The table of a listener, or nullptr.
    const RouteTable* table(std::string_view listener) const
    {
        auto it = tables.find(listener);
        return it == tables.end() ? nullptr : &it->second;
    }

    /// The slot of a plugin name, or nullptr.
    PluginSlot* slot(const std::string& plugin) const
    {
        auto it = slots.find(plugin);
        return it == slots.end() ? nullptr : it->second.get();
    }
};

/// The currently published RoutingSnapshot; readers take it without locking.
class RoutingState
{
public:
    RoutingState() : _snapshot(std::make_shared<const RoutingSnapshot>()) {}

    /// The current snapshot.
    std::shared_ptr<const RoutingSnapshot> load() const { return std::atomic_load(&_snapshot); }

    /// Replaces the snapshot; requests that already took the old one finish with it.
    void publish(std::shared_ptr<const RoutingSnapshot> snapshot) { std::atomic_store(&_snapshot, std::move(snapshot)); }

private:
    std::shared_ptr<const RoutingSnapshot> _snapshot;
};

} // namespace terrarium

#endif
