#include "PosixFileWriter.h"

#include "StorageError.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <unistd.h>

namespace filestorage {

void PosixFileWriter::write(int fd, std::string_view data)
{
    while (!data.empty())
    {
        ssize_t written = ::write(fd, data.data(), data.size());
        if (written < 0)
        {
            if (errno == EINTR) continue;
            throw StorageError("write", errno);
        }
        if (written == 0) throw StorageError("write", EIO);
        data.remove_prefix(static_cast<std::size_t>(written));
    }
}

void PosixFileWriter::sync(int fd)
{
    if (::fsync(fd) != 0) throw StorageError("fsync", errno);
}

std::uint64_t PosixFileWriter::copy(int toFd, int fromFd)
{
    std::uint64_t total = 0;
    for (;;)
    {
        ssize_t copied = ::sendfile(toFd, fromFd, nullptr, 1 << 20);
        if (copied < 0)
        {
            if (errno == EINTR) continue;
            throw StorageError("copy", errno);
        }
        if (copied == 0) return total;
        total += static_cast<std::uint64_t>(copied);
    }
}

bool PosixFileWriter::rename(const std::string& path, int dirFd, const std::string& name)
{
    if (::renameat(AT_FDCWD, path.c_str(), dirFd, name.c_str()) == 0) return true;
    if (errno == EXDEV) return false;
    throw StorageError("rename", errno);
}

} // namespace filestorage
