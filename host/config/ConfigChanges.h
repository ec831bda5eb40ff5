#ifndef Terrarium_ConfigChanges_INCLUDED
#define Terrarium_ConfigChanges_INCLUDED

#include "config/Config.h"

#include <string>
#include <vector>

namespace terrarium {

/// What differs between the running configuration and one read again (SIGHUP).
class ConfigChanges
{
public:
    /// The settings that differ and that a running host cannot apply (listeners, admin listener,
    /// threads and queues, directories, limits and timeouts, watcher, log sinks, client, secrets,
    /// metrics), named by their configuration key ("limits", "listener 'direct'", "secrets", ...).
    /// Plugin settings, log levels and the service directory are applied while serving and are
    /// never listed.
    static std::vector<std::string> needingRestart(const Config& running, const Config& fresh);
};

} // namespace terrarium

#endif
