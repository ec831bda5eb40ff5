#include "http/SpoolFile.h"

#include "http/SpoolStats.h"

#include <Poco/Exception.h>
#include <Poco/NumberFormatter.h>
#include <Poco/RandomStream.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace terrarium {

namespace {

std::atomic<std::uint64_t> fileNumber{0};

[[noreturn]] void fail(const std::string& what, const std::string& path, int error)
{
    throw Poco::FileException(what + " " + path + ": " + std::strerror(error), error);
}

} // namespace

SpoolFile::SpoolFile(const std::string& directory) : _directory(directory)
{
#ifdef O_TMPFILE
    _descriptor = ::open(directory.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
#endif
    if (_descriptor < 0)
    {
        _path = uniquePath();
        _descriptor = ::open(_path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
        if (_descriptor < 0)
        {
            int error = errno;
            _path.clear();
            fail("cannot create a spool file", directory, error);
        }
        _named = true;
    }
    SpoolStats::process().opened();
}

SpoolFile::~SpoolFile()
{
    discard();
}

std::string SpoolFile::uniquePath() const
{
    Poco::RandomInputStream random;
    std::uint32_t salt = 0;
    random.read(reinterpret_cast<char*>(&salt), sizeof salt);
    return _directory + "/" + namePrefix() + std::to_string(::getpid()) + "-" + std::to_string(++fileNumber) + "-" +
           Poco::NumberFormatter::formatHex(salt, 8);
}

void SpoolFile::write(const char* data, std::size_t size)
{
    while (size > 0)
    {
        ssize_t n = ::write(_descriptor, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail("cannot write the spool file", _named ? _path : _directory, errno);
        data += n;
        size -= static_cast<std::size_t>(n);
        _size += static_cast<std::uint64_t>(n);
        SpoolStats::process().wrote(static_cast<std::uint64_t>(n));
    }
}

const std::string& SpoolFile::publish()
{
    if (_named) return _path;
    std::string path = uniquePath();
    std::string self = "/proc/self/fd/" + std::to_string(_descriptor);
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW) != 0 &&
        ::linkat(_descriptor, "", AT_FDCWD, path.c_str(), AT_EMPTY_PATH) != 0)
        fail("cannot name the spool file", path, errno);
    _path = std::move(path);
    _named = true;
    return _path;
}

void SpoolFile::discard()
{
    if (_named && !_path.empty()) ::unlink(_path.c_str());
    _named = false;
    if (_descriptor < 0) return;
    ::close(_descriptor);
    _descriptor = -1;
    SpoolStats::process().closed();
}

} // namespace terrarium
