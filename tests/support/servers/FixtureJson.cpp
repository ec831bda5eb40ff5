#include "FixtureJson.h"

#include <sstream>
#include <string>

namespace terrarium {
namespace test {

void FixtureJson::send(Poco::Net::HTTPServerResponse& response, int status, const Poco::JSON::Object& body)
{
    std::ostringstream text;
    body.stringify(text);
    const std::string payload = text.str();
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    response.setContentType("application/json");
    response.setContentLength(static_cast<std::streamsize>(payload.size()));
    response.send() << payload;
}

} // namespace test
} // namespace terrarium
