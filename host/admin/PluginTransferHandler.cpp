#include "admin/PluginTransferHandler.h"
#include "admin/AdminConfigReport.h"

#include "config/ConfigValue.h"
#include "http/HttpReply.h"
#include "http/IncomingRequest.h"
#include "http/JsonText.h"
#include "lifecycle/PluginLifecycle.h"
#include "move/PluginMover.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/Path.h>
#include <Poco/String.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace terrarium {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("admin"); }

void methodNotAllowed(HttpReply& reply, const IncomingRequest& request, const char* allow)
{
    reply.error(405, "method_not_allowed", request.method + " is not allowed on " + request.path + " (allowed: " + allow + ")");
    reply.addHeader("Allow", allow);
}

/// The request body, from memory or its spool file.
std::string bodyOf(const IncomingRequest& request)
{
    if (!request.bodyFile) return request.body;
    std::ifstream in(request.bodyFile->path(), std::ios::binary);
    std::string body(static_cast<std::size_t>(request.bodyFile->size()), '\0');
    if (!in.read(body.data(), static_cast<std::streamsize>(body.size())))
        throw PluginError("read_failed", 500, "cannot read the spooled request body");
    return body;
}

void writeAll(int fd, const char* data, std::size_t size, const std::string& path)
{
    while (size > 0)
    {
        ssize_t written = ::write(fd, data, size);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) throw PluginError("write_failed", 500, "cannot write " + path + ": " + std::strerror(errno));
        data += written;
        size -= static_cast<std::size_t>(written);
    }
}

} // namespace

PluginTransferHandler::PluginTransferHandler(PluginLifecycle& lifecycle, const Config& config, PluginMover* mover)
    : _lifecycle(lifecycle), _config(config), _mover(mover)
{
}

bool PluginTransferHandler::handles(const std::vector<std::string>& segments)
{
    if (segments.size() != 4 || segments[0] != "admin" || segments[1] != "plugins") return false;
    const std::string& resource = segments[3];
    return resource == "library" || resource == "signature" || resource == "snapshot" || resource == "move";
}

BodyPolicy PluginTransferHandler::bodyPolicy(const IncomingRequest& request) const
{
    BodyPolicy policy;
    if (request.method != "PUT" || request.path.compare(0, 15, "/admin/plugins/") != 0) return policy;
    std::string::size_type slash = request.path.rfind('/');
    std::string resource = request.path.substr(slash + 1);
    if (resource != "library" && resource != "signature" && resource != "snapshot") return policy;
    policy.spoolAbove = _config.adminMaxBodyBytes;
    policy.spoolLimit = _config.adminMaxUploadBytes;
    return policy;
}

void PluginTransferHandler::handle(const IncomingRequest& request, const std::vector<std::string>& segments, HttpReply& reply)
{
    const std::string& name = segments[2];
    if (!ConfigValue::isPluginName(name))
        throw PluginError("invalid_name", 400, "'" + name + "' is not a plugin name (" + ConfigValue::PLUGIN_NAME_EXPECTED + ")");
    const std::string& resource = segments[3];
    if (resource == "library") return library(request, name, reply);
    if (resource == "signature") return signature(request, name, reply);
    if (resource == "snapshot") return snapshot(request, name, reply);
    move(request, name, reply);
}

std::string PluginTransferHandler::stage(const std::string& file, const std::string& content, const std::string& spooled) const
{
    std::string path = Poco::Path(_config.pluginsDir, "." + file + ".upload-XXXXXX").toString();
    int fd = ::mkstemp(path.data());
    if (fd < 0) throw PluginError("write_failed", 500, "cannot create a file in the plugins directory " + _config.pluginsDir + ": " + std::strerror(errno));
    try
    {
        if (!spooled.empty())
        {
            std::ifstream in(spooled, std::ios::binary);
            char buffer[65536];
            while (in.read(buffer, sizeof buffer) || in.gcount() > 0) writeAll(fd, buffer, static_cast<std::size_t>(in.gcount()), path);
        }
        else
            writeAll(fd, content.data(), content.size(), path);
        if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0) throw PluginError("write_failed", 500, "cannot sync " + path + ": " + std::strerror(errno));
    }
    catch (...)
    {
        ::close(fd);
        ::unlink(path.c_str());
        throw;
    }
    ::close(fd);
    return path;
}

