#include "admin/AdminHandler.h"

#include "http/HttpReply.h"
#include "http/IncomingRequest.h"
#include "http/JsonText.h"
#include "http/ServerState.h"
#include "lifecycle/PluginLifecycle.h"

#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/String.h>
#include <Poco/URI.h>

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

} // namespace

AdminHandler::AdminHandler(PluginLifecycle& lifecycle, const AdminToken& token, const ServerState& state, const MetricsRegistry& metrics)
    : _lifecycle(lifecycle), _token(token), _state(state), _metrics(metrics)
{
}

bool AdminHandler::authorize(const IncomingRequest& request, HttpReply& reply) const
{
    if (const std::string* origin = request.header("Origin"))
    {
        const std::string* host = request.header("Host");
        bool same = host && (*origin == "http://" + *host || *origin == "https://" + *host);
        if (!same)
        {
            logger().warning("refused %s %s from %s: foreign Origin '%s'", request.method, request.path, request.clientAddress, *origin);
            reply.error(403, "foreign_origin", "requests from origin '" + *origin + "' are not accepted by the admin API");
            return false;
        }
    }
    const std::string* authorization = request.header("Authorization");
    if (!authorization || Poco::icompare(authorization->substr(0, 7), "Bearer ") != 0)
    {
        reply.error(401, "unauthorized", "missing 'Authorization: Bearer <token>' header (token file: " + _token.path() + ")");
        reply.addHeader("WWW-Authenticate", "Bearer realm=\"terrarium-admin\"");
        return false;
    }
    if (!_token.matches(Poco::trim(authorization->substr(7))))
    {
        logger().warning("refused %s %s from %s: wrong admin token", request.method, request.path, request.clientAddress);
        reply.error(403, "forbidden", "the bearer token is not valid for this host");
        return false;
    }
    return true;
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
    if (!authorize(request, reply)) return;
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
}

void AdminHandler::route(const IncomingRequest& request, HttpReply& reply)
{
    std::vector<std::string> segments;
    Poco::URI("http://admin" + request.path).getPathSegments(segments);
    const std::string& method = request.method;

    if (segments.size() == 2 && segments[0] == "admin" && segments[1] == "status")
    {
        if (method != "GET") return methodNotAllowed(reply, method, request.path, "GET");
        reply.json(200, std::string("{\"state\":\"") + _state.phaseName() + "\",\"ready\":" + (_state.ready() ? "true" : "false") +
                            ",\"version\":\"" TERRARIUM_VERSION "\",\"in_flight\":" + std::to_string(_state.inflight()) + "}");
        return;
    }
    if (segments.size() < 2 || segments[0] != "admin" || segments[1] != "plugins")
    {
        reply.error(404, "not_found", "no admin resource " + request.path);
        return;
    }
    if (segments.size() == 2)
    {
        if (method == "GET")
        {
            reply.json(200, JsonText::stringify(_lifecycle.list()));
            return;
        }
        if (method != "POST") return methodNotAllowed(reply, method, request.path, "GET, POST");
        Poco::JSON::Object::Ptr body = parseBody(request, true);
        if (!body->has("file") || !body->get("file").isString())
            throw PluginError("invalid_request", 400, "\"file\" (a file name inside the plugins directory) is required and must be a string");
        Poco::JSON::Object::Ptr settings;
        if (body->has("config"))
        {
            settings = body->getObject("config");
            if (!settings) throw PluginError("invalid_request", 400, "\"config\" must be a JSON object");
        }
        std::string file = body->getValue<std::string>("file");
        logger().information("load %s requested by %s", file, request.clientAddress);
        reply.json(201, JsonText::stringify(_lifecycle.load(file, settings)));
        return;
    }
    const std::string& name = segments[2];
    if (segments.size() == 3)
    {
        if (method == "GET")
        {
            reply.json(200, JsonText::stringify(_lifecycle.describe(name)));
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
    if (segments.size() == 4 && segments[3] == "reload")
    {
        if (method != "POST") return methodNotAllowed(reply, method, request.path, "POST");
        Poco::JSON::Object::Ptr body = parseBody(request, false);
        Poco::JSON::Object::Ptr settings;
        if (body->has("config"))
        {
            settings = body->getObject("config");
            if (!settings) throw PluginError("invalid_request", 400, "\"config\" must be a JSON object");
        }
        logger().information("reload '%s' requested by %s", name, request.clientAddress);
        reply.json(200, JsonText::stringify(_lifecycle.reload(name, settings)));
        return;
    }
    reply.error(404, "not_found", "no admin resource " + request.path);
}

} // namespace terrarium
