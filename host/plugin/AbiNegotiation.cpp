#include "plugin/AbiNegotiation.h"

#include <terrarium/plugin.h>

namespace terrarium {

std::uint16_t AbiNegotiation::hostMajor() { return TERRARIUM_ABI_MAJOR; }

std::uint16_t AbiNegotiation::hostMinor() { return TERRARIUM_ABI_MINOR; }

std::string AbiNegotiation::format(std::uint16_t major, std::uint16_t minor)
{
    return std::to_string(major) + "." + std::to_string(minor);
}

std::string AbiNegotiation::check(std::uint16_t hostMajor, std::uint16_t hostMinor,
                                  std::uint16_t pluginMajor, std::uint16_t pluginMinor)
{
    const std::string plugin = format(pluginMajor, pluginMinor);
    const std::string host = format(hostMajor, hostMinor);
    if (pluginMajor != hostMajor)
        return "plugin ABI " + plugin + " is incompatible with host ABI " + host + " (major versions differ)";
    if (pluginMinor > hostMinor)
        return "plugin requires ABI " + plugin + " but the host provides only ABI " + host + " (upgrade the host)";
    return {};
}

} // namespace terrarium
