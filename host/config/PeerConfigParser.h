#ifndef Terrarium_PeerConfigParser_INCLUDED
#define Terrarium_PeerConfigParser_INCLUDED

#include "config/Config.h"

#include <Poco/Dynamic/Var.h>

namespace terrarium {

/// Parses the "peers" block: the hosts plugins may be moved to,
///   "peers": {"b": {"admin_url": "https://b:8081", "token_file": "/etc/terrarium/b.token", "url": "http://b:8080",
///                   "listeners": {"logthon": "http://b:5000"}}}
class PeerConfigParser
{
public:
    /// Fills config.peers from value; throws ConfigError naming the key at fault.
    static void parsePeers(const Poco::Dynamic::Var& value, Config& config);
};

} // namespace terrarium

#endif
