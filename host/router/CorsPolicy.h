#ifndef Terrarium_CorsPolicy_INCLUDED
#define Terrarium_CorsPolicy_INCLUDED

#include "config/Config.h"

#include <string>
#include <utility>
#include <vector>

namespace terrarium {

struct IncomingRequest;
class HttpReply;

/// The cross-origin answers of a listener with "cors": the Access-Control-Allow-* headers that
/// the connection layer adds to every answer of the listener (plugins', upstreams' and the host's
/// own errors alike), and the 204 the host gives an OPTIONS request on any path.
class CorsPolicy
{
public:
    /// The policy of config (inactive when config.enabled is false).
    explicit CorsPolicy(const CorsConfig& config);

    /// True when the listener answers with CORS headers.
    bool enabled() const { return _enabled; }

    /// The headers added to every answer: Allow-Origin, Allow-Methods, Allow-Headers and
    /// Expose-Headers (those configured non-empty); none when not enabled.
    const std::vector<std::pair<std::string, std::string>>& responseHeaders() const { return _headers; }

    /// True for a request the policy answers itself: OPTIONS (any path) when enabled.
    bool answers(const IncomingRequest& request) const;

    /// The answer to such a request: 204 with Access-Control-Max-Age (the connection adds the rest).
    void preflight(HttpReply& reply) const;

private:
    bool _enabled = false;
    unsigned _maxAge = 0;
    std::vector<std::pair<std::string, std::string>> _headers;
};

} // namespace terrarium

#endif
