#ifndef Terrarium_ConfigKey_INCLUDED
#define Terrarium_ConfigKey_INCLUDED

#include <Poco/JSON/Object.h>

#include <cstddef>
#include <initializer_list>
#include <string>

namespace terrarium {

/// Names the keys of a config in messages ("limits.max_body_bytes", "routes[2]") and rejects
/// the keys an object does not know.
class ConfigKey
{
public:
    /// The keys an object of the config accepts.
    using Names = std::initializer_list<const char*>;

    /// path.key, or key alone at the top level (path empty).
    static std::string member(const std::string& path, const std::string& key);

    /// path[index].
    static std::string element(const std::string& path, std::size_t index);

    /// Throws ConfigError for the first key of object that is not in known: it names the key under
    /// path, lists the known keys and suggests one within two edits.
    static void checkKnown(const Poco::JSON::Object& object, const std::string& path, const Names& known);

    /// Throws ConfigError(key, "missing; expected " + expected).
    [[noreturn]] static void missing(const std::string& key, const std::string& expected);

private:
    static std::size_t editDistance(const std::string& a, const std::string& b);
};

} // namespace terrarium

#endif
