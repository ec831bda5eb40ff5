#include "SinkAnswer.h"

#include "Utf8Text.h"

#include <terrarium/plugin.hpp>

namespace terrarium::sink {

std::string SinkAnswer::success(std::string_view message, std::time_t timestamp, std::string_view service)
{
    return build("success", {}, message, timestamp, service);
}

std::string SinkAnswer::badRequest(std::string_view message, std::time_t timestamp, std::string_view service)
{
    return build("error", "bad_request", message, timestamp, service);
}

std::string SinkAnswer::build(std::string_view status, std::string_view error, std::string_view message, std::time_t timestamp,
                              std::string_view service)
{
    // Built by hand rather than through Poco JSON: the sinks answer every stray request (a hot
    // path), and the message must stay readable ('/' unescaped) and valid UTF-8.
    std::string body;
    body.reserve(96 + message.size());
    body += "{\"status\":";
    appendJsonString(body, status);
    if (!error.empty()) {
        body += ",\"error\":";
        appendJsonString(body, error);
    }
    body += ",\"message\":";
    appendJsonString(body, Utf8Text::repaired(message));
    body += ",\"timestamp\":";
    body += std::to_string(static_cast<long long>(timestamp));
    if (!service.empty()) {
        body += ",\"service\":";
        appendJsonString(body, service);
    }
    body += '}';
    return body;
}

} // namespace terrarium::sink
