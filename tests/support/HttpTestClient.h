// HTTP helpers for the integration tests: one-shot requests, a keep-alive client, polling.
#ifndef Terrarium_Test_HttpTestClient_INCLUDED
#define Terrarium_Test_HttpTestClient_INCLUDED

#include <Poco/JSON/Object.h>
#include <Poco/Timespan.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace Poco::Net {
class HTTPClientSession;
}

namespace terrarium::test {

/// A complete HTTP response.
struct HttpResult
{
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;   /// names lower-cased

    /// Parses body; FAIL()s the test with the body if it is not a JSON object.
    Poco::JSON::Object::Ptr json() const;
    /// Case-insensitive; "" if absent.
    std::string header(const std::string& name) const;
};

/// One HTTP request on a fresh connection (keep-alive off). Never throws on HTTP error statuses;
/// throws Poco exceptions on connection failures.
HttpResult httpRequest(const std::string& address /*host:port*/, const std::string& method, const std::string& pathAndQuery,
                       const std::string& body = "", const std::map<std::string, std::string>& headers = {},
                       Poco::Timespan timeout = Poco::Timespan(30, 0));

/// A keep-alive client for many requests on one connection (reconnects if the server closed it).
class HttpTestClient
{
public:
    explicit HttpTestClient(std::string address);
    ~HttpTestClient();
    HttpTestClient(const HttpTestClient&) = delete;
    HttpTestClient& operator=(const HttpTestClient&) = delete;

    HttpResult request(const std::string& method, const std::string& pathAndQuery, const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {});

private:
    HttpResult attempt(const std::string& method, const std::string& pathAndQuery, const std::string& body,
                       const std::map<std::string, std::string>& headers);

    std::string _address;
    std::unique_ptr<Poco::Net::HTTPClientSession> _session;
    bool _used = false;   /// the session has carried a request (a failure may be a server-side close)
};

/// Polls cond every ~5 ms until it returns true or timeout (scaled by timeScale()) passes; returns the last result.
/// A std::exception thrown by cond counts as false (e.g. a connection refused while starting).
bool waitUntil(const std::function<bool()>& cond, Poco::Timespan timeout = Poco::Timespan(20, 0));

/// FIXTURES_DIR + "/" + file.
std::string fixturePath(const std::string& file);

/// The whole content of a file; "" if it cannot be read.
std::string readFile(const std::string& path);

/// The lower-case hex SHA-256 of a file's content.
std::string sha256OfFile(const std::string& path);

/// The value of one sample of a Prometheus text page, named exactly with its labels
/// (terrarium_connections{listener="main",state="idle"}); -1 when the page has no such sample.
double metricSample(const std::string& page, const std::string& sample);

/// Raises this process's soft limit on open files to the hard limit (every client connection of
/// a test is a descriptor) and returns the soft limit in force; FAILs the test if it cannot.
unsigned long raiseOpenFileLimit();

} // namespace terrarium::test

#endif
