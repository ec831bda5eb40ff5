#ifndef Terrarium_HostServicesConfigParser_INCLUDED
#define Terrarium_HostServicesConfigParser_INCLUDED

#include "config/Config.h"

#include <Poco/Dynamic/Var.h>

#include <string>

namespace terrarium {

/// Parses the sections of the file that configure what the host provides: TLS blocks, the HTTP
/// client ("client"), the forwarding of upstream routes ("proxy"), secrets ("secrets"), the service directory ("services") and logging ("log").
class HostServicesConfigParser
{
public:
    /// The TLS block at key (a listener's, the admin listener's or the main "tls").
    static TlsServerConfig parseTls(const Poco::Dynamic::Var& value, const std::string& key);

    /// text, checked as a service base URL: http or https, a host, no query or fragment.
    static std::string serviceUrl(const std::string& text, const std::string& key);

    /// Sets config.services from the "services" object of name -> base URL.
    static void parseServices(const Poco::Dynamic::Var& value, Config& config);

    /// Sets client from the "client" object.
    static void parseClient(const Poco::Dynamic::Var& value, ClientConfig& client);

    /// Sets proxy from the "proxy" object (the threads of upstream routes).
    static void parseProxy(const Poco::Dynamic::Var& value, ProxyConfig& proxy);

    /// Sets secrets from the "secrets" object.
    static void parseSecrets(const Poco::Dynamic::Var& value, SecretsConfig& secrets);

    /// Sets config.logLevel and config.log from the "log" object.
    static void parseLog(const Poco::Dynamic::Var& value, Config& config);

private:
    static void parseVault(const Poco::Dynamic::Var& value, VaultConfig& vault);
};

} // namespace terrarium

#endif
