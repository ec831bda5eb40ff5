#ifndef Terrarium_LogPipelineFactory_INCLUDED
#define Terrarium_LogPipelineFactory_INCLUDED

#include "logging/LogDiagnostics.h"
#include "logging/LogPipeline.h"
#include "logging/ShipResult.h"

#include <functional>
#include <memory>

namespace terrarium {

struct LogConfig;

/// Builds the LogPipeline that a LogConfig describes.
class LogPipelineFactory
{
public:
    /// A pipeline (not started) with config's levels (level as the default, pluginLevels per
    /// service), queueCapacity, a ConsoleSink when console is set, a RotatingFileSink when
    /// filePath is set, and a LogthonSink when logthon is set and shipper is given (destination,
    /// when given, tells the sink whether there is a logthon to ship to right now; the records of
    /// the service "logthon", the destination itself, are not shipped). Throws
    /// Poco::InvalidArgumentException naming the key of a bad level or console format.
    static std::unique_ptr<LogPipeline> create(const LogConfig& config, LogShipper shipper = LogShipper(),
        LogDiagnostics::Writer diagnostics = LogDiagnostics::Writer(), std::function<bool()> destination = std::function<bool()>());
};

} // namespace terrarium

#endif
