#include "config/ConfigKey.h"

#include "config/ConfigError.h"

#include <algorithm>
#include <vector>

namespace terrarium {

std::string ConfigKey::member(const std::string& path, const std::string& key)
{
    return path.empty() ? key : path + "." + key;
}

std::string ConfigKey::element(const std::string& path, std::size_t index)
{
    return path + "[" + std::to_string(index) + "]";
}

void ConfigKey::checkKnown(const Poco::JSON::Object& object, const std::string& path, const Names& known)
{
    for (const std::string& name : object.getNames()) {
        bool found = std::any_of(known.begin(), known.end(), [&](const char* k) { return name == k; });
        if (found)
            continue;
        std::string list;
        std::string suggestion;
        for (const char* k : known) {
            list += list.empty() ? k : std::string(", ") + k;
            if (suggestion.empty() && editDistance(name, k) <= 2)
                suggestion = k;
        }
        std::string message = "unknown key";
        if (!suggestion.empty())
            message += " (did you mean " + member(path, suggestion) + "?)";
        throw ConfigError(member(path, name), message + "; expected one of: " + list);
    }
}

void ConfigKey::missing(const std::string& key, const std::string& expected)
{
    throw ConfigError(key, "missing; expected " + expected);
}

std::size_t ConfigKey::editDistance(const std::string& a, const std::string& b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

} // namespace terrarium
