#ifndef Terrarium_PluginContext_INCLUDED
#define Terrarium_PluginContext_INCLUDED

#include "plugin/PluginMetrics.h"

#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace terrarium {

/// What the host knows about one plugin instance when the plugin calls a host function: its name,
/// logger, configuration and metrics. Handed to the plugin as its opaque trm_host_ctx.
class PluginContext
{
public:
    PluginContext(std::string name, Poco::JSON::Object::Ptr settings, std::shared_ptr<PluginMetrics> metrics);

    const std::string& name() const { return _name; }

    /// The plugin's logger ("plugin.<name>").
    Poco::Logger& logger() const { return _logger; }

    /// The value at a dotted key of the settings as text (objects and arrays as JSON); the
    /// returned string stays valid as long as this context. nullptr when absent.
    const std::string* configValue(std::string_view key);

    PluginMetrics& metrics() const { return *_metrics; }

private:
    std::string _name;
    Poco::Logger& _logger;
    Poco::JSON::Object::Ptr _settings;
    std::shared_ptr<PluginMetrics> _metrics;
    std::mutex _mutex;
    std::map<std::string, std::string, std::less<>> _values;   /// answers already given (stable storage)
};

} // namespace terrarium

#endif
