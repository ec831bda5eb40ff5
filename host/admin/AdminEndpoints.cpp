#include "admin/AdminEndpoints.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/StringTokenizer.h>

#include <sstream>

namespace terrarium {

const std::vector<AdminEndpoint>& AdminEndpoints::all()
{
    static const std::vector<AdminEndpoint> endpoints = {
        {"GET", "/admin", "this list of the admin API's calls", false, true},
        {"GET", "/admin/status", "host state, version, in-flight requests, dumpable", false, true},
        {"GET", "/admin/config", "the effective configuration, each setting with its source; secrets redacted", false, true},
        {"GET", "/admin/plugins", "loaded plugins, per-file errors, retiring generations, lingering libraries", false, true},
        {"POST", "/admin/plugins", "load a file of the plugins directory: {\"file\":\"x.so\",\"config\":{...}}", true, true},
        {"GET", "/admin/plugins/{name}", "one plugin: version, ABI, generation, sha256, config, routes, request counts", false, true},
        {"DELETE", "/admin/plugins/{name}", "unload a plugin", true, true},
        {"POST", "/admin/plugins/{name}/reload", "hot reload from the plugin's file: {\"config\":{...}|null} optional", true, true},
        {"PUT", "/admin/plugins/{name}/library", "upload a plugin's .so bytes: stored as {name}.so, then loaded or reloaded", true, true},
        {"DELETE", "/admin/plugins/{name}/library", "unload the plugin of {name}.so and remove the file and its signature", true, true},
        {"PUT", "/admin/plugins/{name}/signature", "upload the plugin's signature (.sig), stored as {name}.so.sig; before the library", true, true},
        {"GET", "/admin/plugins/{name}/snapshot", "drain the plugin and answer its state bytes (the full token: it hands out the plugin's data)", true, true},
        {"PUT", "/admin/plugins/{name}/snapshot", "restore state bytes into the loaded plugin", true, true},
        {"POST", "/admin/plugins/{name}/move", "move the running plugin to a peer host, state and all: {\"to\":\"<peer or admin URL>\"}", true, true},
        {"GET", "/admin/events", "the latest plugin loads, reloads and unloads, refused ones included (?since=ID)", false, true},
        {"GET", "/admin/ui/", "the dashboard, a web page for operators (the page needs no token; its data calls do)", false, false},
        {"GET", "/admin/log-levels", "the default and per-service log levels", false, true},
        {"POST", "/admin/log-levels", "set a level: {\"service\":\"echo\",\"level\":\"debug\"} or {\"default\":\"info\"}", true, true},
        {"GET", "/admin/services", "the service directory's base URLs", false, true},
        {"POST", "/admin/services/{name}", "send calls to a service to a base URL: {\"url\":\"http://host:port\"}", true, true},
        {"DELETE", "/admin/services/{name}", "forget a service's base URL", true, true},
        {"GET", "/metrics", "Prometheus text (no token needed)", false, false},
        {"GET", "/health", "liveness probe (no token needed)", false, false},
        {"GET", "/ready", "readiness probe (no token needed)", false, false},
    };
    return endpoints;
}

bool AdminEndpoints::matches(const std::string& pattern, const std::string& path)
{
    Poco::StringTokenizer want(pattern, "/", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    Poco::StringTokenizer got(path, "/", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    if (want.count() != got.count()) return false;
    for (std::size_t i = 0; i < want.count(); ++i)
    {
        bool variable = !want[i].empty() && want[i].front() == '{';
        if (variable ? got[i].empty() : want[i] != got[i]) return false;
    }
    return true;
}

std::string AdminEndpoints::allowedMethods(const std::string& path)
{
    std::string methods;
    for (const AdminEndpoint& endpoint : all())
        if (matches(endpoint.path, path) && methods.find(endpoint.method) == std::string::npos)
            methods += (methods.empty() ? "" : ", ") + std::string(endpoint.method);
    return methods;
}

bool AdminEndpoints::mutates(const std::string& method, const std::string& path)
{
    const std::string& asked = method == "HEAD" ? std::string("GET") : method;
    for (const AdminEndpoint& endpoint : all())
        if (asked == endpoint.method && matches(endpoint.path, path)) return endpoint.mutates;
    return method != "GET" && method != "HEAD";
}

std::string AdminEndpoints::listJson()
{
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const AdminEndpoint& endpoint : all())
    {
        Poco::JSON::Object::Ptr row = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        row->set("method", std::string(endpoint.method));
        row->set("path", std::string(endpoint.path));
        row->set("summary", std::string(endpoint.summary));
        row->set("mutates", endpoint.mutates);
        row->set("read_only_token", !endpoint.mutates);
        row->set("token", endpoint.tokenNeeded);
        list->add(row);
    }
    Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
    out.set("endpoints", list);
    std::ostringstream text;
    out.stringify(text);
    return text.str();
}

} // namespace terrarium
