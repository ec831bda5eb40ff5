// file-storage: raw access beyond the contract, for files of any size and type. PUT /files/{name}
// stores the body as it is; GET /files/{name}/raw answers the bytes with a content type from the
// extension, ETag (If-None-Match: 304) and single byte ranges (206, 416).
//
// receiveUpload() is the only place that takes an upload's bytes (the spooled body's file itself,
// ABI 1.3), sendBytes() the only place that hands a download's bytes to the host (sendfile).
#ifndef FileStorage_RawFileApi_INCLUDED
#define FileStorage_RawFileApi_INCLUDED

#include "OpenFile.h"
#include "Rotation.h"
#include "StagedFile.h"
#include "StorageDirectory.h"
#include "StorageSettings.h"

#include <terrarium/plugin.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace filestorage {

/// PUT /files/{name} and GET|HEAD /files/{name}/raw; each answers and returns the status it set.
class RawFileApi
{
public:
    /// The raw API over storage with settings.
    RawFileApi(const StorageSettings& settings, StorageDirectory& storage, Rotation& rotation, const terrarium::Host& host)
        : _settings(settings), _storage(storage), _rotation(rotation), _host(host) {}

    /// PUT /files/{name}: stores the body as it is; 201 for a new file, 200 when it replaced one,
    /// {"filename","size","created_at","message"} and its ETag; 413 past max_raw_size.
    int upload(const terrarium::Request& request, terrarium::Response& response, const std::string& name);

    /// GET|HEAD /files/{name}/raw: 200 with the bytes, 206 for a byte range, 304 when If-None-Match
    /// names the current ETag, 416 for an unsatisfiable range, 404.
    int download(const terrarium::Request& request, terrarium::Response& response, const std::string& name) const;

    /// The strong entity tag of a file's current content: "<size>-<mtime ns>-<inode>" in hex.
    static std::string entityTag(const StoredFile& file);

    /// True when an If-None-Match value ("*" or a list of tags, weak or strong) names tag.
    static bool noneMatchHits(std::string_view ifNoneMatch, const std::string& tag);

    /// The Content-Type for a file extension (".png" -> "image/png"); application/octet-stream
    /// for one not known.
    static std::string contentType(const std::string& extension);

private:
    /// Makes the request body the content of staged; false (nothing written) when it is larger
    /// than max_raw_size. A spooled body's file is renamed into place (copied in the kernel when
    /// the spool directory is on another file system); a body in memory is written.
    bool receiveUpload(const terrarium::Request& request, StagedFile& staged) const;

    /// Sets length bytes of file from offset as the response body. Today they are read into memory;
    /// with file responses this hands the descriptor, offset and length to the host instead.
    static void sendBytes(terrarium::Response& response, const OpenFile& file, std::uint64_t offset, std::uint64_t length);

    const StorageSettings& _settings;
    StorageDirectory& _storage;
    Rotation& _rotation;
    const terrarium::Host& _host;
};

} // namespace filestorage

#endif
