// service-sink: the Edge-Terrarium catch-all (services.md §3). Answers every request with the
// path it received and its length in bytes, logs it and writes it to a request-log file; GET
// /health answers that it is healthy. The engine is shared with custom-client (plugins/shared).
#include "SinkEngine.h"

#include <terrarium/plugin.hpp>

#include <string>

namespace {

using terrarium::sink::SinkEngine;
using terrarium::sink::SinkIdentity;
using terrarium::sink::SinkRequest;

class ServiceSink
{
public:
    explicit ServiceSink(terrarium::Host& host)
        : _engine(host, SinkIdentity{"Service Sink is healthy", "Bad Request - Service Sink", "service-sink", "service-sink-request_",
                                     "=== Service Sink HTTP Request Log ==="})
    {
    }

    void handle(const terrarium::Request& request, terrarium::Response& response)
    {
        _engine.handle(request, response, [](const SinkRequest& sinkRequest) {
            const std::string path = sinkRequest.pathWithQuery();
            return "Service Sink processed request to path '" + path + "' (length: " + std::to_string(path.size()) + ")";
        });
    }

private:
    SinkEngine _engine;
};

} // namespace

// Any other /api/<rest> arrives stripped (/api/x -> /x); the longer prefixes of the other plugins
// win. The catch-all for paths outside /api ("/", kept) is a route of the host configuration.
TERRARIUM_PLUGIN(ServiceSink, "service-sink", "1.0.0", terrarium::route("/api"))
