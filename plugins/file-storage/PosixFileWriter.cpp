#include "PosixFileWriter.h"

#include "StorageError.h"

#include <cerrno>
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

} // namespace filestorage
