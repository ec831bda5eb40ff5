#ifndef Terrarium_VaultFixture_INCLUDED
#define Terrarium_VaultFixture_INCLUDED

#include "FixtureServer.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Types.h>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace terrarium {
namespace test {

class TestCertificate;

/// A fake Vault (services.md §7) on 127.0.0.1 (ephemeral port), plain HTTP or HTTPS, for the
/// secrets tests and for integration tests that run terrariumd against it. It speaks the shapes
/// the Vault provider uses:
/// - `GET /v1/<mount>/data/<path>` with X-Vault-Token: 200 {"data":{"data":{…},"metadata":{"version",…}}};
///   no such path → 404 {"errors":[]}; deleted → 404 with data null and metadata.deletion_time;
///   bad or missing token → 403 {"errors":["permission denied"]}.
/// - `POST|PUT /v1/<mount>/data/<path>` {"data":{…}} writes a new version; `DELETE` deletes it.
/// - `GET /v1/<mount>/metadata/<path>?list=true` (or method LIST): {"data":{"keys":[…]}}, folders
///   ending in '/'; nothing below → 404 {"errors":[]}.
/// - `GET /v1/sys/health`: 200 {"initialized":true,"sealed":false,…} (no token needed).
/// - `POST /v1/auth/<kubernetes auth path>/login` {"role","jwt"}: 200 {"auth":{"client_token",
///   "lease_duration","renewable",…}} for a registered pair, 403 for a wrong role or jwt, 400
///   without them. Issued tokens read everything; their lease is reported, not enforced.
/// - `POST|PUT /v1/auth/token/renew-self` with X-Vault-Token: 200 with the same auth shape for a
///   renewable issued token, 400 for a token that is not renewable, 403 for an invalid one.
/// Every other path answers 404 {"errors":[]}. The mount is the first path segment ("secret"
/// unless told otherwise). Test controls below; everything is thread-safe and the server keeps
/// serving many keep-alive connections at once.
class VaultFixture
{
public:
    /// The path and values of the platform's demo secret (services.md §7).
    static const char* const DEMO_PATH;

    /// HTTPS with certificate when it is given (it must outlive the fixture), else plain HTTP.
    /// Starts listening at once, with no secrets and no valid token.
    explicit VaultFixture(const TestCertificate* certificate = nullptr);

    /// Closes every connection and joins the threads.
    ~VaultFixture();

    VaultFixture(const VaultFixture&) = delete;
    VaultFixture& operator=(const VaultFixture&) = delete;

    /// The bound port (the same after a down/up cycle).
    Poco::UInt16 port() const { return _server.port(); }

    /// "http://127.0.0.1:<port>" ("https://" for an HTTPS fixture): the VAULT_ADDR to configure.
    std::string baseUrl() const;

    /// Writes a new version of path in mount (string values).
    void putSecret(const std::string& path, const std::map<std::string, std::string>& values, const std::string& mount = "secret");

    /// Writes a new version of path in mount from a JSON object text (numbers, booleans, objects kept
    /// as they are); throws Poco::Exception when json is not an object.
    void putSecretJson(const std::string& path, const std::string& json, const std::string& mount = "secret");

    /// Deletes the current version of path (reads answer 404 with deletion metadata; a later put
    /// makes a new version). False when there was no such path.
    bool deleteSecret(const std::string& path, const std::string& mount = "secret");

    /// The secret demo data: secret/custom-client/config with api_key, database_url, jwt_secret,
    /// encryption_key, log_level and max_connections; also accepts token when it is not empty
    /// (e.g. "root", as a dev-mode Vault does).
    void seedDemoData(const std::string& token = std::string());

    /// The values of the demo secret, as seedDemoData() writes them.
    static std::map<std::string, std::string> demoData();

    /// Accepts token; with prefixes, only for paths (of any mount) that equal or start with one of
    /// them + "/" (other paths answer 403).
    void addToken(const std::string& token, const std::vector<std::string>& prefixes = {});

    /// Stops accepting token (static or issued by a login).
    void revokeToken(const std::string& token);

    /// Stops accepting every token issued by a login so far (clients must log in again).
    void revokeIssuedTokens();

    /// Registers a Kubernetes role: a login with role and jwt gets a token with this lease.
    void addKubernetesRole(const std::string& role, const std::string& jwt, Poco::Int64 leaseSeconds = 3600, bool renewable = true);

    /// The Kubernetes auth mount: logins go to /v1/auth/<path>/login ("kubernetes" by default).
    void setKubernetesAuthPath(const std::string& path);

    /// Non-zero: every request (health included) answers this status with {"errors":[…]}, as a
    /// sealed or overloaded Vault does (e.g. 503); 0: normal again.
    void setFailureStatus(int status);

    /// true: stops listening and cuts open connections (clients get "connection refused");
    /// false: listens again on the same port.
    void setDown(bool down);

    /// GETs of the data of path in mount so far, whatever they answered.
    unsigned reads(const std::string& path, const std::string& mount = "secret") const;

    /// GETs of the data of any path so far.
    unsigned totalReads() const;

    /// Successful Kubernetes logins so far.
    unsigned logins() const;

    /// Successful renew-self calls so far.
    unsigned renewals() const;

    /// Every request received so far.
    unsigned requests() const;

    /// Serves one request (called on a server thread).
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

private:
    struct Secret
    {
        Poco::JSON::Object::Ptr data;   /// the current version's data; null when deleted
        int version = 0;
        std::string createdTime;
        std::string deletionTime;
    };

    struct Token
    {
        std::vector<std::string> prefixes;  /// empty: every path
        bool issued = false;                /// by a login
        Poco::Int64 leaseSeconds = 0;
        bool renewable = false;
    };

    struct Role
    {
        std::string jwt;
        Poco::Int64 leaseSeconds = 3600;
        bool renewable = true;
    };

    void put(const std::string& mount, const std::string& path, Poco::JSON::Object::Ptr data);
    bool allowed(const std::string& token, const std::string& path) const;
    void handleData(const std::string& method, const std::string& mount, const std::string& path, const std::string& token,
        const std::string& body, Poco::Net::HTTPServerResponse& response);
    void handleList(const std::string& mount, const std::string& path, const std::string& token, Poco::Net::HTTPServerResponse& response);
    void handleLogin(const std::string& body, Poco::Net::HTTPServerResponse& response);
    void handleRenew(const std::string& token, Poco::Net::HTTPServerResponse& response);

    FixtureServer<VaultFixture> _server;

    mutable std::mutex _mutex;  /// guards the fields below
    std::map<std::string, Secret> _secrets;  /// "<mount>/<path>"
    std::map<std::string, Token> _tokens;
    std::map<std::string, Role> _roles;
    std::string _kubernetesAuthPath = "kubernetes";
    int _failureStatus = 0;
    std::map<std::string, unsigned> _reads;  /// "<mount>/<path>"
    unsigned _totalReads = 0;
    unsigned _logins = 0;
    unsigned _renewals = 0;
    unsigned _requests = 0;
    unsigned _issued = 0;
};

} // namespace test
} // namespace terrarium

#endif
