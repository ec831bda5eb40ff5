#include "router/UpstreamProxy.h"

#include "logging/RequestIdScope.h"

namespace terrarium {

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
        if (_stopping || _accepted >= _capacity) return Submission::Refused;
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
    if (exchange.upstream.find("://") == std::string::npos) return _directory.call(exchange.upstream, exchange.call);
    ClientRequest absolute = exchange.call;
    absolute.url = exchange.upstream + exchange.call.path;
    return _directory.call(std::string(), absolute);
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
