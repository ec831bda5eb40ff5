#ifndef Terrarium_LogLevel_INCLUDED
#define Terrarium_LogLevel_INCLUDED

namespace terrarium {

/// Severity of a log record. The values equal the C ABI's TRM_LOG_TRACE (0) .. TRM_LOG_ERROR (4);
/// Off is only a threshold ("none": nothing passes), never the level of a record.
enum class LogLevel : int
{
    Trace = 0,
    Debug = 1,
    Info = 2,
    Warn = 3,
    Error = 4,
    Off = 5
};

} // namespace terrarium

#endif
