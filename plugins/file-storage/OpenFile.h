// file-storage: a stored file opened for reading.
#ifndef FileStorage_OpenFile_INCLUDED
#define FileStorage_OpenFile_INCLUDED

#include "StoredFile.h"

#include <cstdint>
#include <string>
#include <utility>

namespace filestorage {

/// An open read-only descriptor of a stored file and its stat, taken on the descriptor (so both
/// describe the same file even when it is replaced meanwhile). Closed on destruction.
class OpenFile
{
public:
    /// Takes ownership of fd, a descriptor of the file info describes.
    OpenFile(int fd, StoredFile info) noexcept : _fd(fd), _info(std::move(info)) {}
    ~OpenFile();
    OpenFile(OpenFile&& other) noexcept : _fd(other._fd), _info(std::move(other._info)) { other._fd = -1; }
    OpenFile& operator=(OpenFile&& other) noexcept;
    OpenFile(const OpenFile&) = delete;
    OpenFile& operator=(const OpenFile&) = delete;

    /// The file's stat when it was opened.
    const StoredFile& info() const noexcept { return _info; }

    /// Up to length bytes from offset (fewer at the end of the file); throws StorageError("read").
    std::string read(std::uint64_t offset, std::uint64_t length) const;

    /// The descriptor (still owned by this object).
    int descriptor() const noexcept { return _fd; }

    /// Gives up the descriptor: the caller closes it.
    int release() noexcept
    {
        int fd = _fd;
        _fd = -1;
        return fd;
    }

private:
    int _fd;
    StoredFile _info;
};

} // namespace filestorage

#endif
