// file-storage: FileWriter over write(2), sendfile(2), renameat(2) and fsync(2).
#ifndef FileStorage_PosixFileWriter_INCLUDED
#define FileStorage_PosixFileWriter_INCLUDED

#include "FileWriter.h"

namespace filestorage {

/// Writes with write(2) (partial writes continued, EINTR retried), copies with sendfile(2), renames
/// with renameat(2) and flushes with fsync(2).
class PosixFileWriter : public FileWriter
{
public:
    /// Writes all of data; throws StorageError("write", errno).
    void write(int fd, std::string_view data) override;

    /// fsync(fd); throws StorageError("fsync", errno).
    void sync(int fd) override;

    /// sendfile(2) a MiB at a time (EINTR retried); throws StorageError("copy", errno).
    std::uint64_t copy(int toFd, int fromFd) override;

    /// renameat(2); false on EXDEV; throws StorageError("rename", errno).
    bool rename(const std::string& path, int dirFd, const std::string& name) override;
};

} // namespace filestorage

#endif
