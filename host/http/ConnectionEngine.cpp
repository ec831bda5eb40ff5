#include "http/ConnectionEngine.h"

#include "http/HttpConnection.h"
#include "http/PlainTransport.h"
#include "http/TlsTransport.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Net/StreamSocketImpl.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TERRARIUM_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define TERRARIUM_TSAN 1
#endif
#ifdef TERRARIUM_TSAN
#include <sanitizer/tsan_interface.h>
extern "C" void AnnotateIgnoreReadsBegin(const char* file, int line);
extern "C" void AnnotateIgnoreReadsEnd(const char* file, int line);
#endif

namespace terrarium {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("http"); }

/// Tags of the two descriptors in the epoll set that are not connections.
char listenTag;
char wakeTag;

/// Connections whose queued request got a handler slot while this thread was busy with another
/// one: run by this thread as soon as it is done.
thread_local std::vector<HttpConnection*> pendingOnThisThread;

/// The worker the calling thread is (null outside the engine's threads).
thread_local std::atomic<std::int64_t>* currentBusy = nullptr;

const char overloadedConnection[] =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\n"
    "Content-Length: 77\r\n\r\n{\"error\":\"overloaded\",\"message\":\"too many open connections, try again later\"}";

} // namespace

std::int64_t ConnectionEngine::now()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

