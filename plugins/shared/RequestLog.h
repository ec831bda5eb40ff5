// The request-log files of custom-client and service-sink (services.md §2 and §3).
#ifndef Terrarium_Sink_RequestLog_INCLUDED
#define Terrarium_Sink_RequestLog_INCLUDED

#include "SinkRequest.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace terrarium::sink {

/// Writes one file per request into a directory, named <prefix><epoch>_<ip>_<sequence>.txt, and
/// keeps only the newest `retention` files of that prefix. A file appears complete or not at all:
/// it is written under a hidden temporary name (.<prefix>…tmp, mode 0600) and then linked to its
/// final name, which never replaces an existing file (the next sequence number is taken instead).
/// Thread-safe.
class RequestLog
{
public:
    /// Files named <prefix>… in directory (created when missing), first line title; at most
    /// retention (at least 1) of them are kept.
    RequestLog(std::string directory, std::string prefix, std::string title, std::size_t retention);

    /// The directory the files go to.
    const std::string& directory() const { return _directory; }

    /// Writes the file for request received at now and removes the oldest files beyond the
    /// retention; returns the new file's path. Throws std::system_error when it cannot be written.
    std::string write(const SinkRequest& request, std::time_t now);

    /// The content of the file for request received at now: the title line, Timestamp (local
    /// time), Client IP, Method, Path (with query), Version, Headers (one line each, then a blank
    /// line), Query Parameters, Body Length, Body Content, "=== End Request ===".
    std::string render(const SinkRequest& request, std::time_t now) const;

    /// The name of the file for a request at now from clientIp with sequence number sequence.
    std::string fileName(std::time_t now, std::string_view clientIp, std::uint64_t sequence) const;

    /// Removes the oldest files of this prefix (by epoch, then sequence) until at most the
    /// retention remain; returns how many were removed.
    std::size_t prune();

private:
    /// (epoch, sequence) of a file name of this prefix, or nothing for any other name.
    std::optional<std::pair<std::int64_t, std::uint64_t>> orderOf(std::string_view name) const;
    /// The highest sequence number among the existing files (0 when there are none).
    std::uint64_t highestSequence() const;
    /// Creates the directory when it is missing.
    void ensureDirectory() const;
    /// Writes content to a new hidden file; returns its path.
    std::string writeTemporary(const std::string& content);

    const std::string _directory;
    const std::string _prefix;
    const std::string _title;
    const std::size_t _retention;
    std::atomic<std::uint64_t> _sequence{0};
    std::atomic<std::uint64_t> _temporaries{0};
    std::mutex _pruneMutex;   // one pruning pass at a time
};

} // namespace terrarium::sink

#endif
