#include "config/Config.h"

namespace terrarium {

Poco::JSON::Object::Ptr Config::pluginSettings(const std::string& name) const
{
    auto it = plugins.find(name);
    if (it != plugins.end() && it->second.settings)
        return it->second.settings;
    return new Poco::JSON::Object;
}

std::string Config::spoolDirectory() const
{
    return spoolDir.empty() ? stateDir + "/spool" : spoolDir;
}

std::pair<std::uint64_t, std::uint64_t> Config::spoolLimits(const LimitsConfig& limits, const PluginConfig* plugin)
{
    std::uint64_t threshold = limits.spoolThresholdBytes;
    std::uint64_t max = limits.maxSpooledBodyBytes;
    if (plugin && plugin->spool)
    {
        const PluginSpoolConfig& spool = *plugin->spool;
        if (!spool.enabled) return {0, 0};
        threshold = spool.thresholdBytes.value_or(threshold);
        max = spool.maxBytes.value_or(max);
    }
    return {threshold, max};
}

} // namespace terrarium
