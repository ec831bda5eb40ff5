#include "router/CorsPolicy.h"

#include "http/HttpReply.h"
#include "http/IncomingRequest.h"

namespace terrarium {

CorsPolicy::CorsPolicy(const CorsConfig& config) : _enabled(config.enabled), _maxAge(config.maxAge)
{
    if (!_enabled) return;
    auto add = [this](const char* name, const std::string& value) {
        if (!value.empty()) _headers.emplace_back(name, value);
    };
    add("Access-Control-Allow-Origin", config.allowOrigin);
    add("Access-Control-Allow-Methods", config.allowMethods);
    add("Access-Control-Allow-Headers", config.allowHeaders);
    add("Access-Control-Expose-Headers", config.exposeHeaders);
}

bool CorsPolicy::answers(const IncomingRequest& request) const
{
    return _enabled && request.method == "OPTIONS";
}

void CorsPolicy::preflight(HttpReply& reply) const
{
    reply.setStatus(204);
    if (_maxAge > 0) reply.addHeader("Access-Control-Max-Age", std::to_string(_maxAge));
}

} // namespace terrarium
