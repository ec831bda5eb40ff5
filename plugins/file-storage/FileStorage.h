// file-storage: the Edge-Terrarium file-storage service as a Terrarium plugin (services.md §4).
// Routes /api/file-storage and /api/storage (prefix stripped); see README.md for every answer.
#ifndef FileStorage_FileStorage_INCLUDED
#define FileStorage_FileStorage_INCLUDED

#include "JsonFileApi.h"
#include "RawFileApi.h"
#include "Rotation.h"
#include "StorageDirectory.h"
#include "StorageSettings.h"

#include <terrarium/plugin.hpp>

#include <string>
#include <string_view>

namespace filestorage {

/// The plugin: reads its settings, opens the storage directory, routes each request to the JSON
/// or the raw API and logs it ("API <METHOD> <path> - <status> (<seconds>s)").
class FileStorage
{
public:
    /// Large request bodies arrive in a spool file (TRM_PLUGIN_SPOOL_BODIES, ABI 1.3): raw uploads
    /// are bounded by max_raw_size and the host's spool limit, not by limits.max_body_bytes.
    static constexpr bool spoolBodies = true;

    /// Reads the settings and opens (creates) the storage directory; throws (the load is refused)
    /// when a setting is unusable or the directory cannot be opened.
    explicit FileStorage(terrarium::Host& host);

    /// Serves one request; never throws.
    void handle(const terrarium::Request& request, terrarium::Response& response);

    /// True while the storage directory can be written.
    bool healthy() { return _storage.writable(); }

    /// The settings in force.
    const StorageSettings& settings() const noexcept { return _settings; }

    /// The storage directory (tests replace its writer to fail like a full disk).
    StorageDirectory& storage() noexcept { return _storage; }

private:
    /// Routes the request to the API; returns the status answered.
    int dispatch(const terrarium::Request& request, terrarium::Response& response);
    /// Routes /files/<rest>: a file, or its raw bytes when rest ends in "/raw".
    int dispatchFile(const terrarium::Request& request, terrarium::Response& response, std::string_view rest);
    /// 405 with Allow.
    static int methodNotAllowed(terrarium::Response& response, const char* allow);
    /// Logs the request line of the contract, with its fields.
    void logRequest(const terrarium::Request& request, int status, double seconds) const;

    terrarium::Host& _host;
    StorageSettings _settings;
    StorageDirectory _storage;
    Rotation _rotation;
    JsonFileApi _json;
    RawFileApi _raw;
};

} // namespace filestorage

#endif