void PluginTransferHandler::syncDirectory() const
{
    int fd = ::open(_config.pluginsDir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    if (::fsync(fd) != 0) logger().warning("cannot sync the plugins directory %s: %s", _config.pluginsDir, std::string(std::strerror(errno)));
    ::close(fd);
}

void PluginTransferHandler::library(const IncomingRequest& request, const std::string& name, HttpReply& reply)
{
    if (request.method == "DELETE") return removeLibrary(request, name, reply);
    if (request.method != "PUT") return methodNotAllowed(reply, request, "PUT, DELETE");
    if (request.bodySize() == 0) throw PluginError("empty_body", 400, "the body must hold the plugin library (.so) bytes");
    const std::string file = name + ".so";
    const bool hold = request.query.find("hold=restore") != std::string::npos;
    logger().information("upload of %s (%Lu bytes) by %s%s", file, static_cast<Poco::UInt64>(request.bodySize()), request.clientAddress,
                         std::string(hold ? ", held until restore" : ""));
    std::string staged = stage(file, request.body, request.bodyFile ? request.bodyFile->path() : std::string());
    bool created = false;
    Poco::JSON::Object::Ptr description;
    try
    {
        description = _lifecycle.install(staged, file, name, hold, created);
    }
    catch (...)
    {
        ::unlink(staged.c_str());
        throw;
    }
    syncDirectory();
    std::string body = std::string("{\"action\":\"") + (created ? "loaded" : "reloaded") + "\",\"file\":";
    JsonText::appendString(body, file);
    body += ",\"bytes\":" + std::to_string(request.bodySize()) + ",\"plugin\":" + JsonText::stringify(AdminConfigReport::redactPlugin(description)) + "}";
    reply.json(created ? 201 : 200, std::move(body));
}

void PluginTransferHandler::removeLibrary(const IncomingRequest& request, const std::string& name, HttpReply& reply)
{
    const std::string file = name + ".so";
    std::optional<std::string> plugin = _lifecycle.pluginForFile(file);
    bool unloaded = plugin && (_lifecycle.unload(*plugin), true);
    const std::string path = Poco::Path(_config.pluginsDir, file).toString();
    bool removed = ::unlink(path.c_str()) == 0;
    ::unlink((path + ".sig").c_str());
    syncDirectory();
    logger().information("library %s removed by %s (%s)", file, request.clientAddress,
                         std::string(unloaded ? "its plugin unloaded" : removed ? "not loaded" : "there was none"));
    std::string body = "{\"removed\":";
    JsonText::appendString(body, file);
    body += std::string(",\"file_existed\":") + (removed ? "true" : "false") + ",\"unloaded\":" + (unloaded ? "true" : "false") + "}";
    reply.json(200, std::move(body));
}

void PluginTransferHandler::signature(const IncomingRequest& request, const std::string& name, HttpReply& reply)
{
    if (request.method != "PUT") return methodNotAllowed(reply, request, "PUT");
    std::string content = bodyOf(request);
    const std::string* type = request.header("Content-Type");
    if (type && Poco::icompare(type->substr(0, 16), "application/json") == 0)
    {
        try
        {
            Poco::JSON::Parser parser;
            Poco::Dynamic::Var parsed = parser.parse(content);
            Poco::JSON::Object::Ptr object = parsed.type() == typeid(Poco::JSON::Object::Ptr) ? parsed.extract<Poco::JSON::Object::Ptr>() : nullptr;
            if (!object || !object->has("signature") || !object->get("signature").isString())
                throw PluginError("invalid_request", 400, "a JSON signature body must be {\"signature\":\"<the .sig file's text>\"}");
            content = object->getValue<std::string>("signature");
        }
        catch (const Poco::Exception& e)
        {
            throw PluginError("invalid_json", 400, "request body is not valid JSON: " + e.message());
        }
    }
    if (content.empty()) throw PluginError("empty_body", 400, "the body must hold the signature (the .sig file's content)");
    const std::string file = name + ".so.sig";
    std::string staged = stage(file, content, std::string());
    std::string target = Poco::Path(_config.pluginsDir, file).toString();
    if (::rename(staged.c_str(), target.c_str()) != 0)
    {
        int error = errno;
        ::unlink(staged.c_str());
        throw PluginError("write_failed", 500, "cannot rename to " + target + ": " + std::strerror(error));
    }
    syncDirectory();
    logger().information("signature %s (%z bytes) stored by %s", file, content.size(), request.clientAddress);
    std::string body = "{\"stored\":";
    JsonText::appendString(body, file);
    body += ",\"bytes\":" + std::to_string(content.size()) + "}";
    reply.json(200, std::move(body));
}

void PluginTransferHandler::snapshot(const IncomingRequest& request, const std::string& name, HttpReply& reply)
{
    if (request.method == "GET")
    {
        std::string state = _lifecycle.snapshot(name);
        if (state.size() > _config.adminMaxUploadBytes)
            throw PluginError("snapshot_too_large", 413, "the snapshot of '" + name + "' has " + std::to_string(state.size()) +
                                                             " bytes, more than admin.max_upload_bytes (" + std::to_string(_config.adminMaxUploadBytes) + ")");
        reply.setStatus(200);
        reply.addHeader("Content-Type", "application/octet-stream");
        reply.setBody(std::move(state));
        return;
    }
    if (request.method != "PUT") return methodNotAllowed(reply, request, "GET, PUT");
    std::string state = bodyOf(request);
    logger().information("restore of '%s' (%z bytes) requested by %s", name, state.size(), request.clientAddress);
    _lifecycle.restore(name, state);
    std::string body = "{\"restored\":";
    JsonText::appendString(body, name);
    body += ",\"bytes\":" + std::to_string(state.size()) + "}";
    reply.json(200, std::move(body));
}

void PluginTransferHandler::move(const IncomingRequest& request, const std::string& name, HttpReply& reply)
{
    if (request.method != "POST") return methodNotAllowed(reply, request, "POST");
    std::string to;
    try
    {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var parsed = parser.parse(request.body.empty() ? std::string("null") : request.body);
        Poco::JSON::Object::Ptr object = parsed.type() == typeid(Poco::JSON::Object::Ptr) ? parsed.extract<Poco::JSON::Object::Ptr>() : nullptr;
        if (object && object->has("to") && object->get("to").isString()) to = object->getValue<std::string>("to");
    }
    catch (const Poco::Exception& e)
    {
        throw PluginError("invalid_json", 400, "request body is not valid JSON: " + e.message());
    }
    if (to.empty()) throw PluginError("invalid_request", 400, "expected {\"to\":\"<peer name or admin URL of the peer>\"}");
    if (!_mover) throw PluginError("unavailable", 503, "this host has no HTTP client to reach peers with");
    logger().information("move of '%s' to %s requested by %s", name, to, request.clientAddress);
    Poco::JSON::Object::Ptr report;
    try
    {
        reply.json(200, JsonText::stringify(_mover->move(name, to, report)));
    }
    catch (const PluginError& e)
    {
        if (!report || e.code() != std::string("move_failed")) throw;
        std::string body = "{\"error\":\"move_failed\",\"message\":";
        JsonText::appendString(body, e.what());
        body += ",\"report\":" + JsonText::stringify(report) + "}";
        reply.json(e.httpStatus(), std::move(body));
    }
}

} // namespace terrarium
