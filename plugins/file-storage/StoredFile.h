// file-storage: what the API shows of one stored file.
#ifndef FileStorage_StoredFile_INCLUDED
#define FileStorage_StoredFile_INCLUDED

#include <cstdint>
#include <string>

namespace filestorage {

/// A regular file of the storage directory, as stat reported it.
struct StoredFile
{
    std::string name;               ///< the file name (no directory)
    std::uint64_t size = 0;         ///< bytes
    std::int64_t createdNs = 0;     ///< birth time (statx), the modification time where the file system has none
    std::int64_t modifiedNs = 0;    ///< modification time
    std::uint64_t inode = 0;        ///< inode number (a replaced file gets a new one)

    /// The extension with its dot (".txt"), "" when the name has none.
    std::string extension() const
    {
        auto dot = name.rfind('.');
        return dot == std::string::npos || dot == 0 ? std::string() : name.substr(dot);
    }
};

} // namespace filestorage

#endif
