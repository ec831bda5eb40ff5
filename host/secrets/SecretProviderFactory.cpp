#include "secrets/SecretProviderFactory.h"

#include "secrets/EnvSecretProvider.h"
#include "secrets/FileSecretProvider.h"
#include "secrets/VaultSecretProvider.h"

#include <Poco/Exception.h>

namespace terrarium {

std::unique_ptr<SecretProvider> SecretProviderFactory::create(const SecretsConfig& config, const std::string& stateDir, HttpExchange vaultExchange)
{
    std::string provider = config.provider;
    if (provider == "auto")
        provider = config.vault.address.empty() ? "files" : "vault";
    if (provider == "vault")
    {
        if (config.vault.address.empty())
            throw Poco::InvalidArgumentException(
                "secrets.vault.address: required with secrets.provider \"" + config.provider + "\" (or set VAULT_ADDR)");
        if (!vaultExchange)
            throw Poco::InvalidArgumentException("secrets.provider \"vault\": no HTTP transport given for Vault");
        return std::make_unique<VaultSecretProvider>(config.vault, std::move(vaultExchange));
    }
    if (provider == "files")
    {
        std::string dir = config.filesDir;
        if (dir.empty() && !stateDir.empty())
            dir = stateDir + (stateDir.back() == '/' ? "secrets" : "/secrets");
        if (dir.empty())
            throw Poco::InvalidArgumentException("secrets.files.dir: empty, and there is no state directory to default to");
        return std::make_unique<FileSecretProvider>(dir);
    }
    if (provider == "env")
    {
        if (config.envPrefix.empty())
            throw Poco::InvalidArgumentException("secrets.env.prefix: empty; expected a variable name prefix such as \"SECRET_\"");
        return std::make_unique<EnvSecretProvider>(config.envPrefix);
    }
    throw Poco::InvalidArgumentException("secrets.provider: unknown provider \"" + config.provider
        + "\"; expected \"auto\", \"vault\", \"files\" or \"env\"");
}

} // namespace terrarium
