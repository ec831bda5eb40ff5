#ifndef TerrariumCtl_TextOutput_INCLUDED
#define TerrariumCtl_TextOutput_INCLUDED

#include <Poco/JSON/Object.h>

#include <string>

namespace terrarium::ctl {

/// The admin API's answers written for people (terrariumctl without --json).
class TextOutput
{
public:
    /// GET /admin/status.
    static std::string status(const Poco::JSON::Object& status, const std::string& url);
    /// GET /admin/plugins: one line per plugin, then the files that failed.
    static std::string plugins(const Poco::JSON::Object& list);
    /// GET /admin/plugins/{name}.
    static std::string plugin(const Poco::JSON::Object& plugin);
    /// GET /admin/services.
    static std::string services(const Poco::JSON::Object& services);
    /// GET /admin/log-levels.
    static std::string logLevels(const Poco::JSON::Object& levels);
    /// GET /admin/config: "key = value  (source)" lines.
    static std::string config(const Poco::JSON::Object& config);
    /// GET /admin: "METHOD PATH  summary" lines.
    static std::string endpoints(const Poco::JSON::Object& endpoints);
    /// Any JSON value, indented.
    static std::string pretty(const Poco::Dynamic::Var& value);
    /// A JSON value on one line (strings without quotes).
    static std::string scalar(const Poco::Dynamic::Var& value);
};

} // namespace terrarium::ctl

#endif
