#include "admin/AdminHandler.h"
#include "admin/AdminConfigReport.h"
#include "admin/AdminEndpoints.h"
#include "admin/AdminEvents.h"
#include "admin/AdminUi.h"
#include "admin/PluginTransferHandler.h"

#include "http/HttpReply.h"
#include "http/IncomingRequest.h"
#include "http/JsonText.h"
#include "http/ServerState.h"
#include "client/ServiceDirectory.h"
#include "lifecycle/PluginLifecycle.h"
#include "logging/LogLevels.h"
#include "logging/LogPipeline.h"

#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>

namespace terrarium {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("admin"); }

/// A request the API refuses: status, code and message for the JSON error body.
struct Refusal
{
    int status;
    std::string code;
    std::string message;
};

void methodNotAllowed(HttpReply& reply, const std::string& method, const std::string& path, const char* allow)
{
    reply.error(405, "method_not_allowed", method + " is not allowed on " + path + " (allowed: " + allow + ")");
    reply.addHeader("Allow", allow);
}

/// 405 when the admin API has path with other methods (AdminEndpoints), else 404.
void noResource(HttpReply& reply, const std::string& method, const std::string& path)
{
    std::string allowed = AdminEndpoints::allowedMethods(path);
    if (allowed.empty() || (", " + allowed + ",").find(" " + method + ",") != std::string::npos)
        return reply.error(404, "not_found", "no admin resource " + path + " (GET /admin lists the calls)");
    methodNotAllowed(reply, method, path, allowed.c_str());
}

bool allDigits(const std::string& text)
{
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The host of an authority ("host", "host:port", "[v6]:port"), lower case and without a trailing
/// dot; "" when the authority is malformed.
std::string authorityHost(const std::string& authority)
{
    std::string host;
    std::string port;
    bool hasPort = false;
    if (!authority.empty() && authority.front() == '[')
    {
        std::string::size_type close = authority.find(']');
        if (close == std::string::npos) return std::string();
        host = authority.substr(0, close + 1);
        std::string rest = authority.substr(close + 1);
        if (!rest.empty() && rest[0] != ':') return std::string();
        hasPort = !rest.empty();
        if (hasPort) port = rest.substr(1);
    }
    else
    {
        std::string::size_type colon = authority.find(':');
        host = authority.substr(0, colon);
        hasPort = colon != std::string::npos;
        if (hasPort) port = authority.substr(colon + 1);
    }
    if (host.empty() || (hasPort && !allDigits(port))) return std::string();
    Poco::toLowerInPlace(host);
    if (host.size() > 1 && host.back() == '.') host.pop_back();
    return host;
}

/// True for an IPv4 address or a bracketed IPv6 address (names that no DNS answer can rebind).
bool addressLiteral(const std::string& host)
{
    unsigned char address[sizeof(in6_addr)];
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        return ::inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), address) == 1;
    return ::inet_pton(AF_INET, host.c_str(), address) == 1;
}

/// The client's address without its port ("10.0.0.1", "[::1]"): the key of failed-auth limits.
std::string clientHost(const std::string& clientAddress)
{
    if (!clientAddress.empty() && clientAddress.front() == '[') return clientAddress.substr(0, clientAddress.find(']') + 1);
    if (clientAddress.compare(0, 5, "unix:") == 0) return clientAddress;
    return clientAddress.substr(0, clientAddress.rfind(':'));
}

/// The string member name of the JSON object text (an error body's "error", a load body's
/// "file"), or "" when text is no such object.
std::string stringMember(std::string_view text, const std::string& name)
{
    try
    {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var parsed = parser.parse(std::string(text));
        if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) return std::string();
        Poco::JSON::Object::Ptr object = parsed.extract<Poco::JSON::Object::Ptr>();
        return object->has(name) && object->get(name).isString() ? object->getValue<std::string>(name) : std::string();
    }
    catch (const std::exception&)
    {
        return std::string();
    }
}

