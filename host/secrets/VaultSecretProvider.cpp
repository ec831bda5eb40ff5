#include "secrets/VaultSecretProvider.h"

#include "secrets/SecretPath.h"
#include "secrets/SecretValues.h"

#include <Poco/Clock.h>
#include <Poco/Exception.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <sstream>

namespace terrarium {

namespace {

const char* const PATH_RESERVED = "/?#[]@!$&'()*+,;=:";
const std::size_t MAX_ERROR_TEXT = 200;

Poco::Logger& logger()
{
    return Poco::Logger::get("secrets");
}

std::string encodedPath(const std::string& path)
{
    std::string encoded;
    bool first = true;
    for (const std::string& segment : SecretPath::segments(path))
    {
        if (!first)
            encoded += '/';
        Poco::URI::encode(segment, PATH_RESERVED, encoded);
        first = false;
    }
    return encoded;
}

/// The body parsed as a JSON object, or null.
Poco::JSON::Object::Ptr parseObject(const std::string& body)
{
    try
    {
        return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
    }
    catch (const Poco::Exception&)
    {
        return nullptr;
    }
}

/// The first line of file, trimmed; throws Poco::FileException.
std::string readTrimmedFile(const std::string& file)
{
    Poco::FileInputStream stream(file);
    std::string content;
    std::getline(stream, content, '\0');
    Poco::trimInPlace(content);
    return content;
}

} // namespace

VaultSecretProvider::VaultSecretProvider(const VaultConfig& config, HttpExchange exchange, Poco::Timespan timeout, SecretClock clock) :
    _config(config),
    _address(config.address),
    _exchange(std::move(exchange)),
    _timeout(timeout),
    _clock(clock ? std::move(clock) : SecretClock([] { return Poco::Clock().raw(); })),
    _source(!config.kubernetesRole.empty() ? TokenSource::Kubernetes
            : !config.tokenFile.empty()    ? TokenSource::File
                                           : TokenSource::Configured)
{
    while (!_address.empty() && _address.back() == '/')
        _address.pop_back();
    if (_address.compare(0, 7, "http://") != 0 && _address.compare(0, 8, "https://") != 0)
        throw Poco::InvalidArgumentException("secrets.vault.address: expected an http:// or https:// URL, got '" + config.address + "'");
    if (!_exchange)
        throw Poco::InvalidArgumentException("VaultSecretProvider: no HTTP transport given");
    const std::string invalidMount = SecretPath::check(config.mount);
    if (!invalidMount.empty())
        throw Poco::InvalidArgumentException("secrets.vault.mount: " + invalidMount);
    if (_source == TokenSource::Configured && !_config.token.empty())
    {
        _token = _config.token;
        _generation = 1;
    }
    SecretValues::wipe(_config.token);
}

VaultSecretProvider::~VaultSecretProvider()
{
    SecretValues::wipe(_token);
}

std::string VaultSecretProvider::readUrl(const std::string& path) const
{
    return _address + "/v1/" + encodedPath(_config.mount) + "/data/" + encodedPath(path);
}

SecretRead VaultSecretProvider::read(const std::string& path)
{
    const std::string invalid = SecretPath::check(path);
    if (!invalid.empty())
        return SecretRead::failure(SecretOutcome::Invalid, invalid);
    std::string token;
    Poco::UInt64 generation = 0;
    SecretRead ready = acquireToken(token, generation);
    if (ready.outcome != SecretOutcome::Found)
        return ready;
    for (int attempt = 0;; ++attempt)
    {
        HttpExchangeRequest request;
        request.method = "GET";
        request.url = readUrl(path);
        request.headers.emplace_back("X-Vault-Token", token);
        request.timeout = _timeout;
        HttpExchangeResult result = send(std::move(request));
        const std::string failure = result.reached && result.status != 200 && result.status != 404 ? describe(result, token) : std::string();
        SecretValues::wipe(token);
        if (!result.reached)
            return SecretRead::failure(SecretOutcome::Unavailable,
                "Vault unreachable reading secret path '" + path + "': " + result.error);
        if (result.status == 403 && attempt == 0 && _source != TokenSource::Configured)
        {
            SecretRead replaced = replaceToken(generation);
            if (replaced.outcome != SecretOutcome::Found)
                return replaced;
            ready = acquireToken(token, generation);
            if (ready.outcome != SecretOutcome::Found)
                return ready;
            continue;
        }
        if (result.status == 200)
        {
            Poco::JSON::Object::Ptr body = parseObject(result.body);
            SecretValues::wipe(result.body);
            if (!body)
                return SecretRead::failure(SecretOutcome::Unavailable,
                    "Vault answered 200 with a body that is not a JSON object for secret path '" + path + "'");
            Poco::JSON::Object::Ptr data = body->getObject("data");
            Poco::JSON::Object::Ptr values = data ? data->getObject("data") : nullptr;
            if (!values)
                return SecretRead::failure(SecretOutcome::NotFound,
                    "secret path '" + path + "' has no current version in Vault mount '" + _config.mount + "' (deleted or destroyed)");
            return SecretRead::found(SecretValues::fromJson(*values));
        }
        if (result.status == 404)
            return SecretRead::failure(SecretOutcome::NotFound,
                "secret path '" + path + "' not found in Vault mount '" + _config.mount + "'");
        if (result.status == 403)
            return SecretRead::failure(SecretOutcome::Forbidden,
                "Vault refused access to secret path '" + path + "': " + failure);
        return SecretRead::failure(SecretOutcome::Unavailable,
            "Vault read of secret path '" + path + "' failed: " + failure);
    }
}

SecretRead VaultSecretProvider::acquireToken(std::string& token, Poco::UInt64& generation)
{
    std::lock_guard<std::mutex> lock(_tokenMutex);
    if (_source == TokenSource::File)
    {
        if (_token.empty())
        {
            SecretRead loaded = readTokenFile();
            if (loaded.outcome != SecretOutcome::Found)
                return loaded;
        }
    }
    else if (_source == TokenSource::Kubernetes && _token.empty())
    {
        SecretRead loggedIn = login();
        if (loggedIn.outcome != SecretOutcome::Found)
            return loggedIn;
    }
    else if (_source == TokenSource::Kubernetes && _leaseMicros > 0 && _clock() - _issuedAt >= _leaseMicros * 2 / 3)
    {
        if (!(_renewable && renew()))
        {
            SecretRead loggedIn = login();
            if (loggedIn.outcome != SecretOutcome::Found)
            {
                if (_clock() - _issuedAt >= _leaseMicros)
                    return loggedIn;
                logger().warning("Vault: " + loggedIn.message + "; using the current token until its lease ends");
            }
        }
    }
    if (_token.empty())
        return SecretRead::failure(SecretOutcome::Forbidden,
            "no Vault token configured (set secrets.vault.token or VAULT_TOKEN, secrets.vault.token_file, or secrets.vault.kubernetes.role)");
    token = _token;
    generation = _generation;
    return SecretRead::found({});
}

SecretRead VaultSecretProvider::replaceToken(Poco::UInt64 generation)
{
    std::lock_guard<std::mutex> lock(_tokenMutex);
    if (_generation != generation && !_token.empty())
        return SecretRead::found({});
    if (_source == TokenSource::File)
    {
        logger().information("Vault answered 403: reading the token file " + _config.tokenFile + " again");
        return readTokenFile();
    }
    logger().information("Vault answered 403: logging in again with Kubernetes auth (role '" + _config.kubernetesRole + "')");
    return login();
}

SecretRead VaultSecretProvider::readTokenFile()
{
    std::string token;
    try
    {
        token = readTrimmedFile(_config.tokenFile);
    }
    catch (const Poco::Exception& error)
    {
        return SecretRead::failure(SecretOutcome::Forbidden, "cannot read the Vault token file: " + error.displayText());
    }
    if (token.empty())
        return SecretRead::failure(SecretOutcome::Forbidden, "the Vault token file " + _config.tokenFile + " is empty");
    SecretValues::wipe(_token);
    _token = std::move(token);
    ++_generation;
    _issuedAt = _clock();
    _leaseMicros = 0;
    return SecretRead::found({});
}

SecretRead VaultSecretProvider::login()
{
    const std::string what = "Vault Kubernetes login (role '" + _config.kubernetesRole + "', auth path '" + _config.kubernetesAuthPath + "')";
    std::string jwt;
    try
    {
        jwt = readTrimmedFile(_config.kubernetesJwtFile);
    }
    catch (const Poco::Exception& error)
    {
        return SecretRead::failure(SecretOutcome::Forbidden,
            what + ": cannot read the service account token: " + error.displayText());
    }
    if (jwt.empty())
        return SecretRead::failure(SecretOutcome::Forbidden,
            what + ": the service account token file " + _config.kubernetesJwtFile + " is empty");
    Poco::JSON::Object credentials;
    credentials.set("role", _config.kubernetesRole);
    credentials.set("jwt", jwt);
    HttpExchangeRequest request;
    request.method = "POST";
    request.url = _address + "/v1/auth/" + encodedPath(_config.kubernetesAuthPath) + "/login";
    request.headers.emplace_back("Content-Type", "application/json");
    request.timeout = _timeout;
    std::ostringstream body;
    credentials.stringify(body);
    credentials.set("jwt", std::string());
    request.body = body.str();
    HttpExchangeResult result = send(std::move(request));
    const std::string refusal = result.reached && result.status != 200 ? describe(result, jwt) : std::string();
    SecretValues::wipe(jwt);
    if (!result.reached)
        return SecretRead::failure(SecretOutcome::Unavailable, what + ": Vault unreachable: " + result.error);
    if (result.status != 200)
    {
        const bool refused = result.status >= 400 && result.status < 500 && result.status != 429;
        return SecretRead::failure(refused ? SecretOutcome::Forbidden : SecretOutcome::Unavailable,
            what + (refused ? " refused: " : " failed: ") + refusal);
    }
    Poco::JSON::Object::Ptr answer = parseObject(result.body);
    SecretValues::wipe(result.body);
    Poco::JSON::Object::Ptr auth = answer ? answer->getObject("auth") : nullptr;
    if (!auth || !auth->has("client_token") || !auth->get("client_token").isString())
        return SecretRead::failure(SecretOutcome::Unavailable, what + ": the answer has no auth.client_token");
    const Poco::Int64 lease = auth->optValue<Poco::Int64>("lease_duration", 0);
    adoptLogin(auth->getValue<std::string>("client_token"), lease, auth->optValue<bool>("renewable", false));
    auth->set("client_token", std::string());
    logger().information(what + " succeeded (lease " + std::to_string(lease) + " s)");
    return SecretRead::found({});
}

bool VaultSecretProvider::renew()
{
    HttpExchangeRequest request;
    request.method = "POST";
    request.url = _address + "/v1/auth/token/renew-self";
    request.headers.emplace_back("X-Vault-Token", _token);
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = "{}";
    request.timeout = _timeout;
    HttpExchangeResult result = send(std::move(request));
    Poco::JSON::Object::Ptr answer = result.reached && result.status == 200 ? parseObject(result.body) : nullptr;
    SecretValues::wipe(result.body);
    Poco::JSON::Object::Ptr auth = answer ? answer->getObject("auth") : nullptr;
    if (!auth || !auth->has("client_token") || !auth->get("client_token").isString())
    {
        logger().warning("Vault token renewal failed (" + (result.reached ? describe(result, _token) : result.error) + "); logging in again");
        return false;
    }
    adoptLogin(auth->getValue<std::string>("client_token"), auth->optValue<Poco::Int64>("lease_duration", 0),
        auth->optValue<bool>("renewable", false));
    auth->set("client_token", std::string());
    logger().debug("Vault token renewed");
    return true;
}

void VaultSecretProvider::adoptLogin(const std::string& token, Poco::Int64 leaseSeconds, bool renewable)
{
    SecretValues::wipe(_token);
    _token = token;
    ++_generation;
    _issuedAt = _clock();
    _leaseMicros = leaseSeconds > 0 ? leaseSeconds * 1000 * 1000 : 0;
    _renewable = renewable;
}

HttpExchangeResult VaultSecretProvider::send(HttpExchangeRequest request) const
{
    HttpExchangeResult result;
    try
    {
        result = _exchange(request);
    }
    catch (const Poco::Exception& error)
    {
        result = HttpExchangeResult();
        result.error = error.displayText();
    }
    catch (const std::exception& error)
    {
        result = HttpExchangeResult();
        result.error = error.what();
    }
    for (auto& header : request.headers)
        SecretValues::wipe(header.second);
    SecretValues::wipe(request.body);
    if (!result.reached && result.error.empty())
        result.error = "no connection to " + _address;
    return result;
}

std::string VaultSecretProvider::describe(const HttpExchangeResult& result, const std::string& credential) const
{
    std::string text = "HTTP " + std::to_string(result.status);
    Poco::JSON::Object::Ptr body = parseObject(result.body);
    Poco::JSON::Array::Ptr errors = body ? body->getArray("errors") : nullptr;
    if (!errors || errors->size() == 0)
        return text;
    std::string joined;
    for (std::size_t index = 0; index < errors->size(); ++index)
    {
        if (!joined.empty())
            joined += "; ";
        joined += errors->get(static_cast<unsigned>(index)).convert<std::string>();
    }
    if (!credential.empty())
        Poco::replaceInPlace(joined, credential, std::string("<redacted>"));
    if (joined.size() > MAX_ERROR_TEXT)
        joined = joined.substr(0, MAX_ERROR_TEXT) + "...";
    return text + " (" + joined + ")";
}

} // namespace terrarium
