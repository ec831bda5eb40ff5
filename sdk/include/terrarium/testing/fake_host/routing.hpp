// Terrarium plugin SDK, part of the fake host (include <terrarium/testing/fake_host.hpp>, not this):
// the routing emulation: a plugin's default routes read from its descriptor, and the route a
// request takes, chosen as the host chooses it.
#ifndef TERRARIUM_TESTING_FAKE_HOST_ROUTING_HPP
#define TERRARIUM_TESTING_FAKE_HOST_ROUTING_HPP

#include "terrarium/plugin.h"
#include "terrarium/testing/fake_host/common.hpp"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace terrarium {
namespace testing {
namespace detail {

/// The default routes of one plugin: longest prefix on a segment boundary, routes bound to a Host
/// header first, the routed path stripped of the prefix when the route says so.
class RouteTable {
public:
    /// Replaces the routes with the descriptor's; false with error set when one is malformed.
    bool load(const trm_plugin_descriptor& descriptor, std::string& error)
    {
        if (descriptor.route_count != 0 && descriptor.routes == nullptr) {
            error = "route_count without routes";
            return false;
        }
        _routes.clear();
        // Routes are laid out routes[0].struct_size bytes apart, so that a newer plugin's longer
        // trm_route is stepped over correctly.
        size_t stride = descriptor.route_count ? descriptor.routes[0].struct_size : 0;
        for (size_t i = 0; i < descriptor.route_count; ++i) {
            const auto* r = reinterpret_cast<const trm_route*>(reinterpret_cast<const char*>(descriptor.routes) + i * stride);
            if (r->struct_size < sizeof(trm_route) || r->struct_size != stride) {
                error = "route " + std::to_string(i) + " has a bad struct_size";
                return false;
            }
            if (r->prefix == nullptr || r->prefix[0] != '/') {
                error = "route " + std::to_string(i) + " prefix must start with '/'";
                return false;
            }
            std::string host;
            if (r->host != nullptr)
                for (const char* p = r->host; *p && *p != ':'; ++p) host += lowerAscii(*p);
            _routes.push_back(Route{r->prefix, std::move(host), (r->flags & TRM_ROUTE_STRIP_PREFIX) != 0});
        }
        return true;
    }

    /// Routes path (Host header hostHeader): sets prefix to the matching route's prefix and routed
    /// to the path the plugin sees; leaves both as they are when no route matches.
    void route(const std::string& hostHeader, const std::string& path, std::string& prefix, std::string& routed) const
    {
        std::string host;
        for (char c : hostHeader) {
            if (c == ':') break;
            host += lowerAscii(c);
        }
        const Route* best = nullptr;
        for (const auto& r : _routes) {
            if (!r.host.empty() && r.host != host) continue;
            if (!prefixMatches(r.prefix, path)) continue;
            bool better = best == nullptr || (best->host.empty() && !r.host.empty()) ||
                          (best->host.empty() == r.host.empty() && r.prefix.size() > best->prefix.size());
            if (better) best = &r;
        }
        if (best == nullptr) return;
        prefix = best->prefix;
        if (best->strip) {
            routed = path.substr(best->prefix.size());
            if (routed.empty() || routed.front() != '/') routed.insert(routed.begin(), '/');
        }
    }

private:
    struct Route {
        std::string prefix;
        std::string host;   // lower case, no port; empty = any host
        bool strip = true;
    };

    static bool prefixMatches(const std::string& prefix, const std::string& path) noexcept
    {
        if (path.compare(0, prefix.size(), prefix) != 0) return false;
        return path.size() == prefix.size() || prefix.back() == '/' || path[prefix.size()] == '/';
    }

    std::vector<Route> _routes;
};

} // namespace detail
} // namespace testing
} // namespace terrarium

#endif // TERRARIUM_TESTING_FAKE_HOST_ROUTING_HPP