/// The "config" of a load or reload body: settings merged over the configuration file's (an
/// object), null (drop = true: forget earlier ones) or absent (nullptr: keep earlier ones).
Poco::JSON::Object::Ptr configOverrides(const Poco::JSON::Object& body, bool& drop)
{
    drop = false;
    if (!body.has("config")) return nullptr;
    if (body.isNull("config"))
    {
        drop = true;
        return nullptr;
    }
    Poco::JSON::Object::Ptr overrides = body.getObject("config");
    if (!overrides)
        throw PluginError("invalid_request", 400, "\"config\" must be a JSON object (settings merged over the configuration file's) or null (drop them)");
    return overrides;
}

} // namespace

AdminHandler::AdminHandler(PluginLifecycle& lifecycle, const AdminToken& token, const ServerState& state, const MetricsRegistry& metrics,
                           LogPipeline* log, ServiceDirectory* directory)
    : _lifecycle(lifecycle), _token(token), _state(state), _metrics(metrics), _log(log), _directory(directory),
      _authFailures(std::make_unique<AuthFailureLimiter>(10, Poco::Timespan(60, 0)))
{
}

void AdminHandler::limitAuthFailures(unsigned maxFailures, Poco::Timespan window)
{
    _authFailures = std::make_unique<AuthFailureLimiter>(maxFailures, window);
}

void AdminHandler::collect(PrometheusWriter& writer) const
{
    writer.family("terrarium_admin_auth_failures_total", "counter", "Admin API requests with a missing or wrong token (401/403).");
    writer.sample("terrarium_admin_auth_failures_total", {}, _authFailures->failures());
    writer.family("terrarium_admin_auth_throttled_total", "counter",
                  "Admin API requests refused with 429 because their client address failed the token check too often.");
    writer.sample("terrarium_admin_auth_throttled_total", {}, _authFailures->refusals());
    writer.family("terrarium_admin_auth_tracked_addresses", "gauge", "Client addresses with failed admin token checks being tracked.");
    writer.sample("terrarium_admin_auth_tracked_addresses", {}, static_cast<std::uint64_t>(_authFailures->tracked()));
}

void AdminHandler::logLevels(const IncomingRequest& request, HttpReply& reply)
{
    if (request.method == "POST")
    {
        Poco::JSON::Object::Ptr body = parseBody(request, true);
        auto parseLevel = [](const Poco::Dynamic::Var& value, const std::string& field) {
            LogLevel level = LogLevel::Info;
            if (!value.isString() || !LogLevels::tryParse(value.toString(), level))
                throw PluginError("invalid_level", 400, "\"" + field + "\" must be one of none, error, warning, information (info), debug, trace");
            return level;
        };
        if (body->has("default"))
        {
            LogLevel level = parseLevel(body->get("default"), "default");
            _log->setDefaultLevel(level);
            logger().information("default log level set to %s by %s", std::string(LogLevels::name(level)), request.clientAddress);
        }
        if (body->has("service"))
        {
            if (!body->get("service").isString() || body->getValue<std::string>("service").empty())
                throw PluginError("invalid_request", 400, "\"service\" must be a plugin name or \"host\"");
            std::string service = body->getValue<std::string>("service");
            if (!body->has("level")) throw PluginError("invalid_request", 400, "\"level\" is required with \"service\" (null: follow the default)");
            if (body->isNull("level"))
            {
                _log->clearLevel(service);
                logger().information("log level of '%s' follows the default again (by %s)", service, request.clientAddress);
            }
            else
            {
                LogLevel level = parseLevel(body->get("level"), "level");
                _log->setLevel(service, level);
                logger().information("log level of '%s' set to %s by %s", service, std::string(LogLevels::name(level)), request.clientAddress);
            }
        }
        else if (!body->has("default"))
            throw PluginError("invalid_request", 400, "expected {\"service\":NAME,\"level\":LEVEL} or {\"default\":LEVEL}");
    }
    else if (request.method != "GET")
        return methodNotAllowed(reply, request.method, request.path, "GET, POST");
    LogLevelTable table = _log->levels();
    std::string json = "{\"default\":\"" + std::string(LogLevels::name(table.defaultLevel)) + "\",\"services\":{";
    bool first = true;
    for (const auto& [service, level] : table.services)
    {
        if (!first) json += ",";
        first = false;
        JsonText::appendString(json, service);
        json += ":\"" + std::string(LogLevels::name(level)) + "\"";
    }
    json += "}}";
    reply.json(200, std::move(json));
}

