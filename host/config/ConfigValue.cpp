#include "config/ConfigValue.h"

#include "config/ConfigError.h"
#include "config/ConfigKey.h"

#include <Poco/Ascii.h>
#include <Poco/String.h>

#include <algorithm>
#include <cstddef>
#include <limits>

namespace terrarium {

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

const char* const LOG_LEVELS[] = {"none", "fatal", "critical", "error", "warning", "notice",
                                  "information", "debug", "trace"};

bool isDigit(char c)
{
    return Poco::Ascii::isDigit(c);
}

bool isAlnum(char c)
{
    return Poco::Ascii::isAlphaNumeric(c);
}

} // namespace

std::string ConfigValue::quoted(const std::string& text)
{
    return "'" + text + "'";
}

std::string ConfigValue::typeName(const Var& value)
{
    if (value.isEmpty()) return "null";
    if (value.type() == typeid(Object::Ptr)) return "an object";
    if (value.type() == typeid(Array::Ptr)) return "an array";
    if (value.type() == typeid(bool)) return "a boolean";
    if (value.isInteger()) return "an integer";
    if (value.isNumeric()) return "a number";
    if (value.isString()) return "a string";
    return "an unsupported value";
}

void ConfigValue::wrongType(const std::string& key, const Var& value, const std::string& expected)
{
    throw ConfigError(key, "wrong type: got " + typeName(value) + ", expected " + expected);
}

Object::Ptr ConfigValue::object(const Var& value, const std::string& key, const std::string& expected)
{
    if (value.type() != typeid(Object::Ptr))
        wrongType(key, value, expected);
    return value.extract<Object::Ptr>();
}

Array::Ptr ConfigValue::array(const Var& value, const std::string& key, const std::string& expected)
{
    if (value.type() != typeid(Array::Ptr))
        wrongType(key, value, expected);
    return value.extract<Array::Ptr>();
}

std::string ConfigValue::string(const Var& value, const std::string& key, const std::string& expected)
{
    if (value.type() != typeid(std::string))
        wrongType(key, value, expected);
    return value.extract<std::string>();
}

bool ConfigValue::boolean(const Var& value, const std::string& key)
{
    if (value.type() != typeid(bool))
        wrongType(key, value, "true or false");
    return value.extract<bool>();
}

std::uint64_t ConfigValue::integer(const Var& value, const std::string& key, const ValueRange& range)
{
    if (value.type() == typeid(bool) || !value.isInteger())
        wrongType(key, value, range.expected);
    if (value.isSigned()) {
        auto number = value.convert<Poco::Int64>();
        std::optional<std::uint64_t> magnitude;
        if (number >= 0)
            magnitude = static_cast<std::uint64_t>(number);
        return inRange(key, magnitude, std::to_string(number), range);
    }
    auto number = value.convert<Poco::UInt64>();
    return inRange(key, static_cast<std::uint64_t>(number), std::to_string(number), range);
}

Poco::Timespan ConfigValue::millis(const Object& object, const std::string& path, const char* name, const ValueRange& range)
{
    return timespan(integer(object.get(name), ConfigKey::member(path, name), range));
}

std::string ConfigValue::filePath(const Object& object, const std::string& path, const char* name)
{
    return string(object.get(name), ConfigKey::member(path, name), "a file path (string)");
}

std::string ConfigValue::pluginName(const Var& value, const std::string& key)
{
    std::string name = string(value, key, "a plugin name (string)");
    if (!isPluginName(name))
        throw ConfigError(key, "invalid plugin name " + quoted(name) + "; " + PLUGIN_NAME_EXPECTED);
    return name;
}

std::uint64_t ConfigValue::integerText(const std::string& text, const std::string& key, const ValueRange& range)
{
    std::size_t start = (!text.empty() && text[0] == '-') ? 1 : 0;
    if (text.size() == start || !std::all_of(text.begin() + static_cast<std::ptrdiff_t>(start), text.end(), isDigit))
        throw ConfigError(key, "not an integer: got " + quoted(text) + ", expected " + range.expected);
    std::optional<std::uint64_t> value;
    if (start == 0) {
        std::uint64_t number = 0;
        bool overflow = false;
        for (char c : text) {
            auto digit = static_cast<std::uint64_t>(c - '0');
            if (number > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
                overflow = true;
            number = number * 10 + digit;
        }
        if (!overflow)
            value = number;
    }
    return inRange(key, value, text, range);
}

bool ConfigValue::boolText(const std::string& text, const std::string& key)
{
    std::string value = Poco::toLower(text);
    if (value == "true" || value == "1") return true;
    if (value == "false" || value == "0") return false;
    throw ConfigError(key, "invalid value " + quoted(text) + "; expected true, false, 1 or 0");
}

std::string ConfigValue::nonEmpty(const std::string& text, const std::string& key, const std::string& expected)
{
    if (text.empty())
        throw ConfigError(key, "empty; expected " + expected);
    return text;
}

std::string ConfigValue::logLevel(const std::string& text, const std::string& key)
{
    std::string level = Poco::toLower(text);
    std::string list;
    for (const char* name : LOG_LEVELS) {
        if (level == name)
            return level;
        list += list.empty() ? name : std::string(", ") + name;
    }
    throw ConfigError(key, "invalid log level " + quoted(text) + "; expected one of: " + list);
}

Poco::Timespan ConfigValue::timespan(std::uint64_t ms)
{
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms) * 1000);
}

bool ConfigValue::isPluginName(const std::string& name)
{
    if (name.empty())
        return false;
    char first = name[0];
    if (!(isDigit(first) || (first >= 'a' && first <= 'z')))
        return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return isDigit(c) || (c >= 'a' && c <= 'z') || c == '_' || c == '-'; });
}

bool ConfigValue::isListenerName(const std::string& name)
{
    return !name.empty() && isAlnum(name[0])
        && std::all_of(name.begin(), name.end(), [](char c) { return isAlnum(c) || c == '_' || c == '-' || c == '.'; });
}

std::uint64_t ConfigValue::inRange(const std::string& key, std::optional<std::uint64_t> value, const std::string& shown,
                                   const ValueRange& range)
{
    if (!value || *value < range.min || *value > range.max)
        throw ConfigError(key, "out of range: got " + shown + ", expected " + range.expected);
    return *value;
}

} // namespace terrarium
