// file-storage: the JSON API of the Edge-Terrarium contract (services.md §4), both the original's
// PUT /files and the guide's POST /files.
#ifndef FileStorage_JsonFileApi_INCLUDED
#define FileStorage_JsonFileApi_INCLUDED

#include "Rotation.h"
#include "StorageDirectory.h"
#include "StorageSettings.h"

#include <terrarium/json.hpp>
#include <terrarium/plugin.hpp>

#include <string>

namespace filestorage {

/// The contract's routes; each answers and returns the status it set. StorageError escapes only
/// where the contract names no error text (the caller answers 507 or 500).
class JsonFileApi
{
public:
    /// Characters of content_preview before "..." is appended.
    static constexpr std::size_t previewCharacters = 200;

    /// The API over storage with settings; logs and counts through host.
    JsonFileApi(const StorageSettings& settings, StorageDirectory& storage, Rotation& rotation, const terrarium::Host& host)
        : _settings(settings), _storage(storage), _rotation(rotation), _host(host) {}

    /// GET /: {"service":"File Storage API","version":"1.0.0","status":"running","timestamp"}.
    int service(terrarium::Response& response) const;

    /// GET /health: {"status":"healthy","service":"file-storage","timestamp","storage_path","total_files","max_files"}.
    int health(terrarium::Response& response) const;

    /// GET /info: {"storage_path","total_files","max_files","total_size","available_space","oldest_file","newest_file"}.
    int info(terrarium::Response& response) const;

    /// GET /files: {"files":[FileInfo…],"count","storage_path","max_files"}, newest first.
    int list(terrarium::Response& response) const;

    /// GET /files/{name}: {"filename","content","size","created_at","modified_at"}; 404.
    int read(terrarium::Response& response, const std::string& name) const;

    /// PUT /files {"content","filename_prefix"?,"extension"?}: a new file under a generated name.
    int create(const terrarium::Request& request, terrarium::Response& response);

    /// POST /files {"filename","content","metadata"?}: the file under the given name (replaced when it exists).
    int createNamed(const terrarium::Request& request, terrarium::Response& response);

    /// DELETE /files/{name}: {"filename","message"}; 404.
    int remove(terrarium::Response& response, const std::string& name);

    /// DELETE /files: {"status":"success","message":"Cleared <n> files from storage","timestamp"}.
    int clear(terrarium::Response& response);

private:
    /// FileInfo of an open file: {"filename","size","created_at","modified_at","extension","content_preview"}.
    terrarium::json::ObjectPtr fileInfo(const OpenFile& file) const;
    /// 400 when content is larger than max_size (0 when it fits).
    int refuseOversized(terrarium::Response& response, const std::string& content) const;
    /// 413 for a body above maxJsonBodyBytes (never read).
    int refuseJsonBody(terrarium::Response& response) const;
    /// 400 when extension is not allowed (0 when it is).
    int refuseExtension(terrarium::Response& response, const std::string& extension) const;
    /// Stores content under a new name "<stem>_<stamp><extension>" (a "_<n>" suffix when taken).
    StoredFile storeGenerated(const std::string& stem, const std::string& extension, const std::string& content);

    const StorageSettings& _settings;
    StorageDirectory& _storage;
    Rotation& _rotation;
    const terrarium::Host& _host;
};

} // namespace filestorage

#endif
