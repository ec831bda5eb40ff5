#include "PluginSettings.h"

#include <charconv>

namespace terrarium::sink {

PluginSettings::PluginSettings(const terrarium::Host& host) : _host(host) {}

std::string PluginSettings::text(std::string_view key, std::string_view fallback) const
{
    return _host.config(key, fallback);
}

std::int64_t PluginSettings::integer(std::string_view key, std::int64_t fallback, std::int64_t minimum, std::int64_t maximum) const
{
    std::optional<std::string_view> value = _host.config(key);
    if (!value)
        return fallback;
    std::int64_t number = 0;
    const char* end = value->data() + value->size();
    auto [stop, error] = std::from_chars(value->data(), end, number);
    const std::string range = "an integer from " + std::to_string(minimum) + " to " + std::to_string(maximum);
    if (value->empty() || error != std::errc() || stop != end || number < minimum || number > maximum)
        refuse(key, *value, range);
    return number;
}

bool PluginSettings::flag(std::string_view key, bool fallback) const
{
    std::optional<std::string_view> value = _host.config(key);
    if (!value)
        return fallback;
    if (*value == "true")
        return true;
    if (*value == "false")
        return false;
    refuse(key, *value, "true or false");
}

void PluginSettings::refuse(std::string_view key, std::string_view value, std::string_view expected)
{
    throw terrarium::Error(TRM_ERR_INVALID,
                           "config key '" + std::string(key) + "' is '" + std::string(value) + "'; expected " + std::string(expected));
}

} // namespace terrarium::sink
