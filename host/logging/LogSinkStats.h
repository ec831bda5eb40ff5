#ifndef Terrarium_LogSinkStats_INCLUDED
#define Terrarium_LogSinkStats_INCLUDED

#include <Poco/Types.h>

#include <cstddef>
#include <string>

namespace terrarium {

/// The figures of one sink.
struct LogSinkStats
{
    std::string name;            /// "console", "file", "logthon"
    bool remote = false;         /// ships over the network (or to another service): counted as shipped
    Poco::UInt64 written = 0;    /// records written (remote: delivered)
    Poco::UInt64 dropped = 0;    /// records given up: queue full, rejected, unwritable, unsent at stop
    Poco::UInt64 failures = 0;   /// failed writes or shipping attempts
    Poco::UInt64 skipped = 0;    /// records not taken because the sink had no destination (no logthon known)
    std::size_t queueDepth = 0;  /// records waiting in the sink's own queue
};

} // namespace terrarium

#endif
