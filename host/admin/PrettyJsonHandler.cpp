#include "admin/PrettyJsonHandler.h"

#include "http/HttpReply.h"
#include "http/IncomingRequest.h"

#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <sstream>

namespace terrarium {

PrettyJsonHandler::PrettyJsonHandler(HttpHandler& next) : _next(next)
{
}

void PrettyJsonHandler::handle(const IncomingRequest& request, HttpReply& reply)
{
    _next.handle(request, reply);
    if (requested(request.query)) indent(reply);
}

bool PrettyJsonHandler::answersAtOnce(const IncomingRequest& request) const
{
    return _next.answersAtOnce(request);
}

BodyPolicy PrettyJsonHandler::bodyPolicy(const IncomingRequest& request) const
{
    return _next.bodyPolicy(request);
}

bool PrettyJsonHandler::requested(const std::string& query)
{
    if (query.empty()) return false;
    try
    {
        for (const auto& [name, value] : Poco::URI("/?" + query).getQueryParameters())
            if (name == "pretty") return value.empty() || value == "1" || Poco::icompare(value, "true") == 0;
    }
    catch (const Poco::SyntaxException&)
    {
    }
    return false;
}

void PrettyJsonHandler::indent(HttpReply& reply)
{
    if (reply.bodyAdopted() || reply.hasFile() || reply.body().empty()) return;
    bool json = false;
    for (const auto& [name, value] : reply.headers())
        if (Poco::icompare(name, "Content-Type") == 0) json = value.find("application/json") == 0;
    if (!json) return;
    try
    {
        Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
        Poco::Dynamic::Var parsed = parser.parse(std::string(reply.body()));
        std::ostringstream text;
        Poco::JSON::Stringifier::stringify(parsed, text, 2);
        text << "\n";
        reply.setBody(text.str());
    }
    catch (const Poco::Exception&)
    {
    }
}

} // namespace terrarium
