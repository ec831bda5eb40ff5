#include "JsonFileApi.h"

#include "ApiAnswer.h"
#include "FileNameRules.h"
#include "JsonBody.h"
#include "RequestBody.h"
#include "StorageError.h"
#include "TimeText.h"
#include "Utf8Text.h"

#include <algorithm>
#include <vector>

namespace filestorage {

namespace json = terrarium::json;

namespace {

/// The files opened for a listing, newest first; files gone meanwhile are left out.
std::vector<OpenFile> openNewestFirst(const StorageDirectory& storage)
{
    std::vector<OpenFile> files;
    for (const StoredFile& file : storage.list())
        if (auto opened = storage.open(file.name)) files.push_back(std::move(*opened));
    std::sort(files.begin(), files.end(), [](const OpenFile& a, const OpenFile& b) {
        return a.info().modifiedNs != b.info().modifiedNs ? a.info().modifiedNs > b.info().modifiedNs : a.info().name > b.info().name;
    });
    return files;
}

Poco::Dynamic::Var nameOrNull(const std::vector<StoredFile>& files, bool newest)
{
    if (files.empty()) return Poco::Dynamic::Var();
    auto older = [](const StoredFile& a, const StoredFile& b) {
        return a.modifiedNs != b.modifiedNs ? a.modifiedNs < b.modifiedNs : a.name < b.name;
    };
    return newest ? std::max_element(files.begin(), files.end(), older)->name : std::min_element(files.begin(), files.end(), older)->name;
}

} // namespace

int JsonFileApi::service(terrarium::Response& response) const
{
    json::ObjectPtr body = json::object();
    body->set("service", std::string("File Storage API"));
    body->set("version", std::string("1.0.0"));
    body->set("status", std::string("running"));
    body->set("timestamp", TimeText::iso(TimeText::nowNs()));
    return ApiAnswer::send(response, 200, body);
}

int JsonFileApi::health(terrarium::Response& response) const
{
    std::size_t total = 0;
    try
    {
        total = _storage.list().size();
    }
    catch (const StorageError& e)
    {
        _host.log(terrarium::LogLevel::Error, "health check failed", {{"error", e.what()}});
        return ApiAnswer::detail(response, 503, "Storage unavailable: " + std::string(e.what()));
    }
    json::ObjectPtr body = json::object();
    body->set("status", std::string("healthy"));
    body->set("service", std::string("file-storage"));
    body->set("timestamp", TimeText::iso(TimeText::nowNs()));
    body->set("storage_path", _settings.path);
    body->set("total_files", static_cast<Poco::UInt64>(total));
    body->set("max_files", static_cast<Poco::UInt64>(_settings.maxFiles));
    return ApiAnswer::send(response, 200, body);
}

int JsonFileApi::info(terrarium::Response& response) const
{
    json::ObjectPtr body = json::object();
    try
    {
        std::vector<StoredFile> files = _storage.list();
        Poco::UInt64 totalSize = 0;
        for (const StoredFile& file : files) totalSize += file.size;
        body->set("storage_path", _settings.path);
        body->set("total_files", static_cast<Poco::UInt64>(files.size()));
        body->set("max_files", static_cast<Poco::UInt64>(_settings.maxFiles));
        body->set("total_size", totalSize);
        body->set("available_space", static_cast<Poco::UInt64>(_storage.availableBytes()));
        body->set("oldest_file", nameOrNull(files, false));
        body->set("newest_file", nameOrNull(files, true));
    }
    catch (const StorageError& e)
    {
        _host.log(terrarium::LogLevel::Error, "storage info failed", {{"error", e.what()}});
        return ApiAnswer::detail(response, 500, "Failed to get storage info");
    }
    return ApiAnswer::send(response, 200, body);
}

json::ObjectPtr JsonFileApi::fileInfo(const OpenFile& file) const
{
    const StoredFile& info = file.info();
    Utf8Text::Prefix preview = Utf8Text::prefix(file.read(0, previewCharacters * 4), previewCharacters);
    if (preview.bytesUsed < info.size) preview.text += "...";
    json::ObjectPtr item = json::object();
    item->set("filename", info.name);
    item->set("size", static_cast<Poco::UInt64>(info.size));
    item->set("created_at", TimeText::iso(info.createdNs));
    item->set("modified_at", TimeText::iso(info.modifiedNs));
    item->set("extension", info.extension());
    item->set("content_preview", preview.text);
    return item;
}

int JsonFileApi::list(terrarium::Response& response) const
{
    json::ArrayPtr files = json::array();
    try
    {
        for (const OpenFile& file : openNewestFirst(_storage)) files->add(fileInfo(file));
    }
    catch (const StorageError& e)
    {
        _host.log(terrarium::LogLevel::Error, "listing files failed", {{"error", e.what()}});
        return ApiAnswer::detail(response, 500, "Failed to list files");
    }
    json::ObjectPtr body = json::object();
    body->set("files", files);
    body->set("count", static_cast<Poco::UInt64>(files->size()));
    body->set("storage_path", _settings.path);
    body->set("max_files", static_cast<Poco::UInt64>(_settings.maxFiles));
    return ApiAnswer::send(response, 200, body);
}

int JsonFileApi::read(terrarium::Response& response, const std::string& name) const
{
    std::optional<OpenFile> file = _storage.open(name);
    if (!file) return ApiAnswer::detail(response, 404, "File '" + name + "' not found");
    const StoredFile& info = file->info();
    if (info.size > _settings.maxSize)
        return ApiAnswer::detail(response, 409, "File '" + name + "' is larger than " + std::to_string(_settings.maxSize) +
                                                    " bytes: read it from /files/" + name + "/raw");
    json::ObjectPtr body = json::object();
    body->set("filename", info.name);
    body->set("content", Utf8Text::sanitized(file->read(0, info.size)));
    body->set("size", static_cast<Poco::UInt64>(info.size));
    body->set("created_at", TimeText::iso(info.createdNs));
    body->set("modified_at", TimeText::iso(info.modifiedNs));
    return ApiAnswer::send(response, 200, body);
}

int JsonFileApi::refuseOversized(terrarium::Response& response, const std::string& content) const
{
    if (content.size() <= _settings.maxSize) return 0;
    return ApiAnswer::detail(response, 400, "File content exceeds maximum size of " + std::to_string(_settings.maxSize) + " bytes");
}

int JsonFileApi::refuseJsonBody(terrarium::Response& response) const
{
    return ApiAnswer::detail(response, 413, "Request body exceeds maximum size of " + std::to_string(_settings.maxJsonBodyBytes()) + " bytes");
}

int JsonFileApi::refuseExtension(terrarium::Response& response, const std::string& extension) const
{
    if (_settings.allows(extension)) return 0;
    return ApiAnswer::detail(response, 400,
                             "File extension '" + extension + "' is not allowed. Allowed: " + _settings.allowedExtensionsText());
}

StoredFile JsonFileApi::storeGenerated(const std::string& stem, const std::string& extension, const std::string& content)
{
    StagedFile staged = _storage.stage();
    staged.append(content);
    const std::string base = stem + "_" + TimeText::nameStamp(TimeText::nowNs());
    for (unsigned suffix = 0; suffix < 100000; ++suffix)
    {
        std::string name = suffix == 0 ? base + extension : base + "_" + std::to_string(suffix) + extension;
        if (std::optional<StoredFile> file = staged.commitNew(name)) return *file;
    }
    throw StorageError("find a free name for " + base + extension, EEXIST);
}

int JsonFileApi::create(const terrarium::Request& request, terrarium::Response& response)
{
    std::optional<std::string> text = RequestBody(request).text(_settings.maxJsonBodyBytes());
    if (!text) return refuseJsonBody(response);
    JsonBody body(*text);
    std::optional<std::string> content = body.string("content", true);
    std::optional<std::string> prefix = body.string("filename_prefix", false);
    std::optional<std::string> extension = body.string("extension", false);
    if (!body.problems().empty()) return ApiAnswer::invalid(response, body.problems());
    if (int status = refuseOversized(response, *content)) return status;
    std::string ext = extension.value_or(".txt");
    if (int status = refuseExtension(response, ext)) return status;
    std::string stem = "file";
    if (prefix && !prefix->empty())
    {
        std::string problem = FileNameRules::problemInBody(*prefix);
        if (problem.empty() && prefix->size() + ext.size() + 32 > FileNameRules::maxLength)
            problem = "the file name would be longer than " + std::to_string(FileNameRules::maxLength) + " bytes";
        if (!problem.empty()) return ApiAnswer::detail(response, 400, "Invalid filename_prefix: " + problem);
        stem = *prefix;
    }
    StoredFile file = storeGenerated(stem, ext, *content);
    _host.count("files_created");
    _rotation.afterCreate();
    json::ObjectPtr answer = json::object();
    answer->set("filename", file.name);
    answer->set("size", static_cast<Poco::UInt64>(file.size));
    answer->set("created_at", TimeText::iso(file.createdNs));
    answer->set("message", "File '" + file.name + "' created successfully");
    return ApiAnswer::send(response, 200, answer);
}

int JsonFileApi::createNamed(const terrarium::Request& request, terrarium::Response& response)
{
    std::optional<std::string> text = RequestBody(request).text(_settings.maxJsonBodyBytes());
    if (!text) return refuseJsonBody(response);
    JsonBody body(*text);
    std::optional<std::string> name = body.string("filename", true);
    std::optional<std::string> content = body.string("content", true);
    body.object("metadata");
    if (!body.problems().empty()) return ApiAnswer::invalid(response, body.problems());
    if (int status = refuseOversized(response, *content)) return status;
    std::string problem = FileNameRules::problemInBody(*name);
    if (!problem.empty()) return ApiAnswer::detail(response, 400, "Invalid filename: " + problem);
    StoredFile named;
    named.name = *name;
    if (named.extension().empty()) named.name += ".txt";
    if (int status = refuseExtension(response, named.extension())) return status;
    problem = FileNameRules::problem(named.name);
    if (!problem.empty()) return ApiAnswer::detail(response, 400, "Invalid filename: " + problem);

    StagedFile staged = _storage.stage();
    staged.append(*content);
    bool replaced = false;
    StoredFile file = staged.commitReplacing(named.name, replaced);
    _host.count("files_created");
    _rotation.afterCreate();
    json::ObjectPtr answer = json::object();
    answer->set("success", true);
    answer->set("file_id", file.name);
    answer->set("message", std::string("File created successfully"));
    return ApiAnswer::send(response, 200, answer);
}

int JsonFileApi::remove(terrarium::Response& response, const std::string& name)
{
    if (!_storage.remove(name)) return ApiAnswer::detail(response, 404, "File '" + name + "' not found");
    _host.count("files_deleted");
    json::ObjectPtr answer = json::object();
    answer->set("filename", name);
    answer->set("message", "File '" + name + "' deleted successfully");
    return ApiAnswer::send(response, 200, answer);
}

int JsonFileApi::clear(terrarium::Response& response)
{
    std::size_t removed = _storage.clear();
    _host.count("files_deleted", removed);
    json::ObjectPtr answer = json::object();
    answer->set("status", std::string("success"));
    answer->set("message", "Cleared " + std::to_string(removed) + " files from storage");
    answer->set("timestamp", TimeText::iso(TimeText::nowNs()));
    return ApiAnswer::send(response, 200, answer);
}

} // namespace filestorage
