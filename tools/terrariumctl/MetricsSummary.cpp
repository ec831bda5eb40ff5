#include "MetricsSummary.h"

#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <cstdio>
#include <sstream>

namespace terrarium::ctl {

namespace {

/// The value of label name in a sample's label set ({a="x",b="y"}), "" when absent.
std::string label(const std::string& labels, const std::string& name)
{
    std::string key = name + "=\"";
    std::string::size_type at = labels.find(key);
    while (at != std::string::npos && at > 0 && labels[at - 1] != '{' && labels[at - 1] != ',') at = labels.find(key, at + 1);
    if (at == std::string::npos) return std::string();
    std::string::size_type start = at + key.size();
    return labels.substr(start, labels.find('"', start) - start);
}

} // namespace

MetricsSummary MetricsSummary::parse(const std::string& page)
{
    MetricsSummary summary;
    std::istringstream lines(page);
    const std::string family = "terrarium_requests_total{";
    for (std::string line; std::getline(lines, line);)
    {
        if (line.compare(0, family.size(), family) != 0) continue;
        std::string::size_type close = line.rfind('}');
        if (close == std::string::npos) continue;
        std::string labels = line.substr(family.size() - 1, close - family.size() + 2);
        double value = 0;
        if (!Poco::NumberParser::tryParseFloat(Poco::trim(line.substr(close + 1)), value)) continue;
        std::string plugin = label(labels, "plugin");
        Counts& counts = summary._plugins[plugin.empty() ? "-" : plugin];
        auto count = static_cast<std::uint64_t>(value);
        counts.total += count;
        std::string code = label(labels, "code");
        if (code == "4xx") counts.clientErrors += count;
        if (code == "5xx") counts.serverErrors += count;
    }
    return summary;
}

double MetricsSummary::rate(std::uint64_t now, std::uint64_t before, double seconds)
{
    return seconds > 0 && now >= before ? static_cast<double>(now - before) / seconds : 0.0;
}

std::string MetricsSummary::text(const MetricsSummary* earlier, double seconds) const
{
    bool rates = earlier && seconds > 0;
    std::ostringstream out;
    char line[256];
    if (rates)
        std::snprintf(line, sizeof line, "%-24s %10s %9s %8s %8s %7s %9s\n", "PLUGIN", "REQUESTS", "REQ/S", "4XX", "5XX", "ERRORS", "ERRORS/S");
    else
        std::snprintf(line, sizeof line, "%-24s %10s %8s %8s %7s\n", "PLUGIN", "REQUESTS", "4XX", "5XX", "ERRORS");
    out << line;
    for (const auto& [name, counts] : _plugins)
    {
        double errorShare = counts.total ? 100.0 * static_cast<double>(counts.serverErrors) / static_cast<double>(counts.total) : 0.0;
        Counts before;
        if (earlier && earlier->_plugins.count(name)) before = earlier->_plugins.at(name);
        if (rates)
            std::snprintf(line, sizeof line, "%-24s %10llu %9.1f %8llu %8llu %6.1f%% %9.1f\n", name.c_str(),
                          static_cast<unsigned long long>(counts.total), rate(counts.total, before.total, seconds),
                          static_cast<unsigned long long>(counts.clientErrors), static_cast<unsigned long long>(counts.serverErrors), errorShare,
                          rate(counts.serverErrors, before.serverErrors, seconds));
        else
            std::snprintf(line, sizeof line, "%-24s %10llu %8llu %8llu %6.1f%%\n", name.c_str(), static_cast<unsigned long long>(counts.total),
                          static_cast<unsigned long long>(counts.clientErrors), static_cast<unsigned long long>(counts.serverErrors), errorShare);
        out << line;
    }
    if (_plugins.empty()) out << "(no requests answered yet)\n";
    std::snprintf(line, sizeof line, "ERRORS: share of 5xx answers%s%.1f%s\n", rates ? "; rates over the last " : "", rates ? seconds : 0.0,
                  rates ? " s" : "");
    out << (rates ? line : "ERRORS: share of 5xx answers\n");
    return out.str();
}

Poco::JSON::Object::Ptr MetricsSummary::json(const MetricsSummary* earlier, double seconds) const
{
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    out->set("interval_s", seconds);
    Poco::JSON::Object::Ptr plugins = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [name, counts] : _plugins)
    {
        Counts before;
        if (earlier && earlier->_plugins.count(name)) before = earlier->_plugins.at(name);
        Poco::JSON::Object::Ptr row = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        row->set("requests", counts.total);
        row->set("4xx", counts.clientErrors);
        row->set("5xx", counts.serverErrors);
        if (earlier && seconds > 0)
        {
            row->set("requests_per_s", rate(counts.total, before.total, seconds));
            row->set("errors_per_s", rate(counts.serverErrors, before.serverErrors, seconds));
        }
        plugins->set(name, row);
    }
    out->set("plugins", plugins);
    return out;
}

} // namespace terrarium::ctl
