#ifndef Terrarium_AbiNegotiation_INCLUDED
#define Terrarium_AbiNegotiation_INCLUDED

#include <cstdint>
#include <string>

namespace terrarium {

/// The ABI version rules: same major, and the plugin's required minor not newer than the host's.
class AbiNegotiation
{
public:
    /// The ABI version this host implements.
    static std::uint16_t hostMajor();
    static std::uint16_t hostMinor();

    /// An empty string when a plugin requiring pluginMajor.pluginMinor can run on a host of
    /// hostMajor.hostMinor; otherwise why not, naming both versions.
    static std::string check(std::uint16_t hostMajor, std::uint16_t hostMinor,
                             std::uint16_t pluginMajor, std::uint16_t pluginMinor);

    /// "major.minor".
    static std::string format(std::uint16_t major, std::uint16_t minor);
};

} // namespace terrarium

#endif
