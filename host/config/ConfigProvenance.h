#ifndef Terrarium_ConfigProvenance_INCLUDED
#define Terrarium_ConfigProvenance_INCLUDED

#include <Poco/JSON/Object.h>

#include <map>
#include <string>

namespace terrarium {

/// Where the settings of a Config came from, for GET /admin/config: the file's parsed text and
/// the settings that environment variables and flags overrode (every other setting is the
/// file's when the file names it, else the built-in default).
struct ConfigProvenance
{
    std::string file;                            /// the configuration file's path; empty: none
    Poco::JSON::Object::Ptr fileRoot;            /// the file's top-level object as parsed (null: no file)
    std::map<std::string, std::string> overrides; /// setting key ("limits.max_body_bytes") -> "env:VAR" or "flag:--name"
};

} // namespace terrarium

#endif
