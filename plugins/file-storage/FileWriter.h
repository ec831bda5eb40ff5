// file-storage: how bytes reach a staged file. The seam through which tests make the disk full.
#ifndef FileStorage_FileWriter_INCLUDED
#define FileStorage_FileWriter_INCLUDED

#include <string_view>

namespace filestorage {

/// Writes to and flushes open file descriptors; PosixFileWriter is the real one, tests substitute
/// one that fails like a full disk.
class FileWriter
{
public:
    virtual ~FileWriter() = default;

    /// Writes all of data at fd's current offset; throws StorageError with the errno of a failure.
    virtual void write(int fd, std::string_view data) = 0;

    /// Flushes fd's data and metadata to the device; throws StorageError.
    virtual void sync(int fd) = 0;
};

} // namespace filestorage

#endif
