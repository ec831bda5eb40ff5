#ifndef Terrarium_LogMetrics_INCLUDED
#define Terrarium_LogMetrics_INCLUDED

#include "logging/LogPipelineStats.h"
#include "metrics/PrometheusWriter.h"

namespace terrarium {

/// The log pipeline's figures on /metrics: records accepted, suppressed (made while shipping),
/// queue depth, and per sink records written, dropped, skipped and failed attempts.
class LogMetrics
{
public:
    /// Writes the terrarium_log_* families of stats.
    static void collect(const LogPipelineStats& stats, PrometheusWriter& writer);
};

} // namespace terrarium

#endif