void AdminHandler::services(const IncomingRequest& request, const std::vector<std::string>& segments, HttpReply& reply)
{
    const std::string& method = request.method;
    if (segments.size() == 3)
    {
        const std::string& name = segments[2];
        if (method == "POST")
        {
            Poco::JSON::Object::Ptr body = parseBody(request, true);
            if (!body->has("url") || !body->get("url").isString())
                throw PluginError("invalid_request", 400, "\"url\" (the service's base URL, http:// or https://) is required and must be a string");
            try
            {
                _directory->setBaseUrl(name, body->getValue<std::string>("url"));
            }
            catch (const Poco::InvalidArgumentException& e)
            {
                throw PluginError("invalid_url", 400, e.message());
            }
            logger().information("service '%s' now at %s (set by %s)", name, body->getValue<std::string>("url"), request.clientAddress);
        }
        else if (method == "DELETE")
        {
            _directory->removeBaseUrl(name);
            logger().information("base URL of service '%s' removed by %s", name, request.clientAddress);
        }
        else
            return methodNotAllowed(reply, method, request.path, "POST, DELETE");
    }
    else if (method != "GET")
        return methodNotAllowed(reply, method, request.path, "GET");
    std::string json = "{\"services\":{";
    bool first = true;
    for (const auto& [name, url] : _directory->baseUrls())
    {
        if (!first) json += ",";
        first = false;
        JsonText::appendString(json, name);
        json += ":{\"url\":";
        JsonText::appendString(json, url);
        json += "}";
    }
    json += "}}";
    reply.json(200, std::move(json));
}

void AdminHandler::allowHosts(const std::string& boundAddress, const std::vector<std::string>& configured)
{
    _unixSocket = boundAddress.compare(0, 5, "unix:") == 0;
    std::string bound = _unixSocket ? std::string() : authorityHost(boundAddress);
    _anyAddress = bound == "0.0.0.0" || bound == "[::]";
    _ownHosts = {"localhost"};
    if (!_anyAddress && !bound.empty()) _ownHosts.push_back(bound);
    for (const std::string& name : configured)
        if (std::find(_ownHosts.begin(), _ownHosts.end(), name) == _ownHosts.end()) _ownHosts.push_back(name);
}

bool AdminHandler::ownHost(const std::string& authority) const
{
    std::string host = authorityHost(authority);
    if (host.empty()) return false;
    if (std::find(_ownHosts.begin(), _ownHosts.end(), host) != _ownHosts.end()) return true;
    return _anyAddress && addressLiteral(host);
}

std::string AdminHandler::ownHostList() const
{
    std::string list = _anyAddress ? "any IP address" : "";
    for (const std::string& name : _ownHosts) list += (list.empty() ? "" : ", ") + name;
    return list;
}

