#include "OpenFile.h"

#include "StorageError.h"

#include <cerrno>
#include <unistd.h>

namespace filestorage {

OpenFile::~OpenFile()
{
    if (_fd >= 0) ::close(_fd);
}

OpenFile& OpenFile::operator=(OpenFile&& other) noexcept
{
    if (this != &other)
    {
        if (_fd >= 0) ::close(_fd);
        _fd = other._fd;
        _info = std::move(other._info);
        other._fd = -1;
    }
    return *this;
}

std::string OpenFile::read(std::uint64_t offset, std::uint64_t length) const
{
    std::string out;
    out.resize(static_cast<std::size_t>(length));
    std::size_t done = 0;
    while (done < out.size())
    {
        ssize_t got = ::pread(_fd, &out[done], out.size() - done, static_cast<off_t>(offset + done));
        if (got < 0)
        {
            if (errno == EINTR) continue;
            throw StorageError("read", errno);
        }
        if (got == 0) break;
        done += static_cast<std::size_t>(got);
    }
    out.resize(done);
    return out;
}

} // namespace filestorage
