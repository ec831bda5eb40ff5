#include "FileStatus.h"

#include "StorageError.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>

namespace filestorage {

namespace {

std::int64_t nanoseconds(const struct statx_timestamp& t)
{
    return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

std::optional<StoredFile> statusOf(int dirFd, const char* path, int flags, const std::string& name)
{
    struct statx status;
    if (::statx(dirFd, path, flags | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, &status) != 0)
    {
        if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
        throw StorageError("stat " + name, errno);
    }
    if (!S_ISREG(status.stx_mode)) return std::nullopt;
    StoredFile file;
    file.name = name;
    file.size = status.stx_size;
    file.modifiedNs = nanoseconds(status.stx_mtime);
    file.createdNs = (status.stx_mask & STATX_BTIME) ? nanoseconds(status.stx_btime) : file.modifiedNs;
    file.inode = status.stx_ino;
    return file;
}

} // namespace

std::optional<StoredFile> FileStatus::ofName(int dirFd, const std::string& name)
{
    return statusOf(dirFd, name.c_str(), 0, name);
}

std::optional<StoredFile> FileStatus::ofDescriptor(int fd, const std::string& name)
{
    return statusOf(fd, "", AT_EMPTY_PATH, name);
}

} // namespace filestorage
