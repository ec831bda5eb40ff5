#include "VaultFixture.h"

#include "FixtureJson.h"
#include "TestCertificate.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

namespace terrarium {
namespace test {

namespace {

void sendErrors(Poco::Net::HTTPServerResponse& response, int status, const std::vector<std::string>& errors)
{
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const std::string& error : errors)
        list->add(error);
    Poco::JSON::Object body;
    body.set("errors", list);
    FixtureJson::send(response, status, body);
}

void sendEmpty(Poco::Net::HTTPServerResponse& response, int status)
{
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    response.setContentLength(0);
    response.send();
}

std::string now()
{
    return Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::ISO8601_FRAC_FORMAT);
}

/// The envelope every Vault answer shares, with data and auth set by the caller.
Poco::JSON::Object envelope(unsigned requestNumber)
{
    Poco::JSON::Object body;
    body.set("request_id", "fixture-" + std::to_string(requestNumber));
    body.set("lease_id", "");
    body.set("renewable", false);
    body.set("lease_duration", 0);
    body.set("data", Poco::Dynamic::Var());
    body.set("wrap_info", Poco::Dynamic::Var());
    body.set("warnings", Poco::Dynamic::Var());
    body.set("auth", Poco::Dynamic::Var());
    return body;
}

/// The TLS server context for certificate; null (plain HTTP) without one.
Poco::Net::Context::Ptr serverContext(const TestCertificate* certificate)
{
    if (!certificate)
        return nullptr;
    Poco::Net::Context::Params params;
    params.certificateFile = certificate->certFile();
    params.privateKeyFile = certificate->keyFile();
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    return new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
}

Poco::JSON::Object::Ptr parseObject(const std::string& text)
{
    try
    {
        return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    }
    catch (const Poco::Exception&)
    {
        return nullptr;
    }
}

} // namespace

const char* const VaultFixture::DEMO_PATH = "custom-client/config";

VaultFixture::VaultFixture(const TestCertificate* certificate) : _server(*this, 64, 128, serverContext(certificate))
{
    _server.start();
}

VaultFixture::~VaultFixture()
{
    _server.stop();
}

std::string VaultFixture::baseUrl() const
{
    return std::string(_server.secure() ? "https" : "http") + "://127.0.0.1:" + std::to_string(_server.port());
}

void VaultFixture::putSecret(const std::string& path, const std::map<std::string, std::string>& values, const std::string& mount)
{
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object;
    for (const auto& value : values)
        data->set(value.first, value.second);
    put(mount, path, data);
}

void VaultFixture::putSecretJson(const std::string& path, const std::string& json, const std::string& mount)
{
    put(mount, path, Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>());
}

bool VaultFixture::deleteSecret(const std::string& path, const std::string& mount)
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto found = _secrets.find(mount + "/" + path);
    if (found == _secrets.end() || !found->second.data)
        return false;
    found->second.data = nullptr;
    found->second.deletionTime = now();
    return true;
}

void VaultFixture::seedDemoData(const std::string& token)
{
    putSecret(DEMO_PATH, demoData());
    if (!token.empty())
        addToken(token);
}

std::map<std::string, std::string> VaultFixture::demoData()
{
    return {
        {"api_key", "mock-api-key-12345"},
        {"database_url", "postgresql://user:pass@db:5432/app"},
        {"jwt_secret", "mock-jwt-secret-67890"},
        {"encryption_key", "mock-encryption-key-abcdef"},
        {"log_level", "INFO"},
        {"max_connections", "100"},
    };
}

void VaultFixture::addToken(const std::string& token, const std::vector<std::string>& prefixes)
{
    std::lock_guard<std::mutex> lock(_mutex);
    Token& entry = _tokens[token];
    entry.prefixes = prefixes;
    entry.issued = false;
}

void VaultFixture::revokeToken(const std::string& token)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _tokens.erase(token);
}

void VaultFixture::revokeIssuedTokens()
{
    std::lock_guard<std::mutex> lock(_mutex);
    for (auto token = _tokens.begin(); token != _tokens.end();)
        token = token->second.issued ? _tokens.erase(token) : std::next(token);
}

