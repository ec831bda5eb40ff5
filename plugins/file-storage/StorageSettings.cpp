#include "StorageSettings.h"

#include <Poco/Path.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <optional>
#include <stdexcept>

namespace filestorage {

namespace {

/// The value and where it came from ("config key 'max_files'", "FILE_STORAGE_MAX_FILES").
struct Setting
{
    std::string value;
    std::string source;
};

std::optional<Setting> lookUp(const terrarium::Host& host, const char* key, const char* variable)
{
    if (auto value = host.config(key)) return Setting{std::string(*value), std::string("config key '") + key + "'"};
    if (variable != nullptr)
        if (const char* value = std::getenv(variable)) return Setting{value, variable};
    return std::nullopt;
}

std::uint64_t number(const Setting& setting, std::uint64_t minimum)
{
    const std::string& text = setting.value;
    std::uint64_t value = 0;
    bool digits = !text.empty() && text.size() <= 19 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) value = std::stoull(text);
    if (!digits || value < minimum)
        throw std::invalid_argument(setting.source + ": expected an integer of at least " + std::to_string(minimum) + ", got '" + text + "'");
    return value;
}

} // namespace

StorageSettings StorageSettings::read(const terrarium::Host& host)
{
    StorageSettings settings;
    if (auto path = lookUp(host, "path", "FILE_STORAGE_PATH"))
    {
        if (path->value.empty()) throw std::invalid_argument(path->source + ": expected a directory, got ''");
        settings.path = path->value;
    }
    settings.path = Poco::Path(settings.path).makeAbsolute().toString();
    if (settings.path.size() > 1 && settings.path.back() == '/') settings.path.pop_back();
    if (auto maxFiles = lookUp(host, "max_files", "FILE_STORAGE_MAX_FILES"))
        settings.maxFiles = static_cast<std::size_t>(std::min<std::uint64_t>(number(*maxFiles, 1), std::numeric_limits<std::size_t>::max()));
    if (auto maxSize = lookUp(host, "max_size", "FILE_STORAGE_MAX_SIZE")) settings.maxSize = number(*maxSize, 0);
    if (auto maxRawSize = lookUp(host, "max_raw_size", nullptr)) settings.maxRawSize = number(*maxRawSize, 0);
    return settings;
}

std::string StorageSettings::allowedExtensionsText() const
{
    std::string text = "[";
    for (std::size_t i = 0; i < allowedExtensions.size(); ++i)
    {
        if (i) text += ", ";
        text += "'" + allowedExtensions[i] + "'";
    }
    return text + "]";
}

bool StorageSettings::allows(const std::string& extension) const
{
    return std::find(allowedExtensions.begin(), allowedExtensions.end(), extension) != allowedExtensions.end();
}

std::uint64_t StorageSettings::maxJsonBodyBytes() const
{
    constexpr std::uint64_t escapeBytes = 6;
    constexpr std::uint64_t otherMembers = 65536;
    if (maxSize > (std::numeric_limits<std::uint64_t>::max() - otherMembers) / escapeBytes) return std::numeric_limits<std::uint64_t>::max();
    return maxSize * escapeBytes + otherMembers;
}

} // namespace filestorage
