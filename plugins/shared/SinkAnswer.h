// The JSON answers of custom-client and service-sink (services.md §2 and §3).
#ifndef Terrarium_Sink_SinkAnswer_INCLUDED
#define Terrarium_Sink_SinkAnswer_INCLUDED

#include <ctime>
#include <string>
#include <string_view>

namespace terrarium::sink {

/// Builds the answer bodies: always valid JSON, whatever bytes the message holds.
class SinkAnswer
{
public:
    /// {"status":"success","message":…,"timestamp":<seconds>} plus ,"service":… when service is not empty.
    static std::string success(std::string_view message, std::time_t timestamp, std::string_view service);

    /// {"status":"error","error":"bad_request","message":…,"timestamp":<seconds>} plus ,"service":…
    /// when service is not empty.
    static std::string badRequest(std::string_view message, std::time_t timestamp, std::string_view service);

private:
    static std::string build(std::string_view status, std::string_view error, std::string_view message, std::time_t timestamp,
                             std::string_view service);
};

} // namespace terrarium::sink

#endif
