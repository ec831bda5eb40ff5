// file-storage: the plugin's settings, from its config block with the Edge-Terrarium environment
// names as a fallback.
#ifndef FileStorage_StorageSettings_INCLUDED
#define FileStorage_StorageSettings_INCLUDED

#include <terrarium/plugin.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace filestorage {

/// Where and how much file-storage stores. Each value comes from the plugin's config key, else
/// from its environment variable, else from the default:
///   path          FILE_STORAGE_PATH        /var/lib/terrarium/file-storage
///   max_files     FILE_STORAGE_MAX_FILES   15        (at least 1)
///   max_size      FILE_STORAGE_MAX_SIZE    1048576   (bytes of content through the JSON API)
///   max_raw_size  -                        1073741824 (bytes of a raw upload, PUT /files/{name})
struct StorageSettings
{
    std::string path = "/var/lib/terrarium/file-storage";   ///< storage directory (absolute)
    std::size_t maxFiles = 15;                              ///< files kept after a create
    std::uint64_t maxSize = 1048576;                        ///< largest content of PUT/POST /files
    std::uint64_t maxRawSize = 1073741824;                  ///< largest body of PUT /files/{name}
    std::vector<std::string> allowedExtensions{".txt", ".json", ".log"};   ///< for PUT/POST /files

    /// The settings of the plugin's config block and environment; throws std::invalid_argument
    /// naming the key or variable of a value that is not a usable number.
    static StorageSettings read(const terrarium::Host& host);

    /// The allowed extensions as the error text shows them: "['.txt', '.json', '.log']".
    std::string allowedExtensionsText() const;

    /// True when extension is one of allowedExtensions.
    bool allows(const std::string& extension) const;

    /// The largest body of PUT/POST /files that is read (413 beyond): room for maxSize bytes of
    /// content written as \u escapes (6 bytes each) and 64 KiB for the other members.
    std::uint64_t maxJsonBodyBytes() const;
};

} // namespace filestorage

#endif
