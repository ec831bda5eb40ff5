#ifndef Terrarium_LogLevelTable_INCLUDED
#define Terrarium_LogLevelTable_INCLUDED

#include "logging/LogLevel.h"

#include <map>
#include <string>

namespace terrarium {

/// The level thresholds of a LogPipeline: one per service that has its own, and the default.
struct LogLevelTable
{
    LogLevel defaultLevel = LogLevel::Info;
    std::map<std::string, LogLevel> services;  /// "host" and plugin names with their own level

    /// The threshold for service.
    LogLevel levelOf(const std::string& service) const
    {
        if (services.empty())
            return defaultLevel;
        auto it = services.find(service);
        return it == services.end() ? defaultLevel : it->second;
    }
};

} // namespace terrarium

#endif
