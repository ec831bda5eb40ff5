#ifndef Terrarium_LogPipelineStats_INCLUDED
#define Terrarium_LogPipelineStats_INCLUDED

#include "logging/LogSinkStats.h"

#include <Poco/Types.h>

#include <cstddef>
#include <vector>

namespace terrarium {

/// The figures of a LogPipeline (for /metrics and the admin API).
struct LogPipelineStats
{
    Poco::UInt64 records = 0;       /// records accepted by log() (level filter passed)
    Poco::UInt64 dropped = 0;       /// pipeline queue full, plus every sink's dropped
    Poco::UInt64 suppressed = 0;    /// made on a log-shipping thread, discarded (no logging loop)
    Poco::UInt64 shipped = 0;       /// delivered by remote sinks (logthon)
    Poco::UInt64 shipFailures = 0;  /// failed shipping attempts of remote sinks
    std::size_t queueDepth = 0;     /// records waiting: pipeline queue plus sink queues
    std::vector<LogSinkStats> sinks;
};

} // namespace terrarium

#endif