void VaultFixture::addKubernetesRole(const std::string& role, const std::string& jwt, Poco::Int64 leaseSeconds, bool renewable)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _roles[role] = Role{jwt, leaseSeconds, renewable};
}

void VaultFixture::setKubernetesAuthPath(const std::string& path)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _kubernetesAuthPath = path;
}

void VaultFixture::setFailureStatus(int status)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _failureStatus = status;
}

void VaultFixture::setDown(bool down)
{
    _server.setDown(down);
}

unsigned VaultFixture::reads(const std::string& path, const std::string& mount) const
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto found = _reads.find(mount + "/" + path);
    return found == _reads.end() ? 0 : found->second;
}

unsigned VaultFixture::totalReads() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _totalReads;
}

unsigned VaultFixture::logins() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _logins;
}

unsigned VaultFixture::renewals() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _renewals;
}

unsigned VaultFixture::requests() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _requests;
}

void VaultFixture::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
    std::string body;
    if (request.hasContentLength() || request.getChunkedTransferEncoding())   // else (LIST) Poco would read to EOF
        Poco::StreamCopier::copyToString(request.stream(), body);
    const Poco::URI uri(request.getURI());
    const std::string path = uri.getPath();
    const std::string method = Poco::toUpper(request.getMethod());
    std::string token = request.get("X-Vault-Token", "");
    const std::string authorization = request.get("Authorization", "");
    if (token.empty() && Poco::icompare(authorization.substr(0, 7), "Bearer ") == 0)
        token = authorization.substr(7);
    std::string authPath;
    int failureStatus = 0;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        ++_requests;
        authPath = _kubernetesAuthPath;
        failureStatus = _failureStatus;
    }
    if (failureStatus != 0)
    {
        sendErrors(response, failureStatus, {failureStatus == 503 ? "Vault is sealed" : "failing on purpose"});
        return;
    }
    if (path == "/v1/sys/health" && (method == "GET" || method == "HEAD"))
    {
        Poco::JSON::Object health;
        health.set("initialized", true);
        health.set("sealed", false);
        health.set("standby", false);
        health.set("performance_standby", false);
        health.set("replication_performance_mode", "disabled");
        health.set("replication_dr_mode", "disabled");
        health.set("server_time_utc", static_cast<Poco::Int64>(Poco::Timestamp().epochTime()));
        health.set("version", "1.15.0+fixture");
        health.set("cluster_name", "vault-fixture");
        FixtureJson::send(response, 200, health);
        return;
    }
    if (path == "/v1/auth/" + authPath + "/login" && (method == "POST" || method == "PUT"))
    {
        handleLogin(body, response);
        return;
    }
    if (path == "/v1/auth/token/renew-self" && (method == "POST" || method == "PUT"))
    {
        handleRenew(token, response);
        return;
    }
    if (path.compare(0, 4, "/v1/") == 0)
    {
        const std::string rest = path.substr(4);
        const std::string::size_type slash = rest.find('/');
        if (slash != std::string::npos && slash > 0)
        {
            const std::string mount = rest.substr(0, slash);
            const std::string below = rest.substr(slash + 1);
            if (below.compare(0, 5, "data/") == 0 && below.size() > 5)
            {
                handleData(method, mount, below.substr(5), token, body, response);
                return;
            }
            if (below == "metadata" || below.compare(0, 9, "metadata/") == 0)
            {
                std::string listed = below.size() > 9 ? below.substr(9) : std::string();
                while (!listed.empty() && listed.back() == '/')
                    listed.pop_back();
                bool list = method == "LIST";
                for (const auto& parameter : uri.getQueryParameters())
                    if (parameter.first == "list" && parameter.second == "true")
                        list = true;
                if (list && (method == "GET" || method == "LIST"))
                {
                    handleList(mount, listed, token, response);
                    return;
                }
            }
        }
    }
    sendErrors(response, 404, {});
}

