#ifndef Terrarium_FixtureJson_INCLUDED
#define Terrarium_FixtureJson_INCLUDED

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace terrarium {
namespace test {

/// JSON replies of the loopback fixtures.
class FixtureJson
{
public:
    /// Sends body as the whole answer: status, Content-Type application/json and Content-Length.
    static void send(Poco::Net::HTTPServerResponse& response, int status, const Poco::JSON::Object& body);
};

} // namespace test
} // namespace terrarium

#endif
