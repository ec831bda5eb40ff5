// Typed values of a plugin's config block, refused with a clear message when malformed.
#ifndef Terrarium_Sink_PluginSettings_INCLUDED
#define Terrarium_Sink_PluginSettings_INCLUDED

#include <terrarium/plugin.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace terrarium::sink {

/// Reads plugins.<name>.config keys; a malformed value throws terrarium::Error(TRM_ERR_INVALID)
/// naming the key, which refuses the plugin's load with that message.
class PluginSettings
{
public:
    /// Reads the config of host (which must outlive this object).
    explicit PluginSettings(const terrarium::Host& host);

    /// The text at key, or fallback when absent.
    std::string text(std::string_view key, std::string_view fallback) const;

    /// The integer at key within [minimum, maximum], or fallback when absent.
    std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t minimum, std::int64_t maximum) const;

    /// true or false at key, or fallback when absent.
    bool flag(std::string_view key, bool fallback) const;

private:
    [[noreturn]] static void refuse(std::string_view key, std::string_view value, std::string_view expected);

    const terrarium::Host& _host;
};

} // namespace terrarium::sink

#endif
