// logthon: WS /ws, the live stream of new entries.
#ifndef Logthon_LiveStream_INCLUDED
#define Logthon_LiveStream_INCLUDED

#include "LogEntry.h"
#include "LogStore.h"

#include <terrarium/plugin.hpp>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace logthon {

/// The WebSocket subscribers. A new one first gets the latest initialLogs entries (one text frame
/// each, oldest first), then every new entry, exactly once and in id order. Above maxConnections a
/// socket is accepted and closed at once with 1013. New entries are queued by LogStore's listener
/// (only while someone listens, at most queueLimit; more are dropped and counted) and sent by one
/// thread of its own, so ingestion never waits for a reader; a frame the host refuses because its
/// reader is too slow (TRM_ERR_TOO_LARGE) is dropped and counted ("stream_frames_dropped").
class LiveStream
{
public:
    /// Figures for /websocket/info, /health and the metrics.
    struct Stats
    {
        std::size_t active = 0;
        std::uint64_t framesSent = 0;
        std::uint64_t framesDropped = 0;     /// the reader was too slow
        std::uint64_t entriesDropped = 0;    /// the stream's queue was full
        std::uint64_t refused = 0;           /// closed with 1013
    };

    /// A stream over store; starts its sending thread.
    LiveStream(const terrarium::Host& host, const LogStore& store, std::size_t initialLogs, std::size_t maxConnections, std::size_t queueLimit);

    /// Stops and joins the sending thread (the host closes the sockets with 1001).
    ~LiveStream();

    LiveStream(const LiveStream&) = delete;
    LiveStream& operator=(const LiveStream&) = delete;

    /// Accepts the upgrade request (from handle()); throws terrarium::Error for a bad upgrade.
    void accept(terrarium::Host& host, const terrarium::Request& request, terrarium::Response& response);

    /// Queues entries for the subscribers (LogStore's "added" listener; never blocks).
    void added(const std::vector<EntryPtr>& entries);

    /// Open subscriber sockets.
    std::size_t active() const noexcept { return _active.load(); }

    /// The connection limit.
    std::size_t maxConnections() const noexcept { return _maxConnections; }

    /// The figures.
    Stats stats() const;

private:
    struct Subscriber
    {
        std::shared_ptr<terrarium::WebSocket> socket;
        std::uint64_t after = 0;   /// sends only entries with a larger id (the rest came in the replay)
    };

    void run();
    std::vector<Subscriber> openSubscribers();

    const terrarium::Host& _host;
    const LogStore& _store;
    const std::size_t _initialLogs;
    const std::size_t _maxConnections;
    const std::size_t _queueLimit;
    std::atomic<std::size_t> _active{0};
    std::atomic<std::uint64_t> _framesSent{0};
    std::atomic<std::uint64_t> _framesDropped{0};
    std::atomic<std::uint64_t> _entriesDropped{0};
    std::atomic<std::uint64_t> _refused{0};

    std::mutex _subscribersMutex;
    std::vector<Subscriber> _subscribers;

    std::mutex _queueMutex;
    std::condition_variable _work;
    std::vector<EntryPtr> _queue;
    bool _stopping = false;
    std::thread _thread;
};

} // namespace logthon

#endif
