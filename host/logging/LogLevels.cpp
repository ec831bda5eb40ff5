#include "logging/LogLevels.h"

#include <Poco/Exception.h>
#include <Poco/Message.h>
#include <Poco/String.h>

namespace terrarium {

LogLevel LogLevels::parse(const std::string& name)
{
    LogLevel level = LogLevel::Info;
    if (!tryParse(name, level))
        throw Poco::InvalidArgumentException("unknown log level '" + name
            + "', expected one of none, fatal, critical, error, warning, notice, information, debug, trace");
    return level;
}

bool LogLevels::tryParse(const std::string& name, LogLevel& level)
{
    const std::string lower = Poco::toLower(Poco::trim(name));
    if (lower == "trace") level = LogLevel::Trace;
    else if (lower == "debug") level = LogLevel::Debug;
    else if (lower == "information" || lower == "info" || lower == "notice") level = LogLevel::Info;
    else if (lower == "warning" || lower == "warn") level = LogLevel::Warn;
    else if (lower == "error" || lower == "critical" || lower == "fatal") level = LogLevel::Error;
    else if (lower == "none" || lower == "off") level = LogLevel::Off;
    else return false;
    return true;
}

const char* LogLevels::name(LogLevel level)
{
    switch (level)
    {
    case LogLevel::Trace: return "trace";
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warn";
    case LogLevel::Error: return "error";
    case LogLevel::Off: return "none";
    }
    return "info";
}

const char* LogLevels::logthonName(LogLevel level)
{
    switch (level)
    {
    case LogLevel::Trace:
    case LogLevel::Debug: return "DEBUG";
    case LogLevel::Info: return "INFO";
    case LogLevel::Warn: return "WARNING";
    case LogLevel::Error:
    case LogLevel::Off: return "ERROR";
    }
    return "INFO";
}

LogLevel LogLevels::fromPriority(int priority)
{
    if (priority <= Poco::Message::PRIO_ERROR) return LogLevel::Error;
    if (priority == Poco::Message::PRIO_WARNING) return LogLevel::Warn;
    if (priority <= Poco::Message::PRIO_INFORMATION) return LogLevel::Info;
    if (priority == Poco::Message::PRIO_DEBUG) return LogLevel::Debug;
    return LogLevel::Trace;
}

int LogLevels::toPriority(LogLevel level)
{
    switch (level)
    {
    case LogLevel::Trace: return Poco::Message::PRIO_TRACE;
    case LogLevel::Debug: return Poco::Message::PRIO_DEBUG;
    case LogLevel::Info: return Poco::Message::PRIO_INFORMATION;
    case LogLevel::Warn: return Poco::Message::PRIO_WARNING;
    case LogLevel::Error: return Poco::Message::PRIO_ERROR;
    case LogLevel::Off: return 0;
    }
    return Poco::Message::PRIO_INFORMATION;
}

LogLevel LogLevels::fromAbi(int level)
{
    if (level <= static_cast<int>(LogLevel::Trace)) return LogLevel::Trace;
    if (level >= static_cast<int>(LogLevel::Error)) return LogLevel::Error;
    return static_cast<LogLevel>(level);
}

} // namespace terrarium
