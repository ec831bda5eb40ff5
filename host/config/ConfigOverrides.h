#ifndef Terrarium_ConfigOverrides_INCLUDED
#define Terrarium_ConfigOverrides_INCLUDED

#include "config/Config.h"
#include "config/ConfigLoader.h"
#include "config/ConfigSources.h"

namespace terrarium {

/// Applies the settings given outside the file: TERRARIUM_* environment variables, the
/// Edge-Terrarium platform's environment names, and command-line flags.
class ConfigOverrides
{
public:
    /// Applies the Edge-Terrarium names, then the TERRARIUM_* variables of environment (other
    /// names are ignored); throws ConfigError naming an unknown TERRARIUM_* variable or a bad value.
    static void applyEnvironment(const ConfigLoader::Overrides& environment, Config& config, ConfigSources& sources);

    /// Applies flags (keyed by name, leading dashes optional); throws ConfigError naming an unknown
    /// flag ("--name") or a bad value.
    static void applyFlags(const ConfigLoader::Overrides& flags, Config& config, ConfigSources& sources);

    /// The variables of this process's environment that applyEnvironment reads: TERRARIUM_* and
    /// the Edge-Terrarium names.
    static ConfigLoader::Overrides processEnvironment();
};

} // namespace terrarium

#endif
