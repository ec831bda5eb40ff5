#ifndef Terrarium_FixtureHandlerFactory_INCLUDED
#define Terrarium_FixtureHandlerFactory_INCLUDED

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace terrarium {
namespace test {

/// Creates, for every request of a fixture's Poco::Net::HTTPServer, a handler that hands the
/// request to Fixture::handle(request, response) on the server thread.
template <class Fixture>
class FixtureHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory
{
public:
    /// Serves every request with fixture (it must outlive the server).
    explicit FixtureHandlerFactory(Fixture& fixture) : _fixture(fixture) {}

    /// A handler forwarding to the fixture's handle().
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override
    {
        return new Handler(_fixture);
    }

private:
    class Handler : public Poco::Net::HTTPRequestHandler
    {
    public:
        explicit Handler(Fixture& fixture) : _fixture(fixture) {}

        void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override
        {
            _fixture.handle(request, response);
        }

    private:
        Fixture& _fixture;
    };

    Fixture& _fixture;
};

} // namespace test
} // namespace terrarium

#endif
