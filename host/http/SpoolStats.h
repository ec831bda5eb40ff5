#ifndef Terrarium_SpoolStats_INCLUDED
#define Terrarium_SpoolStats_INCLUDED

#include "metrics/PrometheusWriter.h"

#include <atomic>
#include <cstdint>

namespace terrarium {

/// The host's figures of spooled request bodies (one spool directory per process, so one set of
/// figures): spool files open, bodies spooled and their bytes, and the requests refused while
/// spooling, by reason. SpoolFile and RequestParser count; the /metrics page reads. Thread-safe.
class SpoolStats
{
public:
    /// Why a spooling request was refused.
    enum class Refusal
    {
        Limit,  /// 413: the body passes the plugin's spool limit
        Disk,   /// 507: no room on the spool directory's file system (ENOSPC, EDQUOT)
        Error   /// 500: another failure to create, write or name a spool file
    };

    /// The figures of this process.
    static SpoolStats& process();

    /// A spool file was created.
    void opened() { _open.fetch_add(1, std::memory_order_relaxed); _spooled.fetch_add(1, std::memory_order_relaxed); }

    /// A spool file was closed (taken by its plugin, removed, or abandoned).
    void closed() { _open.fetch_sub(1, std::memory_order_relaxed); }

    /// bytes were written to a spool file.
    void wrote(std::uint64_t bytes) { _bytes.fetch_add(bytes, std::memory_order_relaxed); }

    /// A spooling request was refused for reason.
    void refused(Refusal reason);

    /// Writes the terrarium_spool_* families.
    void collect(PrometheusWriter& writer) const;

private:
    std::atomic<std::int64_t> _open{0};
    std::atomic<std::uint64_t> _spooled{0};
    std::atomic<std::uint64_t> _bytes{0};
    std::atomic<std::uint64_t> _refusedLimit{0};
    std::atomic<std::uint64_t> _refusedDisk{0};
    std::atomic<std::uint64_t> _refusedError{0};
};

} // namespace terrarium

#endif