void VaultFixture::put(const std::string& mount, const std::string& path, Poco::JSON::Object::Ptr data)
{
    std::lock_guard<std::mutex> lock(_mutex);
    Secret& secret = _secrets[mount + "/" + path];
    secret.data = new Poco::JSON::Object(*data);
    ++secret.version;
    secret.createdTime = now();
    secret.deletionTime.clear();
}

bool VaultFixture::allowed(const std::string& token, const std::string& path) const
{
    auto found = _tokens.find(token);
    if (token.empty() || found == _tokens.end())
        return false;
    if (found->second.prefixes.empty())
        return true;
    for (const std::string& prefix : found->second.prefixes)
        if (path == prefix || path.compare(0, prefix.size() + 1, prefix + "/") == 0)
            return true;
    return false;
}

void VaultFixture::handleData(const std::string& method, const std::string& mount, const std::string& path, const std::string& token,
    const std::string& body, Poco::Net::HTTPServerResponse& response)
{
    const std::string name = mount + "/" + path;
    std::unique_lock<std::mutex> lock(_mutex);
    unsigned number = _requests;
    if (method == "GET")
    {
        ++_reads[name];
        ++_totalReads;
    }
    if (!allowed(token, path))
    {
        lock.unlock();
        sendErrors(response, 403, {"permission denied"});
        return;
    }
    if (method == "GET")
    {
        auto found = _secrets.find(name);
        if (found == _secrets.end())
        {
            lock.unlock();
            sendErrors(response, 404, {});
            return;
        }
        const Secret& secret = found->second;
        Poco::JSON::Object::Ptr metadata = new Poco::JSON::Object;
        metadata->set("created_time", secret.createdTime);
        metadata->set("custom_metadata", Poco::Dynamic::Var());
        metadata->set("deletion_time", secret.deletionTime);
        metadata->set("destroyed", false);
        metadata->set("version", secret.version);
        Poco::JSON::Object::Ptr data = new Poco::JSON::Object;
        data->set("data", secret.data ? Poco::Dynamic::Var(Poco::JSON::Object::Ptr(new Poco::JSON::Object(*secret.data))) : Poco::Dynamic::Var());
        data->set("metadata", metadata);
        const bool deleted = !secret.data;
        lock.unlock();
        Poco::JSON::Object answer = envelope(number);
        answer.set("data", data);
        FixtureJson::send(response, deleted ? 404 : 200, answer);
        return;
    }
    if (method == "POST" || method == "PUT")
    {
        Poco::JSON::Object::Ptr request = parseObject(body);
        Poco::JSON::Object::Ptr values = request ? request->getObject("data") : nullptr;
        if (!values)
        {
            lock.unlock();
            sendErrors(response, 400, {"no data provided"});
            return;
        }
        lock.unlock();
        put(mount, path, values);
        lock.lock();
        const Secret& secret = _secrets[name];
        Poco::JSON::Object::Ptr data = new Poco::JSON::Object;
        data->set("created_time", secret.createdTime);
        data->set("custom_metadata", Poco::Dynamic::Var());
        data->set("deletion_time", "");
        data->set("destroyed", false);
        data->set("version", secret.version);
        lock.unlock();
        Poco::JSON::Object answer = envelope(number);
        answer.set("data", data);
        FixtureJson::send(response, 200, answer);
        return;
    }
    if (method == "DELETE")
    {
        auto found = _secrets.find(name);
        if (found != _secrets.end() && found->second.data)
        {
            found->second.data = nullptr;
            found->second.deletionTime = now();
        }
        lock.unlock();
        sendEmpty(response, 204);
        return;
    }
    lock.unlock();
    sendErrors(response, 405, {"unsupported operation"});
}

