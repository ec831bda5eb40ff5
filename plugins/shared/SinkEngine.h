// The request handling custom-client and service-sink share (services.md §2 and §3).
#ifndef Terrarium_Sink_SinkEngine_INCLUDED
#define Terrarium_Sink_SinkEngine_INCLUDED

#include "RequestLog.h"
#include "SinkIdentity.h"
#include "SinkRequest.h"

#include <terrarium/plugin.hpp>

#include <functional>
#include <memory>
#include <string>

namespace terrarium::sink {

/// Answers a request the way both sinks do: an unparsable request 400 (logged with its cause),
/// GET /health 200 with a log line naming the probe type, anything else logged, written to a
/// request-log file and answered 200 with the message the plugin chooses. Config keys
/// request_log_dir (default /tmp/requests; "" writes no files) and request_log_retention
/// (default 100). Thread-safe.
class SinkEngine
{
public:
    /// The message of a 200 answer to a request that is no health check.
    using MessageFor = std::function<std::string(const SinkRequest&)>;

    /// Reads the request-log settings of host's config (throws terrarium::Error when malformed).
    SinkEngine(const terrarium::Host& host, SinkIdentity identity);

    /// Answers request into response.
    void handle(const terrarium::Request& request, terrarium::Response& response, const MessageFor& messageFor) const;

    /// The request-log files, or nullptr when they are off.
    RequestLog* requestLog() const { return _requestLog.get(); }

private:
    void answer(terrarium::Response& response, int status, const std::string& body) const;
    void writeRequestLog(const SinkRequest& request, std::time_t now) const;

    const terrarium::Host& _host;
    const SinkIdentity _identity;
    std::unique_ptr<RequestLog> _requestLog;
};

} // namespace terrarium::sink

#endif
