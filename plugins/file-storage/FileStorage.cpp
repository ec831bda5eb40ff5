#include "FileStorage.h"

#include "ApiAnswer.h"
#include "FileNameRules.h"
#include "StorageError.h"
#include "TimeText.h"

#include <chrono>
#include <cstdio>
#include <exception>

namespace filestorage {

namespace {

/// Temporary files older than this are what a crash left; removed at start.
constexpr std::int64_t staleStagedFileNs = 3600LL * 1000000000LL;

bool isRead(std::string_view method) { return method == "GET" || method == "HEAD"; }

/// The path below the service's own prefix: a direct listener (the original's port 9000) passes
/// "/api/storage/files" unchanged, as the guide sends it.
std::string_view servicePath(std::string_view path)
{
    for (std::string_view prefix : {std::string_view("/api/storage"), std::string_view("/api/file-storage")})
    {
        if (path.substr(0, prefix.size()) != prefix) continue;
        if (path.size() == prefix.size()) return "/";
        if (path[prefix.size()] == '/') return path.substr(prefix.size());
    }
    return path;
}

} // namespace

FileStorage::FileStorage(terrarium::Host& host)
    : _host(host),
      _settings(StorageSettings::read(host)),
      _storage(_settings.path),
      _rotation(_storage, _settings.maxFiles, host),
      _json(_settings, _storage, _rotation, host),
      _raw(_settings, _storage, _rotation, host)
{
    std::size_t stale = _storage.removeStaleStagedFiles(TimeText::nowNs() - staleStagedFileNs);
    _host.log(terrarium::LogLevel::Info, "file storage ready",
              {{"storage_path", _settings.path},
               {"max_files", std::to_string(_settings.maxFiles)},
               {"max_size", std::to_string(_settings.maxSize)},
               {"max_raw_size", std::to_string(_settings.maxRawSize)},
               {"stale_temporary_files_removed", std::to_string(stale)}});
}

void FileStorage::handle(const terrarium::Request& request, terrarium::Response& response)
{
    const auto started = std::chrono::steady_clock::now();
    int status = 500;
    try
    {
        status = dispatch(request, response);
    }
    catch (const StorageError& e)
    {
        _host.log(terrarium::LogLevel::Error, "storage operation failed", {{"error", e.what()}, {"path", request.path()}});
        if (e.noSpace())
        {
            _host.count("storage_full");
            status = ApiAnswer::detail(response, 507, "Insufficient storage: " + e.reason());
        }
        else
        {
            status = ApiAnswer::detail(response, 500, std::string("Storage error: ") + e.what());
        }
    }
    catch (const std::exception& e)
    {
        _host.log(terrarium::LogLevel::Error, "request failed", {{"error", e.what()}, {"path", request.path()}});
        try
        {
            status = ApiAnswer::detail(response, 500, "Internal server error");
        }
        catch (...)
        {
        }
    }
    logRequest(request, status, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

int FileStorage::dispatch(const terrarium::Request& request, terrarium::Response& response)
{
    const std::string_view method = request.method();
    const std::string_view path = servicePath(request.path());
    if (path == "/") return isRead(method) ? _json.service(response) : methodNotAllowed(response, "GET, HEAD");
    if (path == "/health") return isRead(method) ? _json.health(response) : methodNotAllowed(response, "GET, HEAD");
    if (path == "/info") return isRead(method) ? _json.info(response) : methodNotAllowed(response, "GET, HEAD");
    if (path == "/files" || path == "/files/")
    {
        if (isRead(method)) return _json.list(response);
        if (method == "PUT") return _json.create(request, response);
        if (method == "POST") return _json.createNamed(request, response);
        if (method == "DELETE") return _json.clear(response);
        return methodNotAllowed(response, "GET, HEAD, PUT, POST, DELETE");
    }
    constexpr std::string_view files = "/files/";
    if (path.substr(0, files.size()) == files) return dispatchFile(request, response, path.substr(files.size()));
    return ApiAnswer::detail(response, 404, "Not Found");
}

int FileStorage::dispatchFile(const terrarium::Request& request, terrarium::Response& response, std::string_view rest)
{
    constexpr std::string_view rawSuffix = "/raw";
    const bool raw = rest.size() > rawSuffix.size() && rest.substr(rest.size() - rawSuffix.size()) == rawSuffix;
    if (raw) rest.remove_suffix(rawSuffix.size());
    std::string name;
    std::string problem = FileNameRules::problemInPath(rest, name);
    if (!problem.empty()) return ApiAnswer::detail(response, 400, "Invalid filename: " + problem);

    const std::string_view method = request.method();
    if (raw) return isRead(method) ? _raw.download(request, response, name) : methodNotAllowed(response, "GET, HEAD");
    if (isRead(method)) return _json.read(response, name);
    if (method == "PUT") return _raw.upload(request, response, name);
    if (method == "DELETE") return _json.remove(response, name);
    return methodNotAllowed(response, "GET, HEAD, PUT, DELETE");
}

int FileStorage::methodNotAllowed(terrarium::Response& response, const char* allow)
{
    response.header("Allow", allow);
    return ApiAnswer::detail(response, 405, "Method Not Allowed");
}

void FileStorage::logRequest(const terrarium::Request& request, int status, double seconds) const
{
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.3f", seconds);
    std::string line = "API ";
    line += request.method();
    line += ' ';
    line += request.path();
    line += " - " + std::to_string(status) + " (" + duration + "s)";
    _host.count("requests");
    _host.log(status >= 500 ? terrarium::LogLevel::Error : terrarium::LogLevel::Info, line,
              {{"method", request.method()}, {"path", request.path()}, {"status", std::to_string(status)}, {"seconds", duration}});
}

} // namespace filestorage

TERRARIUM_PLUGIN(filestorage::FileStorage, "file-storage", "1.0.0", terrarium::route("/api/file-storage"), terrarium::route("/api/storage"))
