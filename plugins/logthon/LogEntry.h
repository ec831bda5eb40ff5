// logthon: one stored log entry.
#ifndef Logthon_LogEntry_INCLUDED
#define Logthon_LogEntry_INCLUDED

#include <cstdint>
#include <memory>
#include <string>

namespace logthon {

/// A stored entry: its id, its service and its JSON text
/// ({"id","timestamp","service","level","message","metadata"[,"client_timestamp"][,"request_id"]}),
/// made once at ingestion and sent as is by queries, the live stream and the database.
struct LogEntry
{
    std::uint64_t id = 0;
    std::string service;
    std::string json;
};

/// Entries are shared between the rings, the database writer and the live stream; never changed.
using EntryPtr = std::shared_ptr<const LogEntry>;

} // namespace logthon

#endif
