// file-storage: how bytes reach a staged file (written, copied from a spooled request body, or the
// spooled file renamed into place). The seam through which tests make the disk full.
#ifndef FileStorage_FileWriter_INCLUDED
#define FileStorage_FileWriter_INCLUDED

#include <cstdint>
#include <string>
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

    /// Copies everything readable from fromFd (its current offset to its end) to toFd in the
    /// kernel, never through memory; returns the bytes copied; throws StorageError.
    virtual std::uint64_t copy(int toFd, int fromFd) = 0;

    /// Renames the file at path to name in the directory dirFd, replacing a file of that name:
    /// true when done, false when they are on different file systems (EXDEV: copy instead);
    /// throws StorageError for another failure.
    virtual bool rename(const std::string& path, int dirFd, const std::string& name) = 0;
};

} // namespace filestorage

#endif
