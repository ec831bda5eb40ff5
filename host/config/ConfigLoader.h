#ifndef Terrarium_ConfigLoader_INCLUDED
#define Terrarium_ConfigLoader_INCLUDED

#include "config/Config.h"
#include "config/ConfigError.h"

#include <map>
#include <string>

namespace terrarium {

/// Builds a Config from defaults, a JSON file, TERRARIUM_* environment variables and CLI flags,
/// in that order of precedence (later wins). Throws ConfigError naming the key on any problem.
class ConfigLoader
{
public:
    using Overrides = std::map<std::string, std::string>;

    /// Command-line overrides, keyed by flag name without dashes: "listen", "admin-listen",
    /// "plugins-dir", "state-dir", "admin-token-file".
    static Config load(const std::string& file, const Overrides& environment, const Overrides& flags);

    /// Parses JSON text as a config file (file = name used in messages).
    static Config parse(const std::string& json, const Overrides& environment, const Overrides& flags);

    /// The TERRARIUM_* variables of this process's environment, and the Edge-Terrarium names
    /// (VAULT_ADDR, VAULT_TOKEN, FILE_STORAGE_URL, LOGTHON_HOST, LOGTHON_PORT, SERVICE_NAME,
    /// CONTAINER_NAME, POD_NAME, HOSTNAME) that map onto the config.
    static Overrides processEnvironment();

    /// Validates "host:port" (port 0..65535); throws ConfigError(key) otherwise.
    static void checkAddress(const std::string& key, const std::string& address);
};

} // namespace terrarium

#endif
