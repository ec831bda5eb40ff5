#ifndef Terrarium_LogRecordFormat_INCLUDED
#define Terrarium_LogRecordFormat_INCLUDED

#include "logging/LogIdentity.h"
#include "logging/LogRecord.h"

#include <Poco/Timestamp.h>

#include <string>
#include <vector>

namespace terrarium {

/// The text forms of a LogRecord: JSON line (console, file), human text line (console on a
/// terminal) and logthon's POST body. Fields never replace the fixed keys: a field named like
/// one ("msg", "level", ...) is written as "field_<key>".
class LogRecordFormat
{
public:
    /// {"ts":"2024-05-01T12:00:00.123Z","level":"info","service","msg","request_id"?, fields...}
    /// without a trailing newline.
    static std::string jsonLine(const LogRecord& record);

    /// "2024-05-01T12:00:00.123Z INFO  [service] message key=value ... request_id=..." without a
    /// trailing newline; control characters are shown escaped (\n, \t, \x1b), so one record is
    /// always one line.
    static std::string textLine(const LogRecord& record);

    /// Logthon's body (§6): {"service","level":"INFO","message","metadata":{"timestamp":<epoch
    /// seconds>,"container_id","container_name","service_name","level":"info","request_id"?,
    /// fields...},"request_id"?} (the request id also at the top, where logthon keeps it).
    static std::string logthonBody(const LogRecord& record, const LogIdentity& identity);

    /// Logthon's batch body: a JSON array of the logthonBody() of each record, in order.
    static std::string logthonBatchBody(const std::vector<LogRecord>& records, const LogIdentity& identity);

    /// ISO-8601 UTC with milliseconds: "2024-05-01T12:00:00.123Z".
    static std::string isoTimestamp(const Poco::Timestamp& timestamp);

    /// Seconds since the epoch with microseconds, as a JSON number: "1714564800.123456".
    static std::string epochSeconds(const Poco::Timestamp& timestamp);
};

} // namespace terrarium

#endif
