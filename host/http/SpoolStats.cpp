#include "http/SpoolStats.h"

#include <algorithm>

namespace terrarium {

SpoolStats& SpoolStats::process()
{
    static SpoolStats stats;
    return stats;
}

void SpoolStats::refused(Refusal reason)
{
    switch (reason)
    {
    case Refusal::Limit: _refusedLimit.fetch_add(1, std::memory_order_relaxed); return;
    case Refusal::Disk: _refusedDisk.fetch_add(1, std::memory_order_relaxed); return;
    case Refusal::Error: _refusedError.fetch_add(1, std::memory_order_relaxed); return;
    }
}

void SpoolStats::collect(PrometheusWriter& writer) const
{
    writer.family("terrarium_spooled_bodies_in_progress", "gauge",
                  "Spooled request bodies whose file is open: being received, waiting for their plugin, or in it.");
    writer.sample("terrarium_spooled_bodies_in_progress", {}, static_cast<std::uint64_t>(std::max<std::int64_t>(0, _open.load())));
    writer.family("terrarium_spooled_bodies_total", "counter", "Request bodies written to a spool file (complete or not).");
    writer.sample("terrarium_spooled_bodies_total", {}, _spooled.load());
    writer.family("terrarium_spooled_body_bytes_total", "counter", "Bytes written to spool files.");
    writer.sample("terrarium_spooled_body_bytes_total", {}, _bytes.load());
    writer.family("terrarium_spool_refusals_total", "counter",
                  "Requests of a spooling plugin refused: body over the spool limit (413), no room for the spool file (507), another "
                  "spool file failure (500).");
    writer.sample("terrarium_spool_refusals_total", {{"reason", "limit"}}, _refusedLimit.load());
    writer.sample("terrarium_spool_refusals_total", {{"reason", "disk"}}, _refusedDisk.load());
    writer.sample("terrarium_spool_refusals_total", {{"reason", "error"}}, _refusedError.load());
}

} // namespace terrarium
