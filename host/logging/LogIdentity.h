#ifndef Terrarium_LogIdentity_INCLUDED
#define Terrarium_LogIdentity_INCLUDED

#include <string>

namespace terrarium {

struct LogConfig;

/// Who ships the records: the metadata every logthon entry carries (§6 of services.md).
struct LogIdentity
{
    std::string serviceName = "terrarium";  /// metadata.service_name: the host (SERVICE_NAME)
    std::string containerId;                /// metadata.container_id
    std::string containerName;              /// metadata.container_name

    /// From config.serviceName and config.containerName; empty ones fall back to "terrarium" and
    /// to the environment (CONTAINER_NAME, POD_NAME, HOSTNAME, then the node name). containerId is
    /// HOSTNAME (a container's short id under Docker), else the node name.
    static LogIdentity fromConfig(const LogConfig& config);
};

} // namespace terrarium

#endif
