#ifndef Terrarium_AdminConfigReport_INCLUDED
#define Terrarium_AdminConfigReport_INCLUDED

#include "config/Config.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace terrarium {

class LogPipeline;
class PluginLifecycle;
class ServiceDirectory;

/// The answer of GET /admin/config: the effective configuration (defaults, file, environment,
/// flags, then what admin calls changed at run time: plugin config overrides, log levels,
/// service directory entries), each setting with its source, secrets redacted. A loaded plugin's
/// config is the one its running generation got.
class AdminConfigReport
{
public:
    /// The value shown instead of a secret.
    static constexpr const char* REDACTED = "<redacted>";

    /// log and directory may be null (their admin layer is then left out).
    AdminConfigReport(const Config& config, const PluginLifecycle& lifecycle, const LogPipeline* log, const ServiceDirectory* directory);

    /// {"file": path|null, "precedence": [...], "settings": {"key": {"value": v, "source": s}}, "config": {...}}.
    Poco::JSON::Object::Ptr build() const;

    /// A plugin's admin description (PluginLifecycle::describe()) as the admin API shows it: the
    /// secrets of its "config" and "config_overrides" redacted like those of GET /admin/config.
    static Poco::JSON::Object::Ptr redactPlugin(Poco::JSON::Object::Ptr description);

    /// PluginLifecycle::list() with every plugin's description redacted (redactPlugin()).
    static Poco::JSON::Object::Ptr redactPluginList(Poco::JSON::Object::Ptr list);

private:
    void addAdminLayer(Poco::JSON::Object& tree, std::map<std::string, bool>& adminKeys) const;
    static void redact(Poco::JSON::Object& object, bool secret, const std::string& path);
    void flatten(const Poco::Dynamic::Var& value, const std::string& key, const std::map<std::string, bool>& adminKeys,
                 Poco::JSON::Object& settings) const;

    const Config& _config;
    const PluginLifecycle& _lifecycle;
    const LogPipeline* _log;
    const ServiceDirectory* _directory;
};

} // namespace terrarium

#endif
