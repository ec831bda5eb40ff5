// A FileWriter for tests: a disk with room for a budget of bytes, and optionally a spool directory
// on another file system (the spooled body is then copied instead of renamed).
#ifndef FileStorage_Test_FullDiskWriter_INCLUDED
#define FileStorage_Test_FullDiskWriter_INCLUDED

#include "FileWriter.h"
#include "PosixFileWriter.h"
#include "StorageError.h"

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <unistd.h>

namespace filestorage::test {

/// A disk with room for budget more bytes: writes and copies go through for real up to the budget
/// (leaving a partial file), then fail with ENOSPC like write(2) on a full file system. syncError
/// makes fsync fail instead (0: fsync succeeds). crossDevice makes every rename of a spooled body
/// fail like EXDEV, so that it is copied.
class FullDiskWriter : public FileWriter
{
public:
    explicit FullDiskWriter(std::size_t budget, int syncError = 0, bool crossDevice = false)
        : _budget(budget), _syncError(syncError), _crossDevice(crossDevice) {}

    /// Room for everything, every spooled body on another file system.
    static std::shared_ptr<FullDiskWriter> crossDevice()
    {
        return std::make_shared<FullDiskWriter>(std::numeric_limits<std::size_t>::max(), 0, true);
    }

    void write(int fd, std::string_view data) override
    {
        std::size_t room = std::min(_budget, data.size());
        if (room > 0 && ::write(fd, data.data(), room) != static_cast<ssize_t>(room)) throw StorageError("write", errno);
        _budget -= room;
        if (room < data.size()) throw StorageError("write", ENOSPC);
    }

    void sync(int fd) override
    {
        if (_syncError != 0) throw StorageError("fsync", _syncError);
        if (::fsync(fd) != 0) throw StorageError("fsync", errno);
    }

    std::uint64_t copy(int toFd, int fromFd) override
    {
        std::uint64_t copied = 0;
        char buffer[65536];
        for (;;)
        {
            ssize_t n = ::read(fromFd, buffer, sizeof buffer);
            if (n < 0) throw StorageError("copy", errno);
            if (n == 0) return copied;
            write(toFd, std::string_view(buffer, static_cast<std::size_t>(n)));
            copied += static_cast<std::uint64_t>(n);
        }
    }

    bool rename(const std::string& path, int dirFd, const std::string& name) override
    {
        ++renames;
        return !_crossDevice && PosixFileWriter().rename(path, dirFd, name);
    }

    int renames = 0;   ///< renames asked for

private:
    std::size_t _budget;
    int _syncError;
    bool _crossDevice;
};

} // namespace filestorage::test

#endif
