#ifndef Terrarium_LogLevels_INCLUDED
#define Terrarium_LogLevels_INCLUDED

#include "logging/LogLevel.h"

#include <string>

namespace terrarium {

/// Conversions of LogLevel to and from level names, Poco::Message priorities and the C ABI's
/// trm_log_level values.
class LogLevels
{
public:
    /// The level called name, case-insensitive: Poco's names (none fatal critical error warning
    /// notice information debug trace) and the short ones (info, warn, off); fatal and critical
    /// are Error, notice is Info. Throws Poco::InvalidArgumentException naming the accepted names.
    static LogLevel parse(const std::string& name);

    /// parse() that answers false instead of throwing.
    static bool tryParse(const std::string& name, LogLevel& level);

    /// The lower-case name used in JSON lines and by the admin API: "trace" .. "error", "none".
    static const char* name(LogLevel level);

    /// Logthon's upper-case level: "DEBUG" (Trace too), "INFO", "WARNING", "ERROR".
    static const char* logthonName(LogLevel level);

    /// The level of a Poco::Message priority (PRIO_FATAL .. PRIO_TRACE).
    static LogLevel fromPriority(int priority);

    /// The Poco::Message priority of level, as a Poco::Logger level (Off is 0: nothing).
    static int toPriority(LogLevel level);

    /// The level of a trm_log_level value; values outside TRM_LOG_TRACE..TRM_LOG_ERROR are clamped.
    static LogLevel fromAbi(int level);
};

} // namespace terrarium

#endif