void VaultFixture::handleList(const std::string& mount, const std::string& path, const std::string& token, Poco::Net::HTTPServerResponse& response)
{
    std::unique_lock<std::mutex> lock(_mutex);
    const unsigned number = _requests;
    if (!allowed(token, path))
    {
        lock.unlock();
        sendErrors(response, 403, {"permission denied"});
        return;
    }
    const std::string prefix = mount + "/" + (path.empty() ? std::string() : path + "/");
    std::set<std::string> keys;
    for (const auto& secret : _secrets)
    {
        if (secret.first.compare(0, prefix.size(), prefix) != 0 || secret.first.size() == prefix.size())
            continue;
        const std::string rest = secret.first.substr(prefix.size());
        const std::string::size_type slash = rest.find('/');
        keys.insert(slash == std::string::npos ? rest : rest.substr(0, slash + 1));
    }
    lock.unlock();
    if (keys.empty())
    {
        sendErrors(response, 404, {});
        return;
    }
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const std::string& key : keys)
        list->add(key);
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object;
    data->set("keys", list);
    Poco::JSON::Object answer = envelope(number);
    answer.set("data", data);
    FixtureJson::send(response, 200, answer);
}

void VaultFixture::handleLogin(const std::string& body, Poco::Net::HTTPServerResponse& response)
{
    Poco::JSON::Object::Ptr request = parseObject(body);
    const std::string role = request ? request->optValue<std::string>("role", "") : std::string();
    const std::string jwt = request ? request->optValue<std::string>("jwt", "") : std::string();
    if (role.empty() || jwt.empty())
    {
        sendErrors(response, 400, {role.empty() ? "missing role" : "missing jwt"});
        return;
    }
    std::unique_lock<std::mutex> lock(_mutex);
    const unsigned number = _requests;
    auto found = _roles.find(role);
    if (found == _roles.end() || found->second.jwt != jwt)
    {
        lock.unlock();
        sendErrors(response, 403, {"permission denied"});
        return;
    }
    const Role granted = found->second;
    const std::string token = "s.fixture-token-" + std::to_string(++_issued);
    Token& entry = _tokens[token];
    entry.issued = true;
    entry.leaseSeconds = granted.leaseSeconds;
    entry.renewable = granted.renewable;
    ++_logins;
    lock.unlock();
    Poco::JSON::Array::Ptr policies = new Poco::JSON::Array;
    policies->add("default");
    Poco::JSON::Object::Ptr metadata = new Poco::JSON::Object;
    metadata->set("role", role);
    metadata->set("service_account_name", "default");
    metadata->set("service_account_namespace", "default");
    Poco::JSON::Object::Ptr auth = new Poco::JSON::Object;
    auth->set("client_token", token);
    auth->set("accessor", "accessor-" + token);
    auth->set("policies", policies);
    auth->set("token_policies", policies);
    auth->set("metadata", metadata);
    auth->set("lease_duration", granted.leaseSeconds);
    auth->set("renewable", granted.renewable);
    auth->set("entity_id", "");
    auth->set("token_type", "service");
    auth->set("orphan", true);
    Poco::JSON::Object answer = envelope(number);
    answer.set("auth", auth);
    FixtureJson::send(response, 200, answer);
}

void VaultFixture::handleRenew(const std::string& token, Poco::Net::HTTPServerResponse& response)
{
    std::unique_lock<std::mutex> lock(_mutex);
    const unsigned number = _requests;
    auto found = _tokens.find(token);
    if (token.empty() || found == _tokens.end())
    {
        lock.unlock();
        sendErrors(response, 403, {"permission denied"});
        return;
    }
    if (!found->second.issued || !found->second.renewable)
    {
        lock.unlock();
        sendErrors(response, 400, {"lease is not renewable"});
        return;
    }
    const Poco::Int64 lease = found->second.leaseSeconds;
    ++_renewals;
    lock.unlock();
    Poco::JSON::Array::Ptr policies = new Poco::JSON::Array;
    policies->add("default");
    Poco::JSON::Object::Ptr auth = new Poco::JSON::Object;
    auth->set("client_token", token);
    auth->set("accessor", "accessor-" + token);
    auth->set("policies", policies);
    auth->set("token_policies", policies);
    auth->set("lease_duration", lease);
    auth->set("renewable", true);
    auth->set("token_type", "service");
    Poco::JSON::Object answer = envelope(number);
    answer.set("auth", auth);
    FixtureJson::send(response, 200, answer);
}

} // namespace test
} // namespace terrarium