ConnectionEngine::ConnectionEngine(Settings settings, Poco::Net::ServerSocket& socket, Poco::Net::Context::Ptr tls)
    : _settings(std::move(settings)), _socket(socket), _tls(std::move(tls))
{
    if (_settings.handlerThreads < 1) _settings.handlerThreads = 1;
    if (_settings.ioThreads < 1) _settings.ioThreads = 1;
    if (_settings.maxConnections < 1) _settings.maxConnections = 1;
    _epoll = ::epoll_create1(EPOLL_CLOEXEC);
    if (_epoll < 0) throw Poco::SystemException(std::string("epoll_create1: ") + std::strerror(errno));
    _wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (_wake < 0)
    {
        ::close(_epoll);
        throw Poco::SystemException(std::string("eventfd: ") + std::strerror(errno));
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = &wakeTag;
    ::epoll_ctl(_epoll, EPOLL_CTL_ADD, _wake, &event);

    _listenDescriptor = static_cast<int>(_socket.impl()->sockfd());
    int flags = ::fcntl(_listenDescriptor, F_GETFL, 0);
    ::fcntl(_listenDescriptor, F_SETFL, flags | O_NONBLOCK);
}

ConnectionEngine::~ConnectionEngine()
{
    stop();
    join();
    ::close(_wake);
    ::close(_epoll);
}

void ConnectionEngine::start()
{
    {
        std::lock_guard<std::mutex> lock(_poolMutex);
        for (unsigned i = 0; i < _settings.ioThreads; ++i) spawnWorker();
    }
    _monitor = std::thread(&ConnectionEngine::monitorLoop, this);
    _accepting = true;
    epoll_event event{};
    event.events = EPOLLIN | EPOLLONESHOT;
    event.data.ptr = &listenTag;
    ::epoll_ctl(_epoll, EPOLL_CTL_ADD, _listenDescriptor, &event);
}

void ConnectionEngine::stop()
{
    if (_stopping.exchange(true)) return;
    _accepting = false;
    ::epoll_ctl(_epoll, EPOLL_CTL_DEL, _listenDescriptor, nullptr);
    _monitorWake.notify_all();
}

void ConnectionEngine::join()
{
    stop();
    if (_finished) return;
    _joining = true;
    {
        std::unique_lock<std::mutex> lock(_connectionsMutex);
        while (!_connections.empty() && _monitor.joinable())
        {
            for (auto& entry : _connections) entry.first->expire(true);
            _connectionsGone.wait_for(lock, std::chrono::milliseconds(50));
        }
    }
    _finished = true;
    std::uint64_t one = 1;
    [[maybe_unused]] ssize_t written = ::write(_wake, &one, sizeof one);
    _unpark.notify_all();
    _monitorWake.notify_all();
    if (_monitor.joinable()) _monitor.join();
    std::vector<std::unique_ptr<Worker>> workers;
    {
        std::lock_guard<std::mutex> lock(_poolMutex);
        _wakeTokens += static_cast<unsigned>(_workers.size());
        workers.swap(_workers);
    }
    _unpark.notify_all();
    for (auto& worker : workers)
        if (worker->thread.joinable()) worker->thread.join();
    {
        std::lock_guard<std::mutex> lock(_readyMutex);
        _ready.clear();
        _readyCount = 0;
    }
    std::lock_guard<std::mutex> lock(_connectionsMutex);
    _connections.clear();
    std::lock_guard<std::mutex> retired(_retiredMutex);
    _retired.clear();
}

ConnectionStats ConnectionEngine::stats() const
{
    ConnectionStats stats;
    {
        std::lock_guard<std::mutex> lock(_connectionsMutex);
        stats.open = _connections.size();
        for (const auto& entry : _connections)
        {
            HttpConnection::Phase phase = entry.first->phase();
            if (phase == HttpConnection::Phase::Idle) ++stats.idle;
            else if (phase == HttpConnection::Phase::WebSocket) ++stats.websockets;
        }
    }
    {
        std::lock_guard<std::mutex> lock(_queueMutex);
        stats.queued = _queue.size();
    }
    stats.handling = _handling.load();
    stats.threads = _alive.load();
    stats.accepted = _accepted.load();
    stats.rejectedConnections = _rejectedConnections.load();
    stats.rejectedRequests = _rejectedRequests.load();
    stats.timeouts = _timeouts.load();
    stats.bodyBytes = _bodyBytes.load();
    stats.rejectedBodies = _rejectedBodies.load();
    stats.webSocketBacklogCloses = _webSocketCloses[static_cast<int>(WebSocketClose::Backlog)].load();
    stats.webSocketProtocolCloses = _webSocketCloses[static_cast<int>(WebSocketClose::Protocol)].load();
    stats.webSocketCloseTimeouts = _webSocketCloses[static_cast<int>(WebSocketClose::CloseTimeout)].load();
    return stats;
}

bool ConnectionEngine::reserveBody(std::size_t bytes)
{
    const std::size_t limit = _settings.limits.maxBufferedBodyBytes;
    std::size_t held = _bodyBytes.load(std::memory_order_relaxed);
    do
    {
        if (bytes > limit || held > limit - bytes)
        {
            _rejectedBodies.fetch_add(1, std::memory_order_relaxed);
            return false;
        }
    } while (!_bodyBytes.compare_exchange_weak(held, held + bytes, std::memory_order_relaxed));
    return true;
}

void ConnectionEngine::spawnWorker()
{
    auto worker = std::make_unique<Worker>();
    Worker& self = *worker;
    _workers.push_back(std::move(worker));
    _alive.fetch_add(1);
    self.thread = std::thread(&ConnectionEngine::workerLoop, this, std::ref(self));
}

void ConnectionEngine::workerLoop(Worker& self)
{
    currentBusy = &self.busySince;
    epoll_event events[EVENTS_PER_WAIT];
    while (!_finished.load(std::memory_order_relaxed))
    {
        if (parkIfSurplus()) continue;
        // Before taking an event: what is retired from now on may still be in it (see reclaim()).
        const std::uint64_t epoch = _epoch.load();
        self.holding.store(epoch);
        epoll_event event{};
        if (!takeReady(event, self))
        {
            int n = ::epoll_wait(_epoll, events, EVENTS_PER_WAIT, 200);
            if (n <= 0)
            {
                self.holding.store(0);   // nothing taken (a parked poller must not hold back reclaim())
                continue;
            }
            event = events[0];
            if (n > 1) putReady(events + 1, static_cast<std::size_t>(n - 1), epoch);
        }
        dispatch(event);
        self.holding.store(0);
    }
    _alive.fetch_sub(1);
}

void ConnectionEngine::dispatch(const epoll_event& event)
{
    void* tag = event.data.ptr;
    if (tag == &wakeTag) return;
    if (tag == &listenTag)
    {
        acceptBatch();
        return;
    }
#ifdef TERRARIUM_TSAN
    // The thread that re-armed the connection (EPOLL_CTL_MOD, one-shot) hands it over to this
    // one; ThreadSanitizer models only EPOLL_CTL_ADD as a release, so it is told here.
    __tsan_acquire(tag);
#endif
    static_cast<HttpConnection*>(tag)->onEvent(event.events);
    runPending();
}

void ConnectionEngine::putReady(const epoll_event* events, std::size_t count, std::uint64_t epoch)
{
    std::lock_guard<std::mutex> lock(_readyMutex);
    for (std::size_t i = 0; i < count; ++i)
        if (events[i].data.ptr != &wakeTag) _ready.push_back(ReadyEvent{events[i], epoch});
    _readyCount.store(_ready.size(), std::memory_order_release);
}

bool ConnectionEngine::takeReady(epoll_event& event, Worker& self)
{
    if (_readyCount.load(std::memory_order_acquire) == 0) return false;
    std::lock_guard<std::mutex> lock(_readyMutex);
    if (_ready.empty()) return false;
    event = _ready.front().event;
    // The event is as old as the poll that returned it; under the lock that reclaim() takes, so
    // that it is always either in the list or announced by this poller.
    if (_ready.front().epoch < self.holding.load()) self.holding.store(_ready.front().epoch);
    _ready.pop_front();
    _readyCount.store(_ready.size(), std::memory_order_release);
    return true;
}

void ConnectionEngine::reclaim()
{
    {
        std::lock_guard<std::mutex> lock(_retiredMutex);
        if (_retired.empty()) return;
    }
    // The oldest epoch an event still in flight may come from: the ready list's and the pollers'.
    std::uint64_t oldest = UINT64_MAX;
    {
        std::lock_guard<std::mutex> ready(_readyMutex);
        for (const ReadyEvent& waiting : _ready) oldest = std::min(oldest, waiting.epoch);
        std::lock_guard<std::mutex> pool(_poolMutex);
        for (const auto& worker : _workers)
        {
            std::uint64_t holding = worker->holding.load();
            if (holding != 0) oldest = std::min(oldest, holding);
        }
    }
    std::vector<std::unique_ptr<HttpConnection>> freed;   // destroyed outside the lock
    {
        std::lock_guard<std::mutex> lock(_retiredMutex);
        auto due = std::stable_partition(_retired.begin(), _retired.end(), [oldest](const auto& entry) { return entry.first >= oldest; });
        for (auto it = due; it != _retired.end(); ++it) freed.push_back(std::move(it->second));
        _retired.erase(due, _retired.end());
    }
}

void ConnectionEngine::runPending()
{
    while (!pendingOnThisThread.empty())
    {
        HttpConnection* next = pendingOnThisThread.back();
        pendingOnThisThread.pop_back();
        next->resume();
    }
}

bool ConnectionEngine::parkIfSurplus()
{
    auto polling = [this] {
        return static_cast<std::int64_t>(_alive.load()) - static_cast<std::int64_t>(_parked.load()) - static_cast<std::int64_t>(_handling.load());
    };
    if (polling() <= static_cast<std::int64_t>(_settings.ioThreads)) return false;
    std::unique_lock<std::mutex> lock(_poolMutex);
    if (polling() <= static_cast<std::int64_t>(_settings.ioThreads) || _finished) return false;
    _parked.fetch_add(1);
    _unpark.wait(lock, [this] { return _wakeTokens > 0 || _finished.load(); });
    if (_wakeTokens > 0) --_wakeTokens;
    _parked.fetch_sub(1);
    return true;
}

void ConnectionEngine::handlerBusy(bool busy)
{
    if (busy)
    {
        _handling.fetch_add(1, std::memory_order_relaxed);
        _handled.fetch_add(1, std::memory_order_relaxed);
        if (currentBusy) currentBusy->store(now(), std::memory_order_relaxed);
    }
    else
    {
        if (currentBusy) currentBusy->store(0, std::memory_order_relaxed);
        _handling.fetch_sub(1, std::memory_order_relaxed);
    }
}

void ConnectionEngine::keepPollersAvailable()
{
    std::lock_guard<std::mutex> lock(_poolMutex);
    if (_finished) return;
    const std::int64_t limit = now() - _settings.busyAfter.totalMicroseconds();
    unsigned stuck = 0;
    for (const auto& worker : _workers)
    {
        std::int64_t since = worker->busySince.load(std::memory_order_relaxed);
        if (since != 0 && since <= limit) ++stuck;
    }
    unsigned alive = _alive.load();
    unsigned parked = _parked.load() - std::min(_parked.load(), _wakeTokens);
    unsigned available = alive - parked - std::min(alive - parked, stuck);
    unsigned maxThreads = _settings.handlerThreads + _settings.ioThreads;
    while (available < _settings.ioThreads)
    {
        if (parked > 0)
        {
            ++_wakeTokens;
            --parked;
            _unpark.notify_one();
        }
        else if (_workers.size() < maxThreads)
            spawnWorker();
        else
            break;
        ++available;
    }
}

void ConnectionEngine::monitorLoop()
{
    // While requests come, look every busyAfter for stuck pollers; after idleAfter without
    // any, only every idleTick (the hot path never wakes the monitor).
    const std::int64_t idleAfter = 100000;
    const std::chrono::microseconds idleTick(50000);
    std::int64_t nextSweep = 0;
    std::int64_t lastActive = 0;
    std::uint64_t lastHandled = 0;
    while (!_finished)
    {
        {
            std::unique_lock<std::mutex> lock(_monitorMutex);
            bool active = now() - lastActive < idleAfter;
            _monitorWake.wait_for(lock, active ? std::chrono::microseconds(_settings.busyAfter.totalMicroseconds()) : idleTick);
        }
        if (_finished) break;
        std::int64_t t = now();
        std::uint64_t handled = _handled.load(std::memory_order_relaxed);
        if (handled != lastHandled || _handling.load(std::memory_order_relaxed) > 0) lastActive = t;
        lastHandled = handled;
        keepPollersAvailable();
        if (t >= nextSweep)
        {
            sweep(t);
            reclaim();
            nextSweep = t + 50000;
        }
        std::int64_t paused = _acceptPausedUntil.load();
        if (paused != 0 && t >= paused && _acceptPausedUntil.compare_exchange_strong(paused, 0)) rearmListener();
    }
}

void ConnectionEngine::sweep(std::int64_t t)
{
    bool stopping = _stopping.load();
    std::lock_guard<std::mutex> lock(_connectionsMutex);
    for (auto& entry : _connections) entry.first->checkDeadline(t, stopping);
}

void ConnectionEngine::rearmListener()
{
    if (!_accepting) return;
    epoll_event event{};
    event.events = EPOLLIN | EPOLLONESHOT;
    event.data.ptr = &listenTag;
    ::epoll_ctl(_epoll, EPOLL_CTL_MOD, _listenDescriptor, &event);
}

void ConnectionEngine::acceptBatch()
{
    for (int i = 0; i < 64 && _accepting; ++i)
    {
        int descriptor = ::accept4(_listenDescriptor, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (descriptor < 0)
        {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
            {
                logger().error("listener '%s': cannot accept connections: %s (open: %z); accepting again in 100 ms", _settings.listener,
                               std::string(std::strerror(errno)), stats().open);
                _acceptPausedUntil = now() + 100000;
                return;
            }
            break;
        }
        accepted(descriptor);
    }
    rearmListener();
}

void ConnectionEngine::accepted(int descriptor)
{
    _accepted.fetch_add(1, std::memory_order_relaxed);
    std::unique_ptr<HttpConnection> connection;
    {
        std::lock_guard<std::mutex> lock(_connectionsMutex);
        if (_connections.size() >= _settings.maxConnections)
        {
            _rejectedConnections.fetch_add(1, std::memory_order_relaxed);
            if (!_tls)
                [[maybe_unused]] ssize_t sent = ::send(descriptor, overloadedConnection, sizeof overloadedConnection - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            ::close(descriptor);
            return;
        }
        try
        {
            std::unique_ptr<Transport> transport;
            if (_tls)
                transport = std::make_unique<TlsTransport>(TlsTransport::serverSocket(descriptor, _tls));
            else
                transport = std::make_unique<PlainTransport>(Poco::Net::StreamSocket(new Poco::Net::StreamSocketImpl(descriptor)));
            connection = std::make_unique<HttpConnection>(*this, std::move(transport));
        }
        catch (const Poco::Exception& e)
        {
            logger().debug("listener '%s': dropping an accepted connection: %s", _settings.listener, e.displayText());
            return;
        }
        HttpConnection* raw = connection.get();
        _connections.emplace(raw, std::move(connection));
        epoll_event event{};
        event.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
        event.data.ptr = raw;
        ::epoll_ctl(_epoll, EPOLL_CTL_ADD, raw->descriptor(), &event);
    }
}

void ConnectionEngine::arm(HttpConnection& connection, bool read, bool write)
{
    epoll_event event{};
    event.events = EPOLLONESHOT | EPOLLRDHUP | (read ? EPOLLIN : 0u) | (write ? EPOLLOUT : 0u);
    event.data.ptr = &connection;
#ifdef TERRARIUM_TSAN
    // The kernel applies the re-arm before the event reaches the next worker, which may close the
    // descriptor; ThreadSanitizer sees epoll_ctl's use of it as a read racing with that close.
    __tsan_release(&connection);
    AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
#endif
    ::epoll_ctl(_epoll, EPOLL_CTL_MOD, connection.descriptor(), &event);
#ifdef TERRARIUM_TSAN
    AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
#endif
}

void ConnectionEngine::remove(HttpConnection& connection)
{
    ::epoll_ctl(_epoll, EPOLL_CTL_DEL, connection.descriptor(), nullptr);
    std::unique_ptr<HttpConnection> owned;
    {
        std::lock_guard<std::mutex> lock(_connectionsMutex);
        auto it = _connections.find(&connection);
        if (it == _connections.end()) return;
        owned = std::move(it->second);
        _connections.erase(it);
        if (_connections.empty()) _connectionsGone.notify_all();
    }
    if (!owned->upgraded()) return;   // only its owner ever arms a plain connection: no event can be left
    owned->retire();
    const std::uint64_t epoch = _epoch.fetch_add(1);
    std::lock_guard<std::mutex> lock(_retiredMutex);
    _retired.emplace_back(epoch, std::move(owned));
}

ConnectionEngine::Admission ConnectionEngine::admit(HttpConnection& connection, bool resumed)
{
    std::lock_guard<std::mutex> lock(_queueMutex);
    if (_slotsUsed < _settings.handlerThreads)
    {
        ++_slotsUsed;
        return Admission::Run;
    }
    if (resumed)
    {
        _queue.push_front(&connection);
        return Admission::Queued;
    }
    if (_queue.size() < _settings.queueSize)
    {
        _queue.push_back(&connection);
        return Admission::Queued;
    }
    _rejectedRequests.fetch_add(1, std::memory_order_relaxed);
    return Admission::Rejected;
}

void ConnectionEngine::release()
{
    std::lock_guard<std::mutex> lock(_queueMutex);
    if (!_queue.empty())
    {
        pendingOnThisThread.push_back(_queue.front());
        _queue.pop_front();
        return;
    }
    --_slotsUsed;
}

} // namespace terrarium
