#include "AtomicFile.h"

#include <Poco/Path.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdexcept>
#include <unistd.h>

namespace terrarium {

namespace {

std::runtime_error systemError(const std::string& what, int error) { return std::runtime_error(what + ": " + std::strerror(error)); }

} // namespace

std::string AtomicFile::writeTemporary(const std::string& path, const std::string& content, mode_t mode)
{
    Poco::Path target(path);
    std::string temp = Poco::Path(target.parent(), "." + target.getFileName() + ".XXXXXX").toString();
    int fd = ::mkstemp(&temp[0]);
    if (fd < 0) throw systemError("cannot create a temporary file beside " + path, errno);
    auto fail = [&](const std::string& what) {
        int error = errno;
        ::close(fd);
        ::unlink(temp.c_str());
        return systemError(what + " " + temp, error);
    };
    if (::fchmod(fd, mode) != 0) throw fail("cannot set the mode of");
    std::size_t written = 0;
    while (written < content.size())
    {
        ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw fail("cannot write");
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) throw fail("cannot fsync");
    if (::close(fd) != 0)
    {
        int error = errno;
        ::unlink(temp.c_str());
        throw systemError("cannot close " + temp, error);
    }
    return temp;
}

void AtomicFile::syncDirectory(const std::string& path)
{
    std::string directory = Poco::Path(path).parent().toString();
    int fd = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

void AtomicFile::replace(const std::string& path, const std::string& content, mode_t mode)
{
    std::string temp = writeTemporary(path, content, mode);
    if (::rename(temp.c_str(), path.c_str()) != 0)
    {
        int error = errno;
        ::unlink(temp.c_str());
        throw systemError("cannot rename " + temp + " to " + path, error);
    }
    syncDirectory(path);
}

void AtomicFile::create(const std::string& path, const std::string& content, mode_t mode)
{
    std::string temp = writeTemporary(path, content, mode);
    int result = ::link(temp.c_str(), path.c_str());
    int error = errno;
    ::unlink(temp.c_str());
    if (result != 0)
    {
        if (error == EEXIST) throw std::runtime_error(path + " exists; refusing to overwrite it");
        throw systemError("cannot create " + path, error);
    }
    syncDirectory(path);
}

} // namespace terrarium
