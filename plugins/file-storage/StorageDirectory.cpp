#include "StorageDirectory.h"

#include "FileNameRules.h"
#include "FileStatus.h"
#include "PosixFileWriter.h"
#include "StorageError.h"

#include <Poco/Exception.h>
#include <Poco/File.h>

#include <algorithm>
#include <stdexcept>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace filestorage {

StorageDirectory::StorageDirectory(const std::string& path) : _path(path), _writer(std::make_shared<PosixFileWriter>())
{
    try
    {
        Poco::File(path).createDirectories();
    }
    catch (const Poco::Exception& e)
    {
        throw std::runtime_error("cannot create the storage directory " + path + ": " + e.displayText());
    }
    _fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (_fd < 0) throw StorageError("open the storage directory " + path, errno);
}

StorageDirectory::~StorageDirectory()
{
    if (_fd >= 0) ::close(_fd);
}

std::vector<std::string> StorageDirectory::entries() const
{
    int fd = ::openat(_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw StorageError("open the storage directory", errno);
    DIR* dir = ::fdopendir(fd);
    if (dir == nullptr)
    {
        int error = errno;
        ::close(fd);
        throw StorageError("read the storage directory", error);
    }
    std::vector<std::string> names;
    errno = 0;
    while (struct dirent* entry = ::readdir(dir))
        names.emplace_back(entry->d_name);
    int error = errno;
    ::closedir(dir);
    if (error != 0) throw StorageError("read the storage directory", error);
    return names;
}

std::vector<StoredFile> StorageDirectory::list() const
{
    std::vector<StoredFile> files;
    for (const std::string& name : entries())
    {
        if (!FileNameRules::problem(name).empty()) continue;
        if (auto file = FileStatus::ofName(_fd, name)) files.push_back(std::move(*file));
    }
    return files;
}

std::optional<StoredFile> StorageDirectory::find(const std::string& name) const
{
    return FileStatus::ofName(_fd, name);
}

std::optional<OpenFile> StorageDirectory::open(const std::string& name) const
{
    // O_NONBLOCK: opening a FIFO someone put there must not block the request.
    int fd = ::openat(_fd, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
    {
        if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR || errno == ENXIO) return std::nullopt;
        throw StorageError("open " + name, errno);
    }
    OpenFile file(fd, StoredFile{});
    std::optional<StoredFile> status = FileStatus::ofDescriptor(fd, name);
    if (!status) return std::nullopt;
    return OpenFile(file.release(), std::move(*status));
}

StagedFile StorageDirectory::stage() const
{
    return StagedFile(_fd, _writer);
}

bool StorageDirectory::remove(const std::string& name)
{
    if (!FileStatus::ofName(_fd, name)) return false;
    if (::unlinkat(_fd, name.c_str(), 0) != 0)
    {
        if (errno == ENOENT) return false;
        throw StorageError("remove " + name, errno);
    }
    return true;
}

std::size_t StorageDirectory::clear()
{
    std::size_t removed = 0;
    for (const StoredFile& file : list())
        if (remove(file.name)) ++removed;
    return removed;
}

std::vector<std::string> StorageDirectory::rotate(std::size_t keep)
{
    std::lock_guard<std::mutex> lock(_rotation);
    std::vector<StoredFile> files = list();
    std::vector<std::string> removed;
    if (files.size() <= keep) return removed;
    std::sort(files.begin(), files.end(), [](const StoredFile& a, const StoredFile& b) {
        return a.modifiedNs != b.modifiedNs ? a.modifiedNs < b.modifiedNs : a.name < b.name;
    });
    for (std::size_t i = 0; i < files.size() - keep; ++i)
        if (remove(files[i].name)) removed.push_back(files[i].name);
    return removed;
}

std::uint64_t StorageDirectory::availableBytes() const
{
    struct statvfs status;
    if (::fstatvfs(_fd, &status) != 0) throw StorageError("statvfs", errno);
    return static_cast<std::uint64_t>(status.f_bavail) * status.f_frsize;
}

bool StorageDirectory::writable() const
{
    return ::faccessat(_fd, ".", W_OK | X_OK, AT_EACCESS) == 0;
}

std::size_t StorageDirectory::removeStaleStagedFiles(std::int64_t olderThanNs)
{
    std::size_t removed = 0;
    for (const std::string& name : entries())
    {
        if (name.compare(0, StagedFile::prefix.size(), StagedFile::prefix) != 0) continue;
        std::optional<StoredFile> file = FileStatus::ofName(_fd, name);
        if (file && file->modifiedNs < olderThanNs && ::unlinkat(_fd, name.c_str(), 0) == 0) ++removed;
    }
    return removed;
}

} // namespace filestorage
