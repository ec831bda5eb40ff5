#ifndef Terrarium_ConfigError_INCLUDED
#define Terrarium_ConfigError_INCLUDED

#include <stdexcept>
#include <string>

namespace terrarium {

/// A configuration problem; key() names the offending key ("limits.max_body_bytes",
/// "TERRARIUM_THREADS", "--listen"), what() says what is wrong with it.
class ConfigError : public std::runtime_error
{
public:
    ConfigError(std::string key, const std::string& message)
        : std::runtime_error(key + ": " + message), _key(std::move(key)) {}
    const std::string& key() const noexcept { return _key; }

private:
    std::string _key;
};

} // namespace terrarium

#endif
