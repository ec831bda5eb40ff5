#ifndef Terrarium_ConnectionEngine_INCLUDED
#define Terrarium_ConnectionEngine_INCLUDED

#include "config/Config.h"
#include "http/ConnectionStats.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Timespan.h>

#include <sys/epoll.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace terrarium {

class AccessLog;
class HttpConnection;
class HttpHandler;
class ServerState;

/// Serves the connections of one listener with few threads: every connection is registered in
/// one epoll set (one-shot, so exactly one thread handles a connection at a time), and idle
/// keep-alive connections or open WebSockets cost a socket and a small buffer, never a thread.
///
/// Memory. The request bodies a listener holds at once (declared lengths of bodies being
/// received, bodies waiting in the queue or being handled) are bounded by maxBufferedBodyBytes;
/// a request whose body does not fit is answered 503 with Retry-After instead of being read.
/// Bodies the handler has spooled (HttpHandler::bodyPolicy) go to files of spoolDirectory as
/// they arrive and do not count against that bound.
///
/// Threads. The thread that reads a complete request runs its handler at once (no hand-off),
/// so a fast plugin answers from the polling thread like an event loop. A monitor notices a
/// thread that has been inside a handler for longer than busyAfter and unparks (or starts)
/// another one, so that ioThreads threads always keep polling, accepting and reading while
/// slow handlers run. At most handlerThreads requests are in handlers at once; further complete
/// requests wait in a queue of queueSize (answered in order by the handler threads as they
/// finish), and above that are answered 503 with Retry-After. Above maxConnections, a new
/// connection gets a 503 and is closed. Threads left over once load drops park. A poller takes
/// up to EVENTS_PER_WAIT ready connections per epoll_wait (fewer system calls under load); those
/// beyond the first wait in a ready list that every poller drains before it polls again, so a
/// slow handler holds up the events taken with it at most until its replacement poller starts.
///
/// Lifetime. A WebSocket's connection is re-armed by other threads too (a plugin's send that
/// finds the socket full, a reload's close), so an event for it may already be in a poller's
/// hands or in the ready list when such a re-arm produces a second one, and the thread that
/// handles the first may close the connection meanwhile. A closed WebSocket is therefore let go
/// at once (plugin, output, socket) but its memory is reclaimed by the monitor only once every
/// poller has moved past the events it may hold (epochs: each poller announces the epoch in
/// which it took its event; a connection retired in epoch e is freed once no poller and no
/// waiting event is from e or before).
///
/// Deadlines (swept by the monitor): a connection idle between requests closes after
/// keepAliveTimeout; a request whose headers are not complete within headerTimeout, or that is
/// not complete within requestTimeout, is answered 408 and closed (a slowloris client never
/// holds a thread); a response the client does not read within requestTimeout is abandoned.
class ConnectionEngine
{
public:
    /// How the engine serves.
    struct Settings
    {
        std::string listener;               /// listener name (requests carry it)
        LimitsConfig limits;
        HttpHandler* handler = nullptr;
        ServerState* state = nullptr;
        unsigned handlerThreads = 16;       /// requests in handlers at once
        unsigned ioThreads = 2;             /// threads kept free to poll while handlers run
        unsigned queueSize = 256;           /// complete requests waiting for a handler thread
        unsigned maxConnections = 10000;    /// open connections; above: 503 and close
        Poco::Timespan busyAfter = Poco::Timespan(0, 5000);  /// a handler this slow has its thread replaced as a poller
        AccessLog* accessLog = nullptr;     /// gets one entry per answered request (nullptr: no access log)
        std::vector<std::pair<std::string, std::string>> responseHeaders;  /// added to every answer that lacks them (e.g. CORS)
        std::string spoolDirectory;         /// where bodies the handler's BodyPolicy spools go ("": none is spooled)
    };

    /// Serves connections accepted from socket (bound and listening), over TLS with tls when it
    /// is not null. Throws Poco::SystemException when epoll cannot be set up.
    ConnectionEngine(Settings settings, Poco::Net::ServerSocket& socket, Poco::Net::Context::Ptr tls = Poco::Net::Context::Ptr());

    /// stop() and join().
    ~ConnectionEngine();

    ConnectionEngine(const ConnectionEngine&) = delete;
    ConnectionEngine& operator=(const ConnectionEngine&) = delete;

    /// Starts the threads and accepting.
    void start();

    /// Stops accepting; idle connections close, requests being served finish (their connections
    /// close after the answer).
    void stop();

    /// Closes what is left (a request still being received is abandoned), waits until every
    /// connection is gone and ends the threads.
    void join();

    /// The current figures.
    ConnectionStats stats() const;

    const Settings& settings() const { return _settings; }

    // ---- for HttpConnection ----

    /// What admit() decided for a complete request.
    enum class Admission
    {
        Run,       /// a handler slot is the caller's: run the request now, then release()
        Queued,    /// the connection waits in the queue; a handler thread resumes it
        Rejected   /// the queue is full: answer 503
    };

    /// Asks for a handler slot for connection's complete request. A resumed request (one that
    /// was set aside) is never rejected and waits ahead of the queue.
    Admission admit(HttpConnection& connection, bool resumed = false);