bool AdminHandler::refuseForeign(const IncomingRequest& request, HttpReply& reply) const
{
    const std::string* host = request.header("Host");
    if (host && !ownHost(*host))
    {
        logger().warning("refused %s %s from %s: foreign Host '%s'", request.method, request.path, request.clientAddress, *host);
        reply.error(403, "foreign_host", "requests for host '" + *host + "' are not accepted by the admin API (it answers to " + ownHostList() +
                                             "; more names go in admin.allowed_hosts)");
        return true;
    }
    if (const std::string* origin = request.header("Origin"))
    {
        std::string::size_type scheme = origin->find("://");
        std::string prefix = scheme == std::string::npos ? std::string() : Poco::toLower(origin->substr(0, scheme));
        bool own = (prefix == "http" || prefix == "https") && ownHost(origin->substr(scheme + 3, origin->find('/', scheme + 3) - scheme - 3));
        if (!own)
        {
            logger().warning("refused %s %s from %s: foreign Origin '%s'", request.method, request.path, request.clientAddress, *origin);
            reply.error(403, "foreign_origin", "requests from origin '" + *origin + "' are not accepted by the admin API (it answers to " +
                                                   ownHostList() + "; more names go in admin.allowed_hosts)");
            return true;
        }
    }
    return false;
}

void AdminHandler::authFailed(const std::string& address)
{
    if (_authFailures->recordFailure(address))
        logger().warning("admin API: %u failed token checks from %s within %Ld ms: its requests are refused with 429 until the window ends",
                         _authFailures->maxFailures(), address, static_cast<Poco::Int64>(_authFailures->window().totalMilliseconds()));
}

bool AdminHandler::authorize(const IncomingRequest& request, HttpReply& reply, Access& access)
{
    access = Access::None;
    if (refuseForeign(request, reply)) return false;
    if (_unixSocket)
    {
        access = Access::UnixSocket;
        return true;
    }
    std::string address = clientHost(request.clientAddress);
    if (std::int64_t seconds = _authFailures->refusedFor(address))
    {
        logger().debug("refused %s %s from %s: too many failed token checks", request.method, request.path, request.clientAddress);
        reply.error(429, "too_many_auth_failures", "too many failed token checks from " + address + "; try again in " + std::to_string(seconds) + " s");
        reply.addHeader("Retry-After", std::to_string(seconds));
        return false;
    }
    const std::string* authorization = request.header("Authorization");
    if (!authorization || Poco::icompare(authorization->substr(0, 7), "Bearer ") != 0)
    {
        logger().information("refused %s %s from %s: no bearer token (the token is in %s)", request.method, request.path, request.clientAddress,
                             _token.path());
        reply.error(401, "unauthorized", "the admin API needs an 'Authorization: Bearer <token>' header; see docs/admin-api.md (Authentication)");
        reply.addHeader("WWW-Authenticate", "Bearer realm=\"terrarium-admin\"");
        authFailed(address);
        return false;
    }
    std::string presented = Poco::trim(authorization->substr(7));
    if (_token.matches(presented))
    {
        access = Access::Token;
        return true;
    }
    if (_readOnlyToken && _readOnlyToken->matches(presented))
    {
        access = Access::ReadOnly;
        if (!AdminEndpoints::mutates(request.method, request.path)) return true;
        logger().warning("refused %s %s from %s: the read-only admin token allows reads only", request.method, request.path,
                         request.clientAddress);
        reply.error(403, "read_only", "the read-only admin token allows reads only; " + request.method + " " + request.path + " needs the full admin token");
        return false;
    }
    logger().warning("refused %s %s from %s: wrong admin token", request.method, request.path, request.clientAddress);
    reply.error(403, "forbidden", "the bearer token is not valid for this host");
    authFailed(address);
    return false;
}

