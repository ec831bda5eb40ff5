#ifndef Terrarium_PrettyJsonHandler_INCLUDED
#define Terrarium_PrettyJsonHandler_INCLUDED

#include "http/HttpHandler.h"

#include <string>

namespace terrarium {

/// The admin listener's outermost handler: passes every request to the handler it wraps and
/// indents the JSON answer (errors and probes included) when the query asks for it with "pretty",
/// "pretty=1" or "pretty=true".
class PrettyJsonHandler : public HttpHandler
{
public:
    /// next must outlive this handler.
    explicit PrettyJsonHandler(HttpHandler& next);

    void handle(const IncomingRequest& request, HttpReply& reply) override;
    bool answersAtOnce(const IncomingRequest& request) const override;
    BodyPolicy bodyPolicy(const IncomingRequest& request) const override;

    /// True when query (without '?') asks for indented JSON.
    static bool requested(const std::string& query);

    /// Re-writes reply's JSON body (Content-Type application/json) indented by two spaces, keys in
    /// their order; any other body stays as it is.
    static void indent(HttpReply& reply);

private:
    HttpHandler& _next;
};

} // namespace terrarium

#endif
