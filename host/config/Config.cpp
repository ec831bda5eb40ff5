#include "config/Config.h"

namespace terrarium {

Poco::JSON::Object::Ptr Config::pluginSettings(const std::string& name) const
{
    auto it = plugins.find(name);
    if (it != plugins.end() && it->second.settings)
        return it->second.settings;
    return new Poco::JSON::Object;
}

} // namespace terrarium
