#include "router/RouteTable.h"

#include <algorithm>
#include <cstddef>

namespace terrarium {

namespace {

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// The host part of a Host header value, without ":port" and a trailing dot (no copy).
/// "Example.com:8080" -> "Example.com", "[::1]:8080" -> "[::1]", "::1" -> "::1".
std::string_view hostOnly(std::string_view host)
{
    if (!host.empty() && host.front() == '[') {
        std::size_t close = host.find(']');
        if (close != std::string_view::npos)
            host = host.substr(0, close + 1);
    } else {
        std::size_t colon = host.find(':');
        if (colon != std::string_view::npos && host.find(':', colon + 1) == std::string_view::npos)
            host = host.substr(0, colon);   // exactly one ':' -> a port; several -> bare IPv6, keep
    }
    if (!host.empty() && host.back() == '.')
        host.remove_suffix(1);
    return host;
}

/// entryHost is already normalized (lower case); requestHost is the output of hostOnly().
bool sameHost(const std::string& entryHost, std::string_view requestHost)
{
    if (entryHost.size() != requestHost.size())
        return false;
    for (std::size_t i = 0; i < requestHost.size(); ++i) {
        if (entryHost[i] != lower(requestHost[i]))
            return false;
    }
    return true;
}

std::string normalizeHost(std::string_view host)
{
    std::string_view bare = hostOnly(host);
    std::string result(bare);
    std::transform(result.begin(), result.end(), result.begin(), lower);
    return result;
}

/// prefix matches path on a segment boundary.
bool prefixMatches(const std::string& prefix, std::string_view path)
{
    if (path.size() < prefix.size() || path.compare(0, prefix.size(), prefix) != 0)
        return false;
    if (prefix.empty() || prefix.back() == '/' || path.size() == prefix.size())
        return true;
    char next = path[prefix.size()];
    return next == '/' || next == '?';
}

std::string routedPath(const RouteTable::Entry& entry, std::string_view path)
{
    if (!entry.stripPrefix)
        return std::string(path);
    const std::string& prefix = entry.prefix;
    std::size_t cut = (!prefix.empty() && prefix.back() == '/') ? prefix.size() - 1 : prefix.size();
    std::string_view rest = path.substr(std::min(cut, path.size()));
    if (!rest.empty() && rest.front() == '/')
        return std::string(rest);
    std::string result;
    result.reserve(rest.size() + 1);
    result += '/';
    result += rest;
    return result;
}

/// Order of _entries: host routes before any-host routes, then longest prefix first; ties are
/// broken by host and prefix so that the order does not depend on the order of add() calls.
bool entryBefore(const RouteTable::Entry& a, const RouteTable::Entry& b)
{
    if (a.host.empty() != b.host.empty())
        return !a.host.empty();
    if (a.prefix.size() != b.prefix.size())
        return a.prefix.size() > b.prefix.size();
    if (a.host != b.host)
        return a.host < b.host;
    return a.prefix < b.prefix;
}

} // namespace

RouteTable::Entry RouteTable::configured(const RouteConfig& route)
{
    Entry entry;
    entry.host = route.host;
    entry.prefix = route.prefix;
    entry.plugin = route.kind == RouteConfig::Kind::Plugin ? route.plugin : std::string();
    entry.stripPrefix = route.stripPrefix;
    entry.fromConfig = true;
    entry.kind = route.kind;
    entry.upstream = route.upstream;
    entry.upstreamTimeout = route.upstreamTimeout;
    entry.answer = route.answer;
    entry.maxSpooledBodyBytes = route.maxSpooledBodyBytes;
    return entry;
}

const RouteTable::Entry* RouteTable::add(Entry entry)
{
    entry.host = normalizeHost(entry.host);
    if (const Entry* existing = find(entry.host, entry.prefix))
        return existing;
    auto position = std::upper_bound(_entries.begin(), _entries.end(), entry, entryBefore);
    _entries.insert(position, std::move(entry));
    return nullptr;
}

std::optional<RouteTable::Match> RouteTable::match(std::string_view host, std::string_view path) const
{
    if (path.empty())
        path = "/";
    std::string_view requestHost = hostOnly(host);
    for (const Entry& entry : _entries) {
        if (!entry.host.empty() && !sameHost(entry.host, requestHost))
            continue;   // host routes for another host; any-host routes come after all host routes
        if (prefixMatches(entry.prefix, path))
            return Match{&entry, routedPath(entry, path)};
    }
    return std::nullopt;
}

const RouteTable::Entry* RouteTable::find(std::string_view host, std::string_view prefix) const
{
    std::string_view requestHost = hostOnly(host);
    for (const Entry& entry : _entries) {
        if (entry.prefix == prefix && sameHost(entry.host, requestHost))
            return &entry;
    }
    return nullptr;
}

} // namespace terrarium