    /// Gives the handler slot back after a request ran: to the first queued connection (run by
    /// this thread once it is done with its current connection), or free.
    void release();

    /// Marks the calling thread as inside (true) or out of (false) a handler.
    void handlerBusy(bool busy);

    /// Waits for events on connection again (EPOLLIN and/or EPOLLOUT, one-shot).
    void arm(HttpConnection& connection, bool read, bool write);

    /// Forgets connection and closes it (called by its owning thread, last thing); an upgraded
    /// one is retired (closed now, freed once no poller can still hold an event for it).
    void remove(HttpConnection& connection);

    /// Counts a connection ended by a deadline.
    void countTimeout() { _timeouts.fetch_add(1, std::memory_order_relaxed); }

    /// Reserves bytes of the listener's bound on request bodies held at once
    /// (limits.maxBufferedBodyBytes); false, counted as a rejection, when they do not fit.
    bool reserveBody(std::size_t bytes);

    /// Gives back bytes that reserveBody() granted.
    void releaseBody(std::size_t bytes) { _bodyBytes.fetch_sub(bytes, std::memory_order_relaxed); }
    /// Why the host closed a WebSocket (for the figures).
    enum class WebSocketClose
    {
        Backlog,       /// answers to the peer's control frames passed the output bound
        Protocol,      /// the peer broke the protocol
        CloseTimeout   /// the peer did not answer the close handshake in time
    };

    /// Counts a WebSocket the host closed for reason.
    void countWebSocketClose(WebSocketClose reason) { _webSocketCloses[static_cast<int>(reason)].fetch_add(1, std::memory_order_relaxed); }

    /// Monotonic microseconds (the clock of every deadline).
    static std::int64_t now();

private:
    /// Events one poller takes from the epoll set at once.
    static constexpr int EVENTS_PER_WAIT = 16;

    struct Worker
    {
        std::thread thread;
        std::atomic<std::int64_t> busySince{0};   /// 0: not in a handler
        std::atomic<std::uint64_t> holding{0};    /// epoch of the event this poller may hold (0: none)
    };

    /// An event one epoll_wait returned beyond the first, with the epoch its poller took it in.
    struct ReadyEvent
    {
        epoll_event event;
        std::uint64_t epoch;
    };

    void workerLoop(Worker& self);
    void dispatch(const epoll_event& event);
    void putReady(const epoll_event* events, std::size_t count, std::uint64_t epoch);
    bool takeReady(epoll_event& event, Worker& self);
    void reclaim();
    bool parkIfSurplus();
    void monitorLoop();
    void keepPollersAvailable();
    void sweep(std::int64_t now);
    void acceptBatch();
    void accepted(int descriptor);
    void rearmListener();
    void spawnWorker();
    void runPending();

    Settings _settings;
    Poco::Net::ServerSocket& _socket;
    Poco::Net::Context::Ptr _tls;
    int _epoll = -1;
    int _wake = -1;                       /// eventfd: readable once the engine finishes
    int _listenDescriptor = -1;
    std::atomic<bool> _accepting{false};
    std::atomic<bool> _stopping{false};
    std::atomic<bool> _joining{false};
    std::atomic<bool> _finished{false};
    std::atomic<std::int64_t> _acceptPausedUntil{0};

    mutable std::mutex _connectionsMutex;
    std::unordered_map<HttpConnection*, std::unique_ptr<HttpConnection>> _connections;
    std::condition_variable _connectionsGone;

    /// Events one epoll_wait returned beyond the first: taken, oldest first, by whichever
    /// poller comes next (the one that got them, once done with the first, or another).
    std::mutex _readyMutex;
    std::deque<ReadyEvent> _ready;
    std::atomic<std::size_t> _readyCount{0};

    /// Retired connections (remove() of an upgraded one) with the epoch they were retired in.
    std::atomic<std::uint64_t> _epoch{1};
    std::mutex _retiredMutex;
    std::vector<std::pair<std::uint64_t, std::unique_ptr<HttpConnection>>> _retired;

    mutable std::mutex _queueMutex;
    unsigned _slotsUsed = 0;
    std::deque<HttpConnection*> _queue;

    mutable std::mutex _poolMutex;
    std::condition_variable _unpark;
    std::vector<std::unique_ptr<Worker>> _workers;
    std::atomic<unsigned> _alive{0};
    std::atomic<unsigned> _parked{0};
    unsigned _wakeTokens = 0;
    std::atomic<unsigned> _handling{0};
    std::atomic<std::uint64_t> _handled{0};   /// handler runs started (the monitor's sign of activity)

    std::thread _monitor;
    std::mutex _monitorMutex;
    std::condition_variable _monitorWake;

    std::atomic<std::uint64_t> _accepted{0};
    std::atomic<std::uint64_t> _rejectedConnections{0};
    std::atomic<std::uint64_t> _rejectedRequests{0};
    std::atomic<std::uint64_t> _timeouts{0};
    std::atomic<std::size_t> _bodyBytes{0};
    std::atomic<std::uint64_t> _rejectedBodies{0};
    std::atomic<std::uint64_t> _webSocketCloses[3] = {};
};

} // namespace terrarium

#endif
