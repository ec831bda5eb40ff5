#ifndef Terrarium_RouteTable_INCLUDED
#define Terrarium_RouteTable_INCLUDED

#include "config/Config.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace terrarium {

/// An immutable-after-build route table of one listener: host-based routes first, then routes for
/// any host; within each, the longest matching prefix wins. A route leads to a plugin, to an
/// upstream server (forwarded by the gateway) or to a fixed answer. A prefix matches on a segment boundary:
/// "/echo" matches "/echo", "/echo/x" and "/echo?..", not "/echoes"; a prefix ending in '/' matches
/// everything below it; "/" matches every path.
class RouteTable
{
public:
    struct Entry
    {
        std::string host;         /// lower-case Host without port; empty = any host
        std::string prefix;       /// starts with '/'
        std::string plugin;       /// Kind::Plugin: target plugin name
        bool stripPrefix = true;
        bool fromConfig = false;  /// declared in config (else a plugin's default route)
        RouteConfig::Kind kind = RouteConfig::Kind::Plugin;
        std::string upstream;            /// Kind::Upstream: service-directory name or http(s) base URL
        Poco::Timespan upstreamTimeout;  /// Kind::Upstream: 0 = the client's default
        FixedAnswer answer;              /// Kind::Fixed
        std::optional<std::uint64_t> maxSpooledBodyBytes;  /// Kind::Plugin: overrides the plugin's spool limit on this route
    };

    struct Match
    {
        const Entry* entry = nullptr;
        std::string routedPath;   /// path the plugin sees: stripped (always starting with '/') or unchanged
    };

    /// The entry of a route declared in the configuration (any kind).
    static Entry configured(const RouteConfig& route);

    /// Adds a route. Returns the entry that already has the same host and prefix (a conflict)
    /// instead of adding, or nullptr when added.
    const Entry* add(Entry entry);

    /// Finds the route for a request. host may carry a ":port" suffix and any case.
    std::optional<Match> match(std::string_view host, std::string_view path) const;

    /// The entry with exactly this host and prefix, if any.
    const Entry* find(std::string_view host, std::string_view prefix) const;

    const std::vector<Entry>& entries() const { return _entries; }

private:
    std::vector<Entry> _entries;   /// kept sorted: host routes first, then by prefix length descending
};

} // namespace terrarium

#endif
