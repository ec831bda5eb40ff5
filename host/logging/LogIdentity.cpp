#include "logging/LogIdentity.h"

#include "config/Config.h"

#include <Poco/Environment.h>

namespace terrarium {

namespace {

std::string firstSetVariable(std::initializer_list<const char*> names)
{
    for (const char* name : names)
    {
        const std::string value = Poco::Environment::get(name, "");
        if (!value.empty())
            return value;
    }
    return std::string();
}

std::string nodeName()
{
    try
    {
        return Poco::Environment::nodeName();
    }
    catch (const Poco::Exception&)
    {
        return "unknown";
    }
}

} // namespace

LogIdentity LogIdentity::fromConfig(const LogConfig& config)
{
    LogIdentity identity;
    if (!config.serviceName.empty())
        identity.serviceName = config.serviceName;
    identity.containerName = config.containerName;
    if (identity.containerName.empty())
        identity.containerName = firstSetVariable({"CONTAINER_NAME", "POD_NAME", "HOSTNAME"});
    if (identity.containerName.empty())
        identity.containerName = nodeName();
    identity.containerId = firstSetVariable({"HOSTNAME"});
    if (identity.containerId.empty())
        identity.containerId = nodeName();
    return identity;
}

} // namespace terrarium
