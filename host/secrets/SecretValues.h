#ifndef Terrarium_SecretValues_INCLUDED
#define Terrarium_SecretValues_INCLUDED

#include <Poco/JSON/Object.h>

#include <map>
#include <string>

namespace terrarium {

/// Helpers for the key -> value maps of secrets: building them from JSON, and overwriting them
/// before the memory is released (best effort: copies made elsewhere are not reached).
class SecretValues
{
public:
    /// Every member of object: strings as they are, any other value as its JSON text
    /// (numbers "100", booleans "true", null "null", objects and arrays compact JSON).
    static std::map<std::string, std::string> fromJson(const Poco::JSON::Object& object);

    /// Overwrites text's characters with zeros, then empties it.
    static void wipe(std::string& text);

    /// Wipes every value, then empties values.
    static void wipe(std::map<std::string, std::string>& values);
};

} // namespace terrarium

#endif
