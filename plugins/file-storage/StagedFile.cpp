#include "StagedFile.h"

#include "FileStatus.h"
#include "StorageError.h"
#include "TimeText.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace filestorage {

namespace {

std::atomic<std::uint64_t> stagedCount{0};

std::string temporaryName()
{
    char text[96];
    std::snprintf(text, sizeof text, "%.*s%d-%llu-%llx", static_cast<int>(StagedFile::prefix.size()), StagedFile::prefix.data(),
                  static_cast<int>(::getpid()), static_cast<unsigned long long>(++stagedCount),
                  static_cast<unsigned long long>(TimeText::nowNs()));
    return text;
}

} // namespace

StagedFile::StagedFile(int dirFd, std::shared_ptr<FileWriter> writer) : _dirFd(dirFd), _writer(std::move(writer))
{
    for (int attempt = 0; _fd < 0; ++attempt)
    {
        _tempName = temporaryName();
        _fd = ::openat(_dirFd, _tempName.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (_fd < 0 && (errno != EEXIST || attempt == 16)) throw StorageError("create a temporary file", errno);
    }
}

StagedFile::StagedFile(StagedFile&& other) noexcept
    : _dirFd(other._dirFd), _writer(std::move(other._writer)), _tempName(std::move(other._tempName)), _fd(other._fd),
      _size(other._size), _flushed(other._flushed), _committed(other._committed), _status(std::move(other._status))
{
    other._fd = -1;
    other._committed = true;   // the moved-from object owns nothing to remove
}

StagedFile::~StagedFile()
{
    if (_fd >= 0) ::close(_fd);
    if (!_committed) ::unlinkat(_dirFd, _tempName.c_str(), 0);
}

void StagedFile::append(std::string_view data)
{
    _writer->write(_fd, data);
    _size += data.size();
}

void StagedFile::appendFrom(int fd)
{
    _size += _writer->copy(_fd, fd);
}

void StagedFile::adopt(const std::string& path)
{
    if (_size != 0) throw StorageError("adopt a body into a file already written", EINVAL);
    int source = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (source < 0) throw StorageError("open the request body", errno);
    struct stat body;
    struct stat staged;
    if (::fstat(source, &body) != 0 || ::fstat(_fd, &staged) != 0)
    {
        int error = errno;
        ::close(source);
        throw StorageError("stat the request body", error);
    }
    if (!S_ISREG(body.st_mode))
    {
        ::close(source);
        throw StorageError("read the request body: not a regular file", EINVAL);
    }
    bool renamed = false;
    try
    {
        renamed = _writer->rename(path, _dirFd, _tempName);
        if (!renamed) _size = _writer->copy(_fd, source);
    }
    catch (...)
    {
        ::close(source);
        throw;
    }
    if (!renamed)
    {
        ::close(source);
        return;
    }
    // The body now has the temporary name (the empty staged file it replaced is gone): it is the
    // staged file, with the permissions a staged file is created with.
    ::close(_fd);
    _fd = source;
    _size = static_cast<std::uint64_t>(body.st_size);
    if (::fchmod(_fd, staged.st_mode & 07777) != 0) throw StorageError("chmod", errno);
}

void StagedFile::flush()
{
    if (_flushed) return;
    _writer->sync(_fd);
    _status = FileStatus::ofDescriptor(_fd, _tempName);
    int fd = _fd;
    _fd = -1;
    if (::close(fd) != 0 && errno != EINTR) throw StorageError("close", errno);
    if (!_status) throw StorageError("stat", EIO);
    _flushed = true;
}

void StagedFile::syncDirectory()
{
    if (::fsync(_dirFd) != 0) throw StorageError("fsync of the storage directory", errno);
}

StoredFile StagedFile::published(const std::string& name)
{
    StoredFile file = *_status;
    file.name = name;
    return file;
}

std::optional<StoredFile> StagedFile::commitNew(const std::string& name)
{
    flush();
    if (::renameat2(_dirFd, _tempName.c_str(), _dirFd, name.c_str(), RENAME_NOREPLACE) != 0)
    {
        if (errno == EEXIST) return std::nullopt;
        if (errno != EINVAL && errno != ENOSYS) throw StorageError("rename", errno);
        // No RENAME_NOREPLACE on this file system: a hard link fails alike when the name exists.
        if (::linkat(_dirFd, _tempName.c_str(), _dirFd, name.c_str(), 0) != 0)
        {
            if (errno == EEXIST) return std::nullopt;
            throw StorageError("link", errno);
        }
        ::unlinkat(_dirFd, _tempName.c_str(), 0);
    }
    _committed = true;
    syncDirectory();
    return published(name);
}

StoredFile StagedFile::commitReplacing(const std::string& name, bool& replaced)
{
    std::optional<StoredFile> file = commitNew(name);
    replaced = !file;
    if (file) return *file;
    if (::renameat(_dirFd, _tempName.c_str(), _dirFd, name.c_str()) != 0) throw StorageError("rename", errno);
    _committed = true;
    syncDirectory();
    return published(name);
}

} // namespace filestorage
