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
#include <vector>

namespace terrarium {

class WebSocketHandle;

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

    /// Remembers a WebSocket the plugin accepted, to close it when the generation retires.
    void trackWebSocket(const std::shared_ptr<WebSocketHandle>& handle);

    /// Closes every WebSocket still open (TRM_WS_CLOSE_GOING_AWAY) and stops tracking them.
    void closeWebSockets();

private:
    std::string _name;
    Poco::Logger& _logger;
    Poco::JSON::Object::Ptr _settings;
    std::shared_ptr<PluginMetrics> _metrics;
    std::mutex _mutex;
    std::map<std::string, std::string, std::less<>> _values;   /// answers already given (stable storage)
    std::mutex _webSocketsMutex;
    std::vector<std::weak_ptr<WebSocketHandle>> _webSockets;
};

} // namespace terrarium

#endif
