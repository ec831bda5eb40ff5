#include "RawFileApi.h"

#include "ApiAnswer.h"
#include "ByteRange.h"
#include "RequestBody.h"
#include "TimeText.h"

#include <Poco/String.h>

#include <cstdio>
#include <utility>

#include <unistd.h>

namespace filestorage {

namespace json = terrarium::json;

namespace {

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

std::string_view withoutWeakMark(std::string_view tag)
{
    if (tag.size() >= 2 && tag[0] == 'W' && tag[1] == '/') tag.remove_prefix(2);
    return tag;
}

} // namespace

std::string RawFileApi::entityTag(const StoredFile& file)
{
    char text[80];
    std::snprintf(text, sizeof text, "\"%llx-%llx-%llx\"", static_cast<unsigned long long>(file.size),
                  static_cast<unsigned long long>(file.modifiedNs), static_cast<unsigned long long>(file.inode));
    return text;
}

bool RawFileApi::noneMatchHits(std::string_view ifNoneMatch, const std::string& tag)
{
    if (trimmed(ifNoneMatch) == "*") return true;
    while (!ifNoneMatch.empty())
    {
        std::size_t comma = ifNoneMatch.find(',');
        std::string_view candidate = trimmed(ifNoneMatch.substr(0, comma));
        if (withoutWeakMark(candidate) == std::string_view(tag)) return true;
        if (comma == std::string_view::npos) break;
        ifNoneMatch.remove_prefix(comma + 1);
    }
    return false;
}

std::string RawFileApi::contentType(const std::string& extension)
{
    // A plain array: plugins keep no static objects with destructors.
    static constexpr std::pair<std::string_view, std::string_view> types[] = {
        {".txt", "text/plain; charset=utf-8"}, {".log", "text/plain; charset=utf-8"}, {".md", "text/markdown; charset=utf-8"},
        {".csv", "text/csv; charset=utf-8"},   {".html", "text/html; charset=utf-8"}, {".htm", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},   {".js", "text/javascript; charset=utf-8"}, {".json", "application/json"},
        {".xml", "application/xml"},           {".pdf", "application/pdf"},           {".zip", "application/zip"},
        {".gz", "application/gzip"},           {".tar", "application/x-tar"},         {".wasm", "application/wasm"},
        {".png", "image/png"},                 {".jpg", "image/jpeg"},                {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},                 {".webp", "image/webp"},               {".svg", "image/svg+xml"},
        {".ico", "image/x-icon"},              {".mp3", "audio/mpeg"},                {".mp4", "video/mp4"},
    };
    const std::string lower = Poco::toLower(extension);
    for (const auto& type : types)
        if (type.first == lower) return std::string(type.second);
    return "application/octet-stream";
}

bool RawFileApi::receiveUpload(const terrarium::Request& request, StagedFile& staged) const
{
    RequestBody body(request);
    if (body.size() > _settings.maxRawSize) return false;
    body.storeInto(staged);
    return true;
}

void RawFileApi::sendBytes(terrarium::Response& response, const OpenFile& file, std::uint64_t offset, std::uint64_t length)
{
    // The host sends the range from the file (sendfile(2) on plain TCP) and closes the duplicate;
    // on a host older than ABI 1.3 the SDK reads the range into memory instead.
    int fd = ::dup(file.descriptor());
    if (fd < 0)
    {
        response.body(file.read(offset, length));
        return;
    }
    response.sendFile(fd, offset, length);
}

int RawFileApi::upload(const terrarium::Request& request, terrarium::Response& response, const std::string& name)
{
    StagedFile staged = _storage.stage();
    if (!receiveUpload(request, staged))
        return ApiAnswer::detail(response, 413, "File exceeds maximum raw size of " + std::to_string(_settings.maxRawSize) + " bytes");
    bool replaced = false;
    StoredFile file = staged.commitReplacing(name, replaced);
    _host.count("files_created");
    _rotation.afterCreate();
    json::ObjectPtr answer = json::object();
    answer->set("filename", file.name);
    answer->set("size", static_cast<Poco::UInt64>(file.size));
    answer->set("created_at", TimeText::iso(file.createdNs));
    answer->set("message", "File '" + file.name + "' stored successfully");
    response.header("ETag", entityTag(file));
    return ApiAnswer::send(response, replaced ? 200 : 201, answer);
}

int RawFileApi::download(const terrarium::Request& request, terrarium::Response& response, const std::string& name) const
{
    std::optional<OpenFile> file = _storage.open(name);
    if (!file) return ApiAnswer::detail(response, 404, "File '" + name + "' not found");
    const StoredFile& info = file->info();
    const std::string tag = entityTag(info);
    const std::string modified = TimeText::http(info.modifiedNs);
    response.header("ETag", tag).header("Last-Modified", modified).header("Accept-Ranges", "bytes");
    if (auto ifNoneMatch = request.header("If-None-Match"); ifNoneMatch && noneMatchHits(*ifNoneMatch, tag))
    {
        response.status(304);
        return 304;
    }

    ByteRange range = ByteRange::parse({}, info.size);
    auto rangeHeader = request.header("Range");
    if (rangeHeader && request.method() == "GET")
    {
        auto ifRange = request.header("If-Range");
        if (!ifRange || trimmed(*ifRange) == std::string_view(tag) || trimmed(*ifRange) == std::string_view(modified))
            range = ByteRange::parse(*rangeHeader, info.size);
    }
    if (range.kind() == ByteRange::Kind::Unsatisfiable)
    {
        response.header("Content-Range", range.contentRange());
        return ApiAnswer::detail(response, 416, "Range not satisfiable: the file has " + std::to_string(info.size) + " bytes");
    }
    int status = range.kind() == ByteRange::Kind::Part ? 206 : 200;
    response.status(status)
        .header("Content-Type", contentType(info.extension()))
        .header("Content-Length", std::to_string(range.length()))
        .header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", "sandbox");
    if (status == 206) response.header("Content-Range", range.contentRange());
    sendBytes(response, *file, range.first(), range.length());
    return status;
}

} // namespace filestorage
