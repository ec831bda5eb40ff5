// file-storage: FileWriter over write(2) and fsync(2).
#ifndef FileStorage_PosixFileWriter_INCLUDED
#define FileStorage_PosixFileWriter_INCLUDED

#include "FileWriter.h"

namespace filestorage {

/// Writes with write(2) (partial writes continued, EINTR retried) and flushes with fsync(2).
class PosixFileWriter : public FileWriter
{
public:
    /// Writes all of data; throws StorageError("write", errno).
    void write(int fd, std::string_view data) override;

    /// fsync(fd); throws StorageError("fsync", errno).
    void sync(int fd) override;
};

} // namespace filestorage

#endif
