// What custom-client and service-sink read from a request.
#ifndef Terrarium_Sink_SinkRequest_INCLUDED
#define Terrarium_Sink_SinkRequest_INCLUDED

#include <terrarium/plugin.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace terrarium::sink {

/// A view of the request being served with the facts the sinks answer and log: valid while
/// handle() runs.
class SinkRequest
{
public:
    /// Views request (not copied).
    explicit SinkRequest(const terrarium::Request& request);

    /// The request as the host handed it over.
    const terrarium::Request& request() const { return _request; }

    /// The peer's address without its port ("10.0.0.7", "::1"); "in-process" for a call from
    /// another plugin of the host.
    std::string clientIp() const;

    /// The path the plugin received (routed, normalised) followed by "?" and the query when the
    /// request had one, bytes as sent.
    std::string pathWithQuery() const;

    /// The query as sent, or nothing when there is none (or it is empty).
    std::optional<std::string_view> query() const;

    /// True for GET on the exact path /health.
    bool healthCheck() const;

    /// X-Probe-Type: "liveness", "readiness", or "unknown" for anything else or none.
    std::string probeType() const;

    /// Why the request cannot be parsed, or nothing when it can: a malformed percent-escape ('%'
    /// not followed by two hex digits) in the path or query, or a body declared as JSON
    /// (Content-Type application/json or */*+json) that is not JSON.
    std::optional<std::string> malformation() const;

private:
    static std::optional<std::size_t> badPercentEscape(std::string_view text);
    bool declaresJson() const;

    const terrarium::Request& _request;
};

} // namespace terrarium::sink

#endif
