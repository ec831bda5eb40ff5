#ifndef Terrarium_UpstreamFixture_INCLUDED
#define Terrarium_UpstreamFixture_INCLUDED

#include <Poco/Net/Context.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Types.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace terrarium {
namespace test {

class TestCertificate;

/// A scriptable HTTP/1.1 upstream on 127.0.0.1 (ephemeral port), plain or HTTPS, for client
/// tests: per path it answers normally, echoes the request, holds the answer until released,
/// fails N times first, or injects connection faults. Keep-alive by default. Counts accepted
/// connections and requests per path. Thread-safe.
class UpstreamFixture
{
public:
    /// What the upstream does with a request for a path.
    enum class Behaviour
    {
        Answer,            /// status, headers and body
        Echo,              /// 200 with JSON {"method","path","body","headers":{lower-case name: value},"connection","served"}
        Hold,              /// blocks until release() (or the fixture stops), then answers
        CloseMidResponse,  /// sends the head (Content-Length: body + 100) and half the body, then closes
        FailFirst,         /// answers failureStatus for the first `failures` requests of the path, then normally
        CloseAfterAnswer,  /// answers (claiming keep-alive), then closes the connection
        DropOnReuse        /// answers the first request of a connection; later requests on it are read and the connection closed unanswered
    };

    /// How a path is served.
    struct Script
    {
        Behaviour behaviour = Behaviour::Answer;
        int status = 200;
        std::string body = "ok";
        std::vector<std::pair<std::string, std::string>> headers;
        unsigned failures = 0;        /// FailFirst: how many failing answers
        int failureStatus = 503;      /// FailFirst: their status
    };

    /// One request the upstream received.
    struct Received
    {
        std::string method;
        std::string target;        /// path and query as sent
        std::string contentType;   /// "" when absent
        std::string body;
    };

    /// HTTPS with certificate when it is given (it must outlive the fixture), else plain HTTP.
    /// Starts listening at once.
    explicit UpstreamFixture(const TestCertificate* certificate = nullptr);

    /// Releases held requests, closes every connection and joins the threads.
    ~UpstreamFixture();

    UpstreamFixture(const UpstreamFixture&) = delete;
    UpstreamFixture& operator=(const UpstreamFixture&) = delete;

    /// Sets how path (without query) is served; unscripted paths answer 200 "ok".
    void script(const std::string& path, Script script);

    /// Shorthand: path answers status with body.
    void answer(const std::string& path, int status, const std::string& body = "ok");

    /// The bound port.
    Poco::UInt16 port() const { return _port; }

    /// "http://127.0.0.1:<port>" (https for an HTTPS fixture).
    std::string baseUrl() const;

    /// TCP connections accepted so far.
    unsigned connectionsAccepted() const;

    /// Connections currently open on the server side.
    unsigned connectionsOpen() const;

    /// Requests received for path (all paths when empty).
    unsigned requests(const std::string& path = std::string()) const;

    /// The last requests received for path (without query; at most 100 are kept), oldest first.
    std::vector<Received> received(const std::string& path) const;

    /// Requests currently held by a Hold script.
    unsigned holding() const;

    /// Lets every held request answer, and later Hold requests answer at once.
    void release();

    /// A port on 127.0.0.1 where nothing listens (bound, then closed).
    static Poco::UInt16 closedPort();

private:
    void acceptConnections();
    void serve(Poco::Net::StreamSocket socket);
    Script scriptFor(const std::string& path);
    bool trackConnection(int descriptor);
    void untrackConnection(int descriptor);

    bool _secure = false;
    Poco::Net::Context::Ptr _context;
    Poco::Net::ServerSocket _socket;
    Poco::UInt16 _port = 0;
    std::thread _acceptor;
    std::vector<std::thread> _workers;   /// one per accepted connection, joined at the end

    mutable std::mutex _mutex;
    std::condition_variable _released;
    bool _releasedAll = false;
    bool _stopping = false;
    std::map<std::string, Script> _scripts;
    std::map<std::string, unsigned> _requests;
    std::map<std::string, std::vector<Received>> _received;
    unsigned _totalRequests = 0;
    unsigned _connections = 0;
    unsigned _holding = 0;
    std::set<int> _openDescriptors;
};

} // namespace test
} // namespace terrarium

#endif
