// file-storage: stat (statx) of stored files, with the birth time where the file system keeps one.
#ifndef FileStorage_FileStatus_INCLUDED
#define FileStorage_FileStatus_INCLUDED

#include "StoredFile.h"

#include <optional>
#include <string>

namespace filestorage {

/// Reads the status of files without following symbolic links.
class FileStatus
{
public:
    /// The regular file name in the directory dirFd; nullopt when there is none (absent, a
    /// directory, a link, a device); throws StorageError("stat") on other failures.
    static std::optional<StoredFile> ofName(int dirFd, const std::string& name);

    /// The status of the open descriptor fd, reported under name; nullopt when it is not a regular
    /// file; throws StorageError("stat").
    static std::optional<StoredFile> ofDescriptor(int fd, const std::string& name);
};

} // namespace filestorage

#endif
