#ifndef Terrarium_EffectiveConfig_INCLUDED
#define Terrarium_EffectiveConfig_INCLUDED

#include "config/Config.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace terrarium {

/// A Config written back as a configuration file would say it (the file's keys, milliseconds as
/// *_ms numbers), with where each setting came from: GET /admin/config.
class EffectiveConfig
{
public:
    /// Every setting of config in the file's layout and key order; routes, extra listeners and
    /// plugin routes as the file gave them. Nothing is redacted here.
    static Poco::JSON::Object::Ptr settings(const Config& config);

    /// Where the setting at key ("limits.max_body_bytes", "routes[0].prefix") came from: the
    /// overriding "env:VAR" or "flag:--name", "file:<path>" when the file names it (or an
    /// enclosing key holding a non-object), else "default".
    static std::string source(const Config& config, const std::string& key);

    /// True for a setting name whose value must not be shown: one naming a token, secret,
    /// password, key, credential or JWT, unless it names where one is kept (..._file, ..._dir,
    /// ..._path: trusted_keys_dir, token_file).
    static bool secretName(const std::string& name);
};

} // namespace terrarium

#endif
