// Route table lookup against a plain model of the rule: host routes before any-host routes, the
// longest prefix that matches on a segment boundary wins. Input: lines "R host prefix strip" add
// routes, lines "Q host path" look up.
#include "FuzzCheck.h"

#include "router/RouteTable.h"

#include <Poco/String.h>

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string bareHost(std::string host)
{
    if (!host.empty() && host.front() == '[')
    {
        std::size_t close = host.find(']');
        if (close != std::string::npos) host.erase(close + 1);
    }
    else if (std::count(host.begin(), host.end(), ':') == 1)
        host.erase(host.find(':'));
    if (!host.empty() && host.back() == '.') host.pop_back();
    return Poco::toLower(host);
}

bool onBoundary(const std::string& prefix, const std::string& path)
{
    if (path.compare(0, prefix.size(), prefix) != 0) return false;
    if (prefix.empty() || prefix.back() == '/' || path.size() == prefix.size()) return true;
    return path[prefix.size()] == '/' || path[prefix.size()] == '?';
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::istringstream lines(std::string(reinterpret_cast<const char*>(data), size));
    terrarium::RouteTable table;
    std::vector<terrarium::RouteTable::Entry> model;
    std::string line;
    while (std::getline(lines, line))
    {
        std::istringstream words(line);
        std::string kind, host, text;
        words >> kind >> host >> text;
        if (host == "*") host.clear();
        if (kind == "R" && !text.empty() && text[0] == '/')
        {
            terrarium::RouteTable::Entry entry;
            entry.host = host;
            entry.prefix = text;
            entry.plugin = "p" + std::to_string(model.size());
            words >> entry.stripPrefix;
            if (table.add(entry) == nullptr)
            {
                entry.host = bareHost(host);
                model.push_back(entry);
            }
        }
        else if (kind == "Q")
        {
            std::string path = text.empty() ? "/" : text;
            const terrarium::RouteTable::Entry* expected = nullptr;
            const std::string requestHost = bareHost(host);
            for (const auto& entry : model)
            {
                if (!entry.host.empty() && entry.host != requestHost) continue;
                if (!onBoundary(entry.prefix, path)) continue;
                if (!expected || (expected->host.empty() && !entry.host.empty())
                    || (expected->host.empty() == entry.host.empty() && entry.prefix.size() > expected->prefix.size()))
                    expected = &entry;
            }
            auto match = table.match(host, text);
            FUZZ_CHECK(match.has_value() == (expected != nullptr));
            if (!match) continue;
            FUZZ_CHECK(match->entry->plugin == expected->plugin);
            FUZZ_CHECK(!match->routedPath.empty() && match->routedPath[0] == '/');
        }
    }
    return 0;
}
