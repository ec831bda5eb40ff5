#include "LiveStream.h"

#include <algorithm>

namespace logthon {

namespace {

constexpr int closeTryAgainLater = 1013;

} // namespace

LiveStream::LiveStream(const terrarium::Host& host, const LogStore& store, std::size_t initialLogs, std::size_t maxConnections,
                       std::size_t queueLimit)
    : _host(host), _store(store), _initialLogs(initialLogs), _maxConnections(maxConnections), _queueLimit(queueLimit)
{
    _thread = std::thread(&LiveStream::run, this);
}

LiveStream::~LiveStream()
{
    {
        std::lock_guard lock(_queueMutex);
        _stopping = true;
    }
    _work.notify_one();
    _thread.join();
}

void LiveStream::accept(terrarium::Host& host, const terrarium::Request& request, terrarium::Response& response)
{
    if (_active.fetch_add(1) >= _maxConnections)
    {
        _active.fetch_sub(1);
        auto socket = host.acceptWebSocket(request, response, {}, {});
        socket->close(closeTryAgainLater, "too many connections");
        ++_refused;
        _host.count("stream_connections_refused");
        _host.log(terrarium::LogLevel::Warn, "WebSocket refused: connection limit reached",
                  {{"max_connections", std::to_string(_maxConnections)}, {"client", request.clientAddress()}});
        return;
    }
    std::shared_ptr<terrarium::WebSocket> socket;
    try
    {
        socket = host.acceptWebSocket(
            request, response, {}, [this](terrarium::WebSocket&, int, std::string_view) {
                _active.fetch_sub(1);
                _host.gauge("stream_connections_open", static_cast<double>(_active.load()));
            });
    }
    catch (...)
    {
        _active.fetch_sub(1);
        throw;
    }
    _host.count("stream_connections");
    _host.gauge("stream_connections_open", static_cast<double>(_active.load()));
    _store.latestThen(_initialLogs, [&](const std::vector<EntryPtr>& latest, std::uint64_t lastId) {
        for (const auto& entry : latest) socket->sendText(entry->json);
        std::lock_guard lock(_subscribersMutex);
        _subscribers.push_back(Subscriber{socket, lastId});
    });
}

void LiveStream::added(const std::vector<EntryPtr>& entries)
{
    if (_active.load(std::memory_order_relaxed) == 0) return;
    bool wake = false;
    {
        std::lock_guard lock(_queueMutex);
        std::size_t room = _queue.size() < _queueLimit ? _queueLimit - _queue.size() : 0;
        std::size_t taken = std::min(room, entries.size());
        wake = _queue.empty() && taken > 0;
        _queue.insert(_queue.end(), entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(taken));
        _entriesDropped += entries.size() - taken;
        if (taken < entries.size()) _host.count("stream_entries_dropped", entries.size() - taken);
    }
    if (wake) _work.notify_one();
}

LiveStream::Stats LiveStream::stats() const
{
    Stats stats;
    stats.active = _active.load();
    stats.framesSent = _framesSent.load();
    stats.framesDropped = _framesDropped.load();
    stats.entriesDropped = _entriesDropped.load();
    stats.refused = _refused.load();
    return stats;
}

std::vector<LiveStream::Subscriber> LiveStream::openSubscribers()
{
    std::lock_guard lock(_subscribersMutex);
    _subscribers.erase(std::remove_if(_subscribers.begin(), _subscribers.end(), [](const Subscriber& s) { return !s.socket->open(); }),
                       _subscribers.end());
    return _subscribers;
}

void LiveStream::run()
{
    std::vector<EntryPtr> batch;
    std::unique_lock lock(_queueMutex);
    for (;;)
    {
        _work.wait(lock, [this] { return _stopping || !_queue.empty(); });
        if (_stopping) break;
        batch.swap(_queue);
        lock.unlock();
        std::uint64_t sent = 0;
        std::uint64_t dropped = 0;
        for (const auto& subscriber : openSubscribers())
        {
            for (const auto& entry : batch)
            {
                if (entry->id <= subscriber.after) continue;
                trm_status status = subscriber.socket->sendText(entry->json);
                if (status == TRM_OK) ++sent;
                else if (status == TRM_ERR_TOO_LARGE) ++dropped;
                else break;
            }
        }
        _framesSent += sent;
        _framesDropped += dropped;
        if (sent) _host.count("stream_frames_sent", sent);
        if (dropped) _host.count("stream_frames_dropped", dropped);
        batch.clear();
        lock.lock();
    }
}

} // namespace logthon
