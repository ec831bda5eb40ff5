#include "admin/AdminEvents.h"

#include "http/HttpReply.h"
#include "http/IncomingRequest.h"
#include "http/JsonText.h"
#include "lifecycle/LifecycleHistory.h"

#include <Poco/Exception.h>
#include <Poco/NumberParser.h>
#include <Poco/URI.h>

namespace terrarium {

void AdminEvents::handle(const LifecycleHistory& history, const IncomingRequest& request, HttpReply& reply)
{
    if (request.method != "GET" && request.method != "HEAD")
    {
        reply.error(405, "method_not_allowed", request.method + " is not allowed on " + request.path + " (allowed: GET)");
        reply.addHeader("Allow", "GET");
        return;
    }
    Poco::UInt64 since = 0;
    Poco::URI::QueryParameters parameters;
    try
    {
        parameters = Poco::URI("http://admin/?" + request.query).getQueryParameters();
    }
    catch (const Poco::SyntaxException& e)
    {
        reply.error(400, "invalid_request", "malformed query string: " + e.message());
        return;
    }
    for (const auto& [name, value] : parameters)
    {
        if (name == "since" && !Poco::NumberParser::tryParseUnsigned64(value, since))
        {
            reply.error(400, "invalid_request", "\"since\" must be the id of an event (a non-negative integer), not '" + value + "'");
            return;
        }
    }
    reply.json(200, JsonText::stringify(history.toJson(since)));
}

} // namespace terrarium