void AdminHandler::audit(const IncomingRequest& request, const HttpReply& reply, Access access) const
{
    if (!_log || !AdminEndpoints::mutates(request.method, request.path) || reply.status() == 429) return;
    static const char* const accessNames[] = {"none", "token", "read_only_token", "unix_socket"};
    std::vector<std::string> segments;
    Poco::URI("http://admin" + request.path).getPathSegments(segments);
    std::string plugin = segments.size() >= 3 && segments[0] == "admin" && segments[1] == "plugins" ? segments[2] : std::string();
    std::string error = reply.status() >= 400 ? stringMember(reply.body(), "error") : std::string();
    std::vector<LogField> fields = {{"logger", "audit"}, {"client", request.clientAddress}, {"access", accessNames[static_cast<int>(access)]},
                                    {"method", request.method}, {"path", request.path}};
    if (!request.clientCertificate.empty()) fields.emplace_back("client_certificate", request.clientCertificate);
    if (!plugin.empty()) fields.emplace_back("plugin", plugin);
    if (segments.size() == 2 && segments[1] == "plugins" && request.method == "POST" && access != Access::None)
    {
        std::string file = stringMember(request.body, "file");
        if (!file.empty()) fields.emplace_back("file", file);
    }
    fields.emplace_back("status", std::to_string(reply.status()));
    if (!error.empty()) fields.emplace_back("error", error);
    _log->log("host", reply.status() >= 400 ? LogLevel::Warn : LogLevel::Info,
              "admin " + request.method + " " + request.path + " from " + request.clientAddress + ": " + std::to_string(reply.status()) +
                  (error.empty() ? std::string() : " " + error),
              std::move(fields));
}

Poco::JSON::Object::Ptr AdminHandler::parseBody(const IncomingRequest& request, bool required)
{
    if (request.body.empty())
    {
        if (required) throw PluginError("invalid_request", 400, "a JSON object body is required");
        return new Poco::JSON::Object;
    }
    Poco::Dynamic::Var parsed;
    try
    {
        Poco::JSON::Parser parser;
        parsed = parser.parse(request.body);
    }
    catch (const Poco::Exception& e)
    {
        throw PluginError("invalid_json", 400, "request body is not valid JSON: " + e.message());
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) throw PluginError("invalid_json", 400, "request body must be a JSON object");
    return parsed.extract<Poco::JSON::Object::Ptr>();
}

void AdminHandler::showConfig(const Config& config)
{
    std::lock_guard lock(_configMutex);
    _config = config;
}

void AdminHandler::configReport(HttpReply& reply)
{
    std::lock_guard lock(_configMutex);
    reply.json(200, JsonText::stringify(AdminConfigReport(_config, _lifecycle, _log, _directory).build()));
}

void AdminHandler::handle(const IncomingRequest& request, HttpReply& reply)
{
    if (request.path == "/metrics")
    {
        if (request.method != "GET" && request.method != "HEAD") return methodNotAllowed(reply, request.method, request.path, "GET, HEAD");
        reply.setStatus(200);
        reply.addHeader("Content-Type", PrometheusWriter::contentType());
        reply.setBody(_metrics.render());
        return;
    }
    if (AdminUi::handles(request.path))
    {
        if (!refuseForeign(request, reply)) AdminUi::handle(request, reply);
        return;
    }
    Access access = Access::None;
    if (!authorize(request, reply, access))
    {
        audit(request, reply, access);
        return;
    }
    try
    {
        route(request, reply);
    }
    catch (const PluginError& e)
    {
        reply.error(e.httpStatus(), e.code(), e.what());
    }
    catch (const Poco::Exception& e)
    {
        logger().error("%s %s failed: %s", request.method, request.path, e.displayText());
        reply.error(500, "internal_error", e.displayText());
    }
    catch (const std::exception& e)
    {
        logger().error("%s %s failed: %s", request.method, request.path, std::string(e.what()));
        reply.error(500, "internal_error", e.what());
    }
    audit(request, reply, access);
}

BodyPolicy AdminHandler::bodyPolicy(const IncomingRequest& request) const
{
    return _transfer ? _transfer->bodyPolicy(request) : BodyPolicy();
}

