#ifndef Terrarium_ConfigSources_INCLUDED
#define Terrarium_ConfigSources_INCLUDED

#include <map>
#include <string>
#include <vector>

namespace terrarium {

/// Where some settings came from (file key, environment variable or flag), so that the checks
/// across the whole config name the right key.
struct ConfigSources
{
    std::string mainListen = "listen";        /// the key that set the main listener's address
    std::string adminListen = "admin.listen"; /// the key that set the admin listener's address
    std::vector<std::string> extraListen;     /// one per extra listener
    bool bufferedBodyBytesSet = false;        /// limits.max_buffered_body_bytes was given
    std::map<std::string, std::string> overrides; /// setting key -> "env:VAR" / "flag:--name" that set it
};

} // namespace terrarium

#endif
