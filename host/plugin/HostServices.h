#ifndef Terrarium_HostServices_INCLUDED
#define Terrarium_HostServices_INCLUDED

#include <string>

namespace terrarium {

class HttpClient;
class LogPipeline;
class SecretCache;
class ServiceDirectory;

/// The host services behind the ABI 1.1 functions, attached once by the composition root before
/// any plugin loads (HostApi::attach). A null member makes the matching host function answer
/// TRM_ERR_UNAVAILABLE (log functions fall back to the host's Poco logger).
struct HostServices
{
    ServiceDirectory* directory = nullptr;   /// http_call with a service name
    HttpClient* client = nullptr;            /// http_call with an absolute URL
    SecretCache* secrets = nullptr;          /// secret_get
    LogPipeline* log = nullptr;              /// log, log_enabled
    std::string stateDir;                    /// config_get("terrarium.state_dir") answers it (empty: not answered)
};

} // namespace terrarium

#endif
