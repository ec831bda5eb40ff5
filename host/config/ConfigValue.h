#ifndef Terrarium_ConfigValue_INCLUDED
#define Terrarium_ConfigValue_INCLUDED

#include "config/ValueRange.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timespan.h>

#include <cstdint>
#include <optional>
#include <string>

namespace terrarium {

/// Reads one setting as the type it must have, or throws ConfigError naming its key: values of
/// the parsed file (Poco::Dynamic::Var) and the text of environment variables and flags.
class ConfigValue
{
public:
    /// What a plugin name looks like, for messages.
    static constexpr const char* PLUGIN_NAME_EXPECTED =
        "expected a plugin name of lower-case letters, digits, '_' and '-', starting with a letter or digit";

    /// text in single quotes, for messages.
    static std::string quoted(const std::string& text);

    /// The JSON type of value in words ("an object", "a string", "null"), for messages.
    static std::string typeName(const Poco::Dynamic::Var& value);

    /// Throws ConfigError(key, "wrong type: got <type of value>, expected " + expected).
    [[noreturn]] static void wrongType(const std::string& key, const Poco::Dynamic::Var& value, const std::string& expected);

    /// value as a JSON object; wrongType otherwise.
    static Poco::JSON::Object::Ptr object(const Poco::Dynamic::Var& value, const std::string& key, const std::string& expected);

    /// value as a JSON array; wrongType otherwise.
    static Poco::JSON::Array::Ptr array(const Poco::Dynamic::Var& value, const std::string& key, const std::string& expected);

    /// value as a string; wrongType otherwise.
    static std::string string(const Poco::Dynamic::Var& value, const std::string& key, const std::string& expected);

    /// value as a boolean; wrongType otherwise.
    static bool boolean(const Poco::Dynamic::Var& value, const std::string& key);

    /// value as an integer within range; wrongType when it is no integer, out of range otherwise.
    static std::uint64_t integer(const Poco::Dynamic::Var& value, const std::string& key, const ValueRange& range);

    /// The member name of object (key path.name), milliseconds within range, as a Timespan.
    static Poco::Timespan millis(const Poco::JSON::Object& object, const std::string& path, const char* name,
                                 const ValueRange& range = ValueRange::MILLIS);

    /// The member name of object (key path.name) as a file path string.
    static std::string filePath(const Poco::JSON::Object& object, const std::string& path, const char* name);

    /// value as a plugin name (see isPluginName).
    static std::string pluginName(const Poco::Dynamic::Var& value, const std::string& key);

    /// text (an environment variable or flag) as a decimal integer within range: "-5" is out of
    /// range, "5x" is not an integer.
    static std::uint64_t integerText(const std::string& text, const std::string& key, const ValueRange& range);

    /// text as a boolean: true, false, 1 or 0, in any case.
    static bool boolText(const std::string& text, const std::string& key);

    /// text, unless it is empty: then ConfigError(key, "empty; expected " + expected).
    static std::string nonEmpty(const std::string& text, const std::string& key, const std::string& expected);

    /// text as a log level name (none, fatal ... trace, in any case), lower-cased.
    static std::string logLevel(const std::string& text, const std::string& key);

    /// ms milliseconds as a Timespan (every millisecond range fits).
    static Poco::Timespan timespan(std::uint64_t ms);

    /// True for a plugin name: lower-case letters, digits, '_' and '-', starting with a letter or digit.
    static bool isPluginName(const std::string& name);

    /// True for a listener name: letters, digits, '_', '-' and '.', starting with a letter or digit.
    static bool isListenerName(const std::string& name);

private:
    static std::uint64_t inRange(const std::string& key, std::optional<std::uint64_t> value, const std::string& shown,
                                 const ValueRange& range);
};

} // namespace terrarium

#endif
