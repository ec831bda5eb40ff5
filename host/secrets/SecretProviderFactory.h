#ifndef Terrarium_SecretProviderFactory_INCLUDED
#define Terrarium_SecretProviderFactory_INCLUDED

#include "config/Config.h"
#include "secrets/HttpExchange.h"
#include "secrets/SecretProvider.h"

#include <memory>
#include <string>

namespace terrarium {

/// Builds the secret provider the "secrets" configuration asks for.
class SecretProviderFactory
{
public:
    /// The provider of config.provider: "vault" (VaultSecretProvider over vaultExchange), "files"
    /// (FileSecretProvider below config.filesDir, or <stateDir>/secrets when that is empty), "env"
    /// (EnvSecretProvider with config.envPrefix), or "auto": vault when config.vault.address is
    /// set, else files. Throws Poco::InvalidArgumentException naming the configuration key at fault
    /// (secrets.provider, secrets.vault.address, secrets.vault.mount, secrets.files.dir,
    /// secrets.env.prefix), or the missing transport for vault.
    static std::unique_ptr<SecretProvider> create(const SecretsConfig& config, const std::string& stateDir, HttpExchange vaultExchange);
};

} // namespace terrarium

#endif
