// file-storage: the clock and the ways its answers and generated names write time.
#ifndef FileStorage_TimeText_INCLUDED
#define FileStorage_TimeText_INCLUDED

#include <cstdint>
#include <string>

namespace filestorage {

/// Time as nanoseconds since the Unix epoch, written as the API shows it (UTC throughout).
class TimeText
{
public:
    /// Nanoseconds since the epoch, now (system clock).
    static std::int64_t nowNs();

    /// ISO-8601 in UTC with microseconds: "2025-01-12T10:30:00.123456Z".
    static std::string iso(std::int64_t ns);

    /// The stamp in a generated file name, UTC: "20250112_103000_123" (YYYYmmdd_HHMMSS_mmm).
    static std::string nameStamp(std::int64_t ns);

    /// An HTTP date (RFC 9110 IMF-fixdate) for Last-Modified: "Sun, 12 Jan 2025 10:30:00 GMT".
    static std::string http(std::int64_t ns);
};

} // namespace filestorage

#endif
