#ifndef Terrarium_UpstreamProxy_INCLUDED
#define Terrarium_UpstreamProxy_INCLUDED

#include "client/ServiceDirectory.h"
#include "config/Config.h"
#include "http/HttpReply.h"
#include "metrics/PrometheusWriter.h"
#include "router/ProxyExchange.h"

#include <array>
#include <atomic>
#include <map>
#include <string>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace terrarium {

/// Makes the calls of upstream routes on threads of its own, so that a request waiting for its
/// upstream holds neither a connection thread nor a handler slot: the gateway sets the request
/// aside (HttpReply::setAside) with the exchange as its resume state, a proxy thread makes the
/// call through the service directory (the host's pooled HTTP client, or a plugin of this host
/// when the upstream names one), then resumes the request, whose next run answers from the
/// exchange. At most ProxyConfig::threads calls run at once and ProxyConfig::queueSize wait;
/// beyond that a request is refused. The calls are never refused by the origin's circuit breaker
/// (ClientRequest::bypassBreaker, set by the gateway): each request tries its upstream. Counts
/// requests waiting for a thread and calling, refusals and upstream errors by kind for /metrics.
/// Thread-safe.
class UpstreamProxy
{
public:
    /// What submit() did with an exchange.
    enum class Submission
    {
        SetAside,  /// the reply is set aside; the answer comes with the request's next run
        Answered,  /// the call was made on the calling thread (a reply that cannot be set aside)
        Refused    /// every thread is busy and the queue is full, or the proxy stopped
    };

    /// Starts config.threads threads that call through directory (which must outlive the proxy).
    UpstreamProxy(ServiceDirectory& directory, const ProxyConfig& config);

    /// stop().
    ~UpstreamProxy();

    UpstreamProxy(const UpstreamProxy&) = delete;
    UpstreamProxy& operator=(const UpstreamProxy&) = delete;

    /// Forwards exchange for the request whose reply is reply (see Submission).
    Submission submit(const std::shared_ptr<ProxyExchange>& exchange, HttpReply& reply);

    /// Makes exchange's call on the calling thread: to the base URL, or to the directory's service.
    ClientResult call(const ProxyExchange& exchange);

    /// Takes no more calls, lets the queued and running ones finish (their requests resume) and
    /// joins the threads.
    void stop();

    /// Writes the terrarium_proxy_* families: requests waiting for a proxy thread and calling
    /// their upstream, refusals, and calls that ended in an error, by upstream and kind.
    void collect(PrometheusWriter& writer) const;

    /// The kind of error a call result is ("timeout", "unavailable", "too_large", "invalid",
    /// "not_found", "server_error" for a 5xx answer), or nullptr for a good answer.
    static const char* errorKind(const ClientResult& result);

private:
    using Queued = std::pair<std::shared_ptr<ProxyExchange>, HttpReply::Resume>;

    void work();
    /// Counts the error result is, if it is one, for upstream.
    void countResult(const std::string& upstream, const ClientResult& result);

    static constexpr std::size_t errorKinds = 6;

    ServiceDirectory& _directory;
    const std::size_t _capacity;     /// calls accepted at once: threads + queue
    mutable std::mutex _mutex;
    std::condition_variable _wake;
    std::deque<Queued> _queue;
    std::size_t _accepted = 0;       /// submitted and not yet finished
    bool _stopping = false;
    std::vector<std::thread> _threads;
    std::atomic<std::uint64_t> _calling{0};     /// calls under way
    std::atomic<std::uint64_t> _refused{0};     /// requests refused: threads busy and queue full
    std::map<std::string, std::array<std::uint64_t, errorKinds>> _errors;   /// by upstream, guarded by _mutex
};

} // namespace terrarium

#endif
