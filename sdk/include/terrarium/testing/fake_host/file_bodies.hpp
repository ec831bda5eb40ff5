// Terrarium plugin SDK, part of the fake host (include <terrarium/testing/fake_host.hpp>, not this):
// bodies in files (ABI 1.3): the checks on a file a plugin answers with (response_send_file), reading
// its range, and the spooling of request bodies into files of a directory (TRM_PLUGIN_SPOOL_BODIES).
// POSIX (open, pread, fstat, rename) on top of the C++17 standard library.
#ifndef TERRARIUM_TESTING_FAKE_HOST_FILE_BODIES_HPP
#define TERRARIUM_TESTING_FAKE_HOST_FILE_BODIES_HPP

#include "terrarium/plugin.h"

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace terrarium {
namespace testing {
namespace detail {

/// True when fd is a regular file open for reading that holds offset + length bytes (what the host
/// checks in response_send_file).
inline bool usableFile(int fd, uint64_t offset, uint64_t length) noexcept
{
    struct stat info;
    int mode = fd < 0 ? -1 : ::fcntl(fd, F_GETFL);
    return mode >= 0 && (mode & O_ACCMODE) != O_WRONLY && ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) &&
           offset <= static_cast<uint64_t>(info.st_size) && length <= static_cast<uint64_t>(info.st_size) - offset;
}

/// length bytes of fd from offset on; throws std::runtime_error when they cannot be read.
inline std::string readRange(int fd, uint64_t offset, uint64_t length)
{
    std::string data(static_cast<size_t>(length), '\0');
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::pread(fd, &data[done], data.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error("FakeHost: the file a plugin answered with cannot be read (it shrank?)");
        done += static_cast<size_t>(n);
    }
    return data;
}

/// A request body the fake host spools: written to a new file (mode 0600) in a directory; whatever
/// is still at its path when the object goes is unlinked, as the host does after handle().
class SpooledBody {
public:
    /// Writes body to a new file in directory; throws std::runtime_error when it cannot.
    SpooledBody(const std::string& directory, std::string_view body)
    {
        static std::atomic<uint64_t> number{0};
        _path = directory + "/body-fake-" + std::to_string(::getpid()) + "-" + std::to_string(++number);
        int fd = ::open(_path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
        if (fd < 0) throw std::runtime_error("FakeHost: cannot create the spool file " + _path + ": " + std::strerror(errno));
        size_t done = 0;
        while (done < body.size()) {
            ssize_t n = ::write(fd, body.data() + done, body.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                int error = errno;
                ::close(fd);
                ::unlink(_path.c_str());
                throw std::runtime_error("FakeHost: cannot write the spool file " + _path + ": " + std::strerror(error));
            }
            done += static_cast<size_t>(n);
        }
        ::close(fd);
    }
    SpooledBody(const SpooledBody&) = delete;
    SpooledBody& operator=(const SpooledBody&) = delete;
    ~SpooledBody() { ::unlink(_path.c_str()); }

    /// The file's path (NUL-terminated), what the plugin sees as body_file.
    const std::string& path() const noexcept { return _path; }

private:
    std::string _path;
};

} // namespace detail
} // namespace testing
} // namespace terrarium

#endif // TERRARIUM_TESTING_FAKE_HOST_FILE_BODIES_HPP