void AdminHandler::route(const IncomingRequest& request, HttpReply& reply)
{
    std::vector<std::string> segments;
    Poco::URI("http://admin" + request.path).getPathSegments(segments);
    const std::string& method = request.method;

    if (segments.size() == 1 && segments[0] == "admin")
    {
        if (method != "GET") return methodNotAllowed(reply, method, request.path, "GET");
        reply.json(200, AdminEndpoints::listJson());
        return;
    }
    if (segments.size() == 2 && segments[0] == "admin" && segments[1] == "config")
    {
        if (method != "GET") return methodNotAllowed(reply, method, request.path, "GET");
        return configReport(reply);
    }
    if (segments.size() == 2 && segments[0] == "admin" && segments[1] == "status")
    {
        if (method != "GET") return methodNotAllowed(reply, method, request.path, "GET");
        reply.json(200, std::string("{\"state\":\"") + _state.phaseName() + "\",\"ready\":" + (_state.ready() ? "true" : "false") +
                            ",\"version\":\"" TERRARIUM_VERSION "\",\"in_flight\":" + std::to_string(_state.inflight()) +
                            ",\"dumpable\":" + (::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1 ? "true" : "false") + "}");
        return;
    }
    if (segments.size() == 2 && segments[0] == "admin" && segments[1] == "log-levels" && _log) return logLevels(request, reply);
    if (segments.size() == 2 && segments[0] == "admin" && segments[1] == "events") return AdminEvents::handle(_lifecycle.history(), request, reply);
    if (segments.size() >= 2 && segments.size() <= 3 && segments[0] == "admin" && segments[1] == "services" && _directory)
        return services(request, segments, reply);
    if (segments.size() < 2 || segments[0] != "admin" || segments[1] != "plugins")
    {
        return noResource(reply, method, request.path);
    }
    if (segments.size() == 2)
    {
        if (method == "GET")
        {
            reply.json(200, JsonText::stringify(AdminConfigReport::redactPluginList(_lifecycle.list())));
            return;
        }
        if (method != "POST") return methodNotAllowed(reply, method, request.path, "GET, POST");
        Poco::JSON::Object::Ptr body = parseBody(request, true);
        if (!body->has("file") || !body->get("file").isString())
            throw PluginError("invalid_request", 400, "\"file\" (a file name inside the plugins directory) is required and must be a string");
        bool drop = false;
        Poco::JSON::Object::Ptr overrides = configOverrides(*body, drop);
        std::string file = body->getValue<std::string>("file");
        logger().information("load %s requested by %s", file, request.clientAddress);
        reply.json(201, JsonText::stringify(AdminConfigReport::redactPlugin(_lifecycle.load(file, overrides))));
        return;
    }
    const std::string& name = segments[2];
    if (segments.size() == 3)
    {
        if (method == "GET")
        {
            reply.json(200, JsonText::stringify(AdminConfigReport::redactPlugin(_lifecycle.describe(name))));
            return;
        }
        if (method != "DELETE") return methodNotAllowed(reply, method, request.path, "GET, DELETE");
        logger().information("unload '%s' requested by %s", name, request.clientAddress);
        bool closed = _lifecycle.unload(name);
        std::string body = "{\"unloaded\":";
        JsonText::appendString(body, name);
        body += std::string(",\"library_closed\":") + (closed ? "true" : "false") + "}";
        reply.json(200, std::move(body));
        return;
    }
    if (_transfer && PluginTransferHandler::handles(segments)) return _transfer->handle(request, segments, reply);
    if (segments.size() == 4 && segments[3] == "reload")
    {
        if (method != "POST") return methodNotAllowed(reply, method, request.path, "POST");
        Poco::JSON::Object::Ptr body = parseBody(request, false);
        bool drop = false;
        Poco::JSON::Object::Ptr overrides = configOverrides(*body, drop);
        logger().information("reload '%s' requested by %s%s", name, request.clientAddress,
                             std::string(drop ? " (dropping its config overrides)" : overrides ? " (with config overrides)" : ""));
        reply.json(200, JsonText::stringify(AdminConfigReport::redactPlugin(_lifecycle.reload(name, overrides, false, drop))));
        return;
    }
    noResource(reply, method, request.path);
}

} // namespace terrarium
