#include "RequestBody.h"

#include "StorageError.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace filestorage {

RequestBody::RequestBody(const terrarium::Request& request) : _request(request), _path(request.bodyFile())
{
}

std::uint64_t RequestBody::size() const
{
    if (!spooled()) return _request.body().size();
    struct stat info;
    if (::stat(_path.c_str(), &info) != 0) throw StorageError("stat the request body", errno);
    return static_cast<std::uint64_t>(info.st_size);
}

std::optional<std::string> RequestBody::text(std::uint64_t limit) const
{
    if (!spooled())
    {
        if (_request.body().size() > limit) return std::nullopt;
        return std::string(_request.body());
    }
    int fd = ::open(_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) throw StorageError("open the request body", errno);
    struct stat info;
    if (::fstat(fd, &info) != 0)
    {
        int error = errno;
        ::close(fd);
        throw StorageError("stat the request body", error);
    }
    if (static_cast<std::uint64_t>(info.st_size) > limit)
    {
        ::close(fd);
        return std::nullopt;
    }
    std::string data(static_cast<std::size_t>(info.st_size), '\0');
    std::size_t done = 0;
    while (done < data.size())
    {
        ssize_t n = ::read(fd, &data[done], data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
        {
            int error = n < 0 ? errno : EIO;
            ::close(fd);
            throw StorageError("read the request body", error);
        }
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return data;
}

void RequestBody::storeInto(StagedFile& staged) const
{
    if (spooled())
        staged.adopt(_path);
    else
        staged.append(_request.body());
}

} // namespace filestorage
