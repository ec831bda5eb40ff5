#include "secrets/EnvSecretProvider.h"

#include "secrets/SecretPath.h"

#include <Poco/Ascii.h>

#include <cstring>

extern char** environ;

namespace terrarium {

namespace {

std::string mapped(const std::string& text, bool upper)
{
    std::string name;
    name.reserve(text.size());
    for (char c : text)
    {
        if (!Poco::Ascii::isAlphaNumeric(c))
            name += '_';
        else
            name += upper ? static_cast<char>(Poco::Ascii::toUpper(c)) : static_cast<char>(Poco::Ascii::toLower(c));
    }
    return name;
}

} // namespace

EnvSecretProvider::EnvSecretProvider(const std::string& prefix) : _prefix(prefix)
{
}

SecretRead EnvSecretProvider::read(const std::string& path)
{
    const std::string invalid = SecretPath::check(path);
    if (!invalid.empty())
        return SecretRead::failure(SecretOutcome::Invalid, invalid);
    const std::string prefix = variablePrefix(path);
    std::map<std::string, std::string> values;
    for (char** variable = environ; variable && *variable; ++variable)
    {
        const char* entry = *variable;
        if (std::strncmp(entry, prefix.data(), prefix.size()) != 0)
            continue;
        const char* equals = std::strchr(entry + prefix.size(), '=');
        if (!equals || equals == entry + prefix.size())
            continue;
        const std::string key = mapped(std::string(entry + prefix.size(), equals), false);
        values[key] = std::string(equals + 1);
    }
    if (values.empty())
        return SecretRead::failure(SecretOutcome::NotFound,
            "env provider: no variable starts with " + prefix + " (secret path '" + path + "')");
    return SecretRead::found(std::move(values));
}

std::string EnvSecretProvider::canonicalKey(const std::string& key) const
{
    return mapped(key, false);
}

std::string EnvSecretProvider::variablePrefix(const std::string& path) const
{
    return _prefix + mapped(path, true) + "_";
}

} // namespace terrarium
