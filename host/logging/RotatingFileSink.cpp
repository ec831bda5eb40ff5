#include "logging/RotatingFileSink.h"

#include "logging/DescriptorWriter.h"
#include "logging/LogRecordFormat.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Path.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace terrarium {

namespace {

const std::size_t flushThreshold = 64 * 1024;

std::string rotatedName(const std::string& path, unsigned index)
{
    return path + "." + std::to_string(index);
}

} // namespace

RotatingFileSink::RotatingFileSink(std::string path, std::size_t maxBytes, unsigned keep, LogDiagnostics::Writer diagnostics,
                                   LineFormat format)
    : _path(std::move(path)), _maxBytes(maxBytes > 0 ? maxBytes : 1), _keep(keep), _diagnostics(std::move(diagnostics)),
      _format(format ? std::move(format) : LineFormat(&LogRecordFormat::jsonLine))
{
}

RotatingFileSink::~RotatingFileSink()
{
    close();
}

void RotatingFileSink::write(const LogRecord& record)
{
    std::string line;
    try
    {
        line = _format(record);
        line += '\n';
    }
    catch (...)
    {
        ++_dropped;
        return;
    }
    if (!ensureOpen())
    {
        ++_dropped;
        return;
    }
    const std::size_t size = _size + _pending.size();
    if (size > 0 && size + line.size() > _maxBytes)
    {
        writePending();
        rotate();
    }
    _pending += line;
    ++_pendingRecords;
    if (_pending.size() >= flushThreshold)
        writePending();
}

void RotatingFileSink::flush()
{
    writePending();
    _openFailed = false;
}

void RotatingFileSink::stop(Poco::Timespan bound)
{
    flush();
    close();
}

LogSinkStats RotatingFileSink::stats() const
{
    LogSinkStats stats;
    stats.name = name();
    stats.written = _written;
    stats.dropped = _dropped;
    stats.failures = _failures;
    return stats;
}

bool RotatingFileSink::ensureOpen()
{
    if (_descriptor >= 0)
        return true;
    if (_openFailed)
        return false;
    std::string directoryError;
    try
    {
        const Poco::Path parent = Poco::Path(_path).parent();
        if (!parent.toString().empty())
            Poco::File(parent).createDirectories();
    }
    catch (const Poco::Exception& error)
    {
        directoryError = "; creating its directory failed: " + error.displayText();
    }
    _descriptor = ::open(_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (_descriptor < 0)
    {
        const int error = errno;
        _openFailed = true;
        ++_failures;
        _diagnostics.report("cannot open log file " + _path + ": " + std::strerror(error) + directoryError);
        return false;
    }
    struct stat status {};
    _size = ::fstat(_descriptor, &status) == 0 ? static_cast<std::size_t>(status.st_size) : 0;
    return true;
}

void RotatingFileSink::close()
{
    if (_descriptor >= 0)
        ::close(_descriptor);
    _descriptor = -1;
}

void RotatingFileSink::writePending()
{
    if (_pending.empty())
        return;
    if (!ensureOpen())
    {
        _dropped += _pendingRecords;
    }
    else
    {
        struct stat status {};
        const bool sized = ::fstat(_descriptor, &status) == 0;
        const std::size_t written = DescriptorWriter::writeAll(_descriptor, _pending.data(), _pending.size());
        if (written == _pending.size())
        {
            _size = sized ? static_cast<std::size_t>(status.st_size) + written : _size + written;
            _written += _pendingRecords;
        }
        else
        {
            const int error = errno;
            if (written > 0 && sized)
                (void) !::ftruncate(_descriptor, status.st_size);
            ++_failures;
            _dropped += _pendingRecords;
            _diagnostics.report("cannot write log file " + _path + ": " + std::strerror(error) + "; "
                + std::to_string(_pendingRecords) + " records lost");
            close();
        }
    }
    _pending.clear();
    _pendingRecords = 0;
}

void RotatingFileSink::rotate()
{
    close();
    try
    {
        if (_keep == 0)
        {
            Poco::File(_path).remove();
        }
        else
        {
            for (unsigned index = _keep - 1; index >= 1; --index)
            {
                Poco::File older(rotatedName(_path, index));
                if (older.exists())
                    older.renameTo(rotatedName(_path, index + 1));
            }
            Poco::File(_path).renameTo(rotatedName(_path, 1));
        }
        ++_rotations;
    }
    catch (const Poco::Exception& error)
    {
        ++_failures;
        _diagnostics.report("cannot rotate log file " + _path + ": " + error.displayText());
    }
    if (ensureOpen())
        _size = 0;
}

} // namespace terrarium
