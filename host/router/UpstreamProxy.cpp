#include "router/UpstreamProxy.h"

#include "logging/RequestIdScope.h"

#include <cstring>

namespace terrarium {

namespace {

/// The kinds errorKind() names, in the order of the counters.
const char* const errorKindNames[] = {"timeout", "unavailable", "too_large", "invalid", "not_found", "server_error"};

} // namespace

UpstreamProxy::UpstreamProxy(ServiceDirectory& directory, const ProxyConfig& config)
    : _directory(directory), _capacity(std::size_t(config.threads) + config.queueSize)
{
    for (unsigned i = 0; i < config.threads; ++i) _threads.emplace_back([this] { work(); });
}

UpstreamProxy::~UpstreamProxy()
{
    stop();
}

UpstreamProxy::Submission UpstreamProxy::submit(const std::shared_ptr<ProxyExchange>& exchange, HttpReply& reply)
{
    if (!reply.upgradable())
    {
        exchange->result = call(*exchange);
        exchange->done.store(true, std::memory_order_release);
        return Submission::Answered;
    }
    {
        std::lock_guard<std::mutex> lock(_mutex);
        if (_stopping || _accepted >= _capacity)
        {
            ++_refused;
            return Submission::Refused;
        }
        ++_accepted;
    }
    reply.setResumeState(exchange);
    reply.setAside([this, exchange](HttpReply::Resume resume) {
        {
            std::lock_guard<std::mutex> lock(_mutex);
            _queue.emplace_back(exchange, std::move(resume));
        }
        _wake.notify_one();
    });
    return Submission::SetAside;
}

ClientResult UpstreamProxy::call(const ProxyExchange& exchange)
{
    ++_calling;
    ClientResult result;
    if (exchange.upstream.find("://") == std::string::npos)
        result = _directory.call(exchange.upstream, exchange.call);
    else
    {
        ClientRequest absolute = exchange.call;
        absolute.url = exchange.upstream + exchange.call.path;
        result = _directory.call(std::string(), absolute);
    }
    --_calling;
    countResult(exchange.upstream, result);
    return result;
}

const char* UpstreamProxy::errorKind(const ClientResult& result)
{
    switch (result.status)
    {
    case ClientStatus::Ok: return result.response.status >= 500 ? "server_error" : nullptr;
    case ClientStatus::Timeout: return "timeout";
    case ClientStatus::Unavailable: return "unavailable";
    case ClientStatus::TooLarge: return "too_large";
    case ClientStatus::Invalid: return "invalid";
    case ClientStatus::NotFound: return "not_found";
    }
    return "unavailable";
}

void UpstreamProxy::countResult(const std::string& upstream, const ClientResult& result)
{
    const char* kind = errorKind(result);
    if (!kind) return;
    std::size_t index = 0;
    while (index + 1 < errorKinds && std::strcmp(errorKindNames[index], kind) != 0) ++index;
    std::lock_guard<std::mutex> lock(_mutex);
    ++_errors[upstream][index];
}

void UpstreamProxy::collect(PrometheusWriter& writer) const
{
    std::size_t queued = 0;
    std::map<std::string, std::array<std::uint64_t, errorKinds>> errors;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        queued = _queue.size();
        errors = _errors;
    }
    writer.family("terrarium_proxy_requests", "gauge",
                  "Requests of upstream routes under way: waiting for a proxy thread (queued) or calling their upstream (calling).");
    writer.sample("terrarium_proxy_requests", {{"state", "queued"}}, static_cast<std::uint64_t>(queued));
    writer.sample("terrarium_proxy_requests", {{"state", "calling"}}, _calling.load());
    writer.family("terrarium_proxy_refused_total", "counter",
                  "Requests of upstream routes answered 503 overloaded: every proxy thread busy and the queue full.");
    writer.sample("terrarium_proxy_refused_total", {}, _refused.load());
    writer.family("terrarium_proxy_upstream_errors_total", "counter",
                  "Calls of upstream routes that ended without a good answer, by upstream and kind (timeout: 504; unavailable, "
                  "too_large, invalid, not_found: 502; server_error: a 5xx answer passed on).");
    for (const auto& [upstream, counts] : errors)
        for (std::size_t i = 0; i < errorKinds; ++i)
            writer.sample("terrarium_proxy_upstream_errors_total", {{"upstream", upstream}, {"kind", errorKindNames[i]}}, counts[i]);
}

void UpstreamProxy::stop()
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _stopping = true;
    }
    _wake.notify_all();
    for (auto& thread : _threads)
        if (thread.joinable()) thread.join();
    _threads.clear();
}

void UpstreamProxy::work()
{
    for (;;)
    {
        Queued next;
        {
            std::unique_lock<std::mutex> lock(_mutex);
            _wake.wait(lock, [this] { return !_queue.empty() || (_stopping && _accepted == 0); });
            if (_queue.empty()) return;
            next = std::move(_queue.front());
            _queue.pop_front();
        }
        ProxyExchange& exchange = *next.first;
        {
            RequestIdScope scope(exchange.call.requestId);
            exchange.result = call(exchange);
        }
        exchange.done.store(true, std::memory_order_release);
        {
            std::lock_guard<std::mutex> lock(_mutex);
            --_accepted;
        }
        _wake.notify_all();
        next.second();
    }
}

} // namespace terrarium
