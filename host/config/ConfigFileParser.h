#ifndef Terrarium_ConfigFileParser_INCLUDED
#define Terrarium_ConfigFileParser_INCLUDED

#include "config/Config.h"
#include "config/ConfigSources.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <string>

namespace terrarium {

/// Reads a config file: its JSON text into the root object, and the root object's settings
/// onto a Config.
class ConfigFileParser
{
public:
    /// The root object of text (a UTF-8 byte order mark is skipped); name is the file's name in
    /// messages. Throws ConfigError for empty text, invalid JSON (with line and column), a key
    /// defined twice in an object, or a top level that is not an object.
    static Poco::JSON::Object::Ptr parseJson(const std::string& name, const std::string& text);

    /// Applies the settings of root onto config, and records in sources which keys set them;
    /// throws ConfigError naming the first unknown key or bad value.
    static void apply(const Poco::JSON::Object& root, Config& config, ConfigSources& sources);

private:
    static void parseAdmin(const Poco::Dynamic::Var& value, Config& config);
    static void parseAdminHardening(const Poco::JSON::Object& admin, Config& config);
    static void parseLimits(const Poco::Dynamic::Var& value, LimitsConfig& limits, ConfigSources& sources);
};

} // namespace terrarium

#endif
