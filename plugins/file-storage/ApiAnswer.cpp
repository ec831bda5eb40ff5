#include "ApiAnswer.h"

namespace filestorage {

namespace json = terrarium::json;

int ApiAnswer::send(terrarium::Response& response, int status, const Poco::Dynamic::Var& value)
{
    json::respond(response, status, value);
    return status;
}

int ApiAnswer::detail(terrarium::Response& response, int status, const std::string& text)
{
    json::ObjectPtr body = json::object();
    body->set("detail", text);
    return send(response, status, body);
}

int ApiAnswer::invalid(terrarium::Response& response, const std::vector<ValidationProblem>& problems)
{
    json::ArrayPtr list = json::array();
    for (const ValidationProblem& problem : problems)
    {
        json::ArrayPtr location = json::array();
        location->add(std::string("body"));
        if (!problem.field.empty()) location->add(problem.field);
        json::ObjectPtr item = json::object();
        item->set("loc", location);
        item->set("msg", problem.msg);
        item->set("type", problem.type);
        list->add(item);
    }
    json::ObjectPtr body = json::object();
    body->set("detail", list);
    return send(response, 422, body);
}

} // namespace filestorage
