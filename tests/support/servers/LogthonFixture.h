#ifndef Terrarium_LogthonFixture_INCLUDED
#define Terrarium_LogthonFixture_INCLUDED

#include "FixtureServer.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Timespan.h>
#include <Poco/Types.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

namespace terrarium {
namespace test {

/// A fake logthon (services.md §5) on 127.0.0.1 (ephemeral port) for log shipping tests:
/// POST /logs, /api/logs and / store an entry, or each entry of a JSON array of entries (the
/// batch form, §6), and answer 200 {"status":"success","message":"Log entry added"} (422 without
/// service or message in any entry: nothing of that POST is stored); GET /logs?service=&limit= lists entries
/// (oldest first, limit default 100); DELETE /logs?service= clears; GET /health. Test controls:
/// down (the listener is closed and open connections are cut: connections are refused; back up
/// on the same port), slow (POSTs wait until released), failing (POSTs answer a status, e.g. 500,
/// without storing), single entries only (an array is refused with 422, as a logthon without
/// the batch form would). Thread-safe.
class LogthonFixture
{
public:
    /// Starts listening at once.
    LogthonFixture();

    /// Releases held POSTs, closes every connection and joins the threads.
    ~LogthonFixture();

    LogthonFixture(const LogthonFixture&) = delete;
    LogthonFixture& operator=(const LogthonFixture&) = delete;

    /// The bound port (the same after a down/up cycle).
    Poco::UInt16 port() const { return _server.port(); }

    /// "http://127.0.0.1:<port>".
    std::string baseUrl() const;

    /// The stored entries as posted (each entry of a batch on its own), parsed, in arrival order.
    std::vector<Poco::JSON::Object::Ptr> records() const;

    /// How many entries are stored.
    std::size_t count() const;

    /// Waits until at least count entries are stored or timeout passes; true when they are.
    bool waitForCount(std::size_t count, Poco::Timespan timeout = Poco::Timespan(10, 0)) const;

    /// One stored POST: how many entries it carried and whether it was an array.
    struct Delivery
    {
        std::size_t entries = 0;
        bool batch = false;
    };

    /// The stored POSTs in arrival order (cleared by clear()).
    std::vector<Delivery> deliveries() const;

    /// false: a POST whose body is an array is refused with 422 (default true).
    void setAcceptsBatches(bool accepts);

    /// Every POST received (stored, refused with 422, or failed on purpose).
    std::size_t posts() const;

    /// Forgets the stored entries and deliveries (posts() is kept).
    void clear();

    /// true: stops listening and cuts open connections (clients get "connection refused");
    /// false: listens again on the same port.
    void setDown(bool down);

    /// true: POSTs are received but wait (unanswered) until setSlow(false) or destruction.
    void setSlow(bool slow);

    /// POSTs currently waiting in slow mode.
    unsigned held() const;

    /// Waits until at least count POSTs are waiting in slow mode; true when they are.
    bool waitForHeld(unsigned count, Poco::Timespan timeout = Poco::Timespan(10, 0)) const;

    /// Non-zero: every POST answers status (e.g. 500) without storing; 0: normal again.
    void setFailureStatus(int status);

    /// Serves one request (called on a server thread).
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

private:
    struct Entry
    {
        Poco::JSON::Object::Ptr body;   /// as posted
        Poco::JSON::Object::Ptr stored; /// as logthon keeps it: id, timestamp, service, level, message, metadata
    };

    void handlePost(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void handleList(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void handleClear(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    Poco::JSON::Object::Ptr storedEntry(const Poco::JSON::Object& body);   /// with _mutex held

    FixtureServer<LogthonFixture> _server;

    mutable std::mutex _mutex;
    mutable std::condition_variable _changed;
    std::vector<Entry> _entries;
    std::vector<Delivery> _deliveries;
    bool _acceptsBatches = true;
    std::size_t _posts = 0;
    Poco::Int64 _nextId = 1;
    bool _slow = false;
    bool _stopping = false;
    unsigned _held = 0;
    int _failureStatus = 0;
};

} // namespace test
} // namespace terrarium

#endif
