#ifndef Terrarium_LogRecord_INCLUDED
#define Terrarium_LogRecord_INCLUDED

#include "logging/LogLevel.h"

#include <Poco/Timestamp.h>

#include <string>
#include <utility>
#include <vector>

namespace terrarium {

/// A structured field of a record: key and value, both text.
using LogField = std::pair<std::string, std::string>;

/// One structured log record from the host or a plugin.
struct LogRecord
{
    Poco::Timestamp timestamp;      /// when it was made (defaults to now)
    LogLevel level = LogLevel::Info;
    std::string service;            /// "host" or the plugin's name
    std::string message;
    std::vector<LogField> fields;   /// in the order given; rendered after the fixed keys
    std::string requestId;          /// empty: LogPipeline::log() takes the thread's RequestId::current()
};

} // namespace terrarium

#endif
