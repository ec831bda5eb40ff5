#include "plugin/PluginContext.h"

#include "plugin/WebSocketHandle.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/StringTokenizer.h>

#include <algorithm>
#include <sstream>

namespace terrarium {

PluginContext::PluginContext(std::string name, Poco::JSON::Object::Ptr settings, std::shared_ptr<PluginMetrics> metrics)
    : _name(std::move(name)),
      _logger(Poco::Logger::get("plugin." + _name)),
      _settings(settings ? settings : Poco::JSON::Object::Ptr(new Poco::JSON::Object)),
      _metrics(std::move(metrics))
{
}

const std::string* PluginContext::configValue(std::string_view key)
{
    std::lock_guard lock(_mutex);
    auto known = _values.find(key);
    if (known != _values.end()) return &known->second;

    Poco::Dynamic::Var value = _settings;
    if (!key.empty())
    {
        Poco::StringTokenizer parts(std::string(key), ".");
        for (const auto& part : parts)
        {
            if (value.type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
            auto object = value.extract<Poco::JSON::Object::Ptr>();
            if (!object->has(part)) return nullptr;
            value = object->get(part);
        }
    }
    std::string text;
    if (value.type() == typeid(Poco::JSON::Object::Ptr) || value.type() == typeid(Poco::JSON::Array::Ptr))
    {
        std::ostringstream out;
        Poco::JSON::Stringifier::condense(value, out);
        text = out.str();
    }
    else if (value.isEmpty())
        text = "null";
    else
        text = value.convert<std::string>();
    return &_values.emplace(std::string(key), std::move(text)).first->second;
}

void PluginContext::trackWebSocket(const std::shared_ptr<WebSocketHandle>& handle)
{
    std::lock_guard lock(_webSocketsMutex);
    _webSockets.erase(std::remove_if(_webSockets.begin(), _webSockets.end(), [](const auto& weak) { return weak.expired(); }),
                      _webSockets.end());
    _webSockets.push_back(handle);
}

void PluginContext::closeWebSockets()
{
    std::vector<std::weak_ptr<WebSocketHandle>> open;
    {
        std::lock_guard lock(_webSocketsMutex);
        open.swap(_webSockets);
    }
    for (const auto& weak : open)
        if (auto handle = weak.lock()) handle->goAway();
}

} // namespace terrarium
