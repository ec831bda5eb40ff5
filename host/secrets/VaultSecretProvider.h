#ifndef Terrarium_VaultSecretProvider_INCLUDED
#define Terrarium_VaultSecretProvider_INCLUDED

#include "config/Config.h"
#include "secrets/HttpExchange.h"
#include "secrets/SecretClock.h"
#include "secrets/SecretProvider.h"

#include <Poco/Timespan.h>
#include <Poco/Types.h>

#include <mutex>
#include <string>

namespace terrarium {

/// Secrets from a Vault KV v2 mount: `GET <address>/v1/<mount>/data/<path>` with X-Vault-Token.
/// 200 → data.data (non-string values as JSON text); 404, or 200 without data → NotFound;
/// 403 → Forbidden; 5xx, 429, other statuses, an unparsable answer or no connection →
/// Unavailable.
///
/// The token comes from, in this order of precedence: Kubernetes auth when kubernetesRole is set
/// (`POST /v1/auth/<kubernetesAuthPath>/login` with the role and the service account JWT read
/// from kubernetesJwtFile), the token file when tokenFile is set (read at first use and again
/// after a 403), else the configured token. A token from a login is renewed lazily on the read
/// path once less than a third of its lease is left (`POST /v1/auth/token/renew-self`); when
/// renewal fails or the token is not renewable, the provider logs in again. After a 403 with a
/// token from a file or a login, the file is re-read (or a new login made) once and the read
/// retried; concurrent 403s on the same token share that one re-login. Tokens and values are
/// never put in messages or logs. Thread-safe.
class VaultSecretProvider : public SecretProvider
{
public:
    /// Throws Poco::InvalidArgumentException when config.address is not an http(s) URL or
    /// exchange is empty. timeout bounds each HTTP call; clock drives lease renewal.
    VaultSecretProvider(const VaultConfig& config, HttpExchange exchange,
        Poco::Timespan timeout = Poco::Timespan(5, 0), SecretClock clock = SecretClock());

    /// Overwrites the token in memory.
    ~VaultSecretProvider() override;

    VaultSecretProvider(const VaultSecretProvider&) = delete;
    VaultSecretProvider& operator=(const VaultSecretProvider&) = delete;

    SecretRead read(const std::string& path) override;

    /// "vault".
    std::string name() const override { return "vault"; }

    /// The KV v2 read URL of path (segments percent-encoded).
    std::string readUrl(const std::string& path) const;

private:
    enum class TokenSource
    {
        Configured,
        File,
        Kubernetes
    };

    /// Fills token and generation with a usable token; a failure read when there is none.
    SecretRead acquireToken(std::string& token, Poco::UInt64& generation);

    /// After a 403 with the token of generation: re-reads the file or logs in again (unless another
    /// thread already replaced that token). Found when a new token is there.
    SecretRead replaceToken(Poco::UInt64 generation);

    SecretRead readTokenFile();
    SecretRead login();
    bool renew();
    void adoptLogin(const std::string& token, Poco::Int64 leaseSeconds, bool renewable);
    HttpExchangeResult send(HttpExchangeRequest request) const;
    /// "HTTP <status> (<Vault's errors>)", with credential (the token or JWT sent) shown as <redacted>.
    std::string describe(const HttpExchangeResult& result, const std::string& credential) const;

    VaultConfig _config;
    std::string _address;
    HttpExchange _exchange;
    Poco::Timespan _timeout;
    SecretClock _clock;
    TokenSource _source;

    std::mutex _tokenMutex;         /// guards the fields below; held through a login or renewal
    std::string _token;             /// never logged
    Poco::UInt64 _generation = 0;   /// bumped whenever _token changes
    Poco::Int64 _issuedAt = 0;      /// clock time of the login or renewal
    Poco::Int64 _leaseMicros = 0;   /// 0: the token does not expire
    bool _renewable = false;
};

} // namespace terrarium

#endif
