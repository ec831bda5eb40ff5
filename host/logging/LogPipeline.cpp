#include "logging/LogPipeline.h"

#include "logging/LogShippingScope.h"
#include "logging/RequestId.h"

#include <algorithm>
#include <chrono>

namespace terrarium {

LogPipeline::LogPipeline(LogLevel defaultLevel, std::size_t queueCapacity)
    : _capacity(std::max<std::size_t>(queueCapacity, 1))
{
    LogLevelTable table;
    table.defaultLevel = defaultLevel;
    publish(std::move(table));
}

LogPipeline::~LogPipeline()
{
    stop(Poco::Timespan(0));
}

void LogPipeline::log(LogRecord&& record) noexcept
{
    if (!enabled(record.service, record.level))
        return;
    if (LogShippingScope::active())
    {
        ++_suppressed;
        return;
    }
    try
    {
        if (record.requestId.empty())
            record.requestId = RequestId::current();
        std::unique_lock<std::mutex> lock(_queueMutex);
        ++_records;
        if (_stopping || _queue.size() >= _capacity)
        {
            ++_dropped;
            return;
        }
        _queue.push_back(std::move(record));
        const bool wake = _queue.size() == 1;
        lock.unlock();
        if (wake)
            _queueReady.notify_one();
    }
    catch (...)
    {
        std::lock_guard<std::mutex> lock(_queueMutex);
        ++_dropped;
    }
}

void LogPipeline::log(const std::string& service, LogLevel level, std::string message, std::vector<LogField> fields) noexcept
{
    if (!enabled(service, level))
        return;
    try
    {
        LogRecord record;
        record.level = level;
        record.service = service;
        record.message = std::move(message);
        record.fields = std::move(fields);
        log(std::move(record));
    }
    catch (...)
    {
        std::lock_guard<std::mutex> lock(_queueMutex);
        ++_dropped;
    }
}

bool LogPipeline::enabled(const std::string& service, LogLevel level) const
{
    return level != LogLevel::Off && level >= this->level(service);
}

LogLevel LogPipeline::level(const std::string& service) const
{
    return _levels.load(std::memory_order_acquire)->levelOf(service);
}

void LogPipeline::setLevel(const std::string& service, LogLevel level)
{
    std::lock_guard<std::mutex> lock(_levelsMutex);
    LogLevelTable table = *_levels.load(std::memory_order_acquire);
    table.services[service] = level;
    publish(std::move(table));
    if (_levelObserver)
        _levelObserver();
}

void LogPipeline::clearLevel(const std::string& service)
{
    std::lock_guard<std::mutex> lock(_levelsMutex);
    LogLevelTable table = *_levels.load(std::memory_order_acquire);
    table.services.erase(service);
    publish(std::move(table));
    if (_levelObserver)
        _levelObserver();
}

void LogPipeline::setDefaultLevel(LogLevel level)
{
    std::lock_guard<std::mutex> lock(_levelsMutex);
    LogLevelTable table = *_levels.load(std::memory_order_acquire);
    table.defaultLevel = level;
    publish(std::move(table));
    if (_levelObserver)
        _levelObserver();
}

LogLevelTable LogPipeline::levels() const
{
    return *_levels.load(std::memory_order_acquire);
}

void LogPipeline::setLevelObserver(LevelObserver observer)
{
    std::lock_guard<std::mutex> lock(_levelsMutex);
    _levelObserver = std::move(observer);
}

void LogPipeline::addSink(std::unique_ptr<LogSink> sink)
{
    if (!sink)
        return;
    std::lock_guard<std::mutex> lock(_sinksMutex);
    bool running = false;
    {
        std::lock_guard<std::mutex> queueLock(_queueMutex);
        running = _started && !_stopping;
    }
    if (running)
        sink->start();
    _sinks.push_back(std::move(sink));
}

void LogPipeline::start()
{
    std::lock_guard<std::mutex> sinksLock(_sinksMutex);
    {
        std::lock_guard<std::mutex> lock(_queueMutex);
        if (_started || _stopping)
            return;
        _started = true;
    }
    for (auto& sink : _sinks)
        sink->start();
    _dispatcher = std::thread(&LogPipeline::run, this);
}

void LogPipeline::stop(Poco::Timespan bound)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(std::max<Poco::Timespan::TimeDiff>(bound.totalMicroseconds(), 0));
    bool started = false;
    {
        std::lock_guard<std::mutex> lock(_queueMutex);
        if (_stopping)
            return;
        _stopping = true;
        started = _started;
        if (!started)
        {
            _dropped += _queue.size();
            _queue.clear();
            _stopped = true;
            return;
        }
    }
    _queueReady.notify_all();
    if (_dispatcher.joinable())
        _dispatcher.join();
    for (LogSink* sink : sinkList())
    {
        const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
        sink->stop(Poco::Timespan(std::max<Poco::Timespan::TimeDiff>(left.count(), 0)));
    }
    std::lock_guard<std::mutex> lock(_queueMutex);
    _stopped = true;
}

bool LogPipeline::running() const
{
    std::lock_guard<std::mutex> lock(_queueMutex);
    return _started && !_stopping;
}

LogPipelineStats LogPipeline::stats() const
{
    LogPipelineStats stats;
    {
        std::lock_guard<std::mutex> lock(_queueMutex);
        stats.records = _records;
        stats.dropped = _dropped;
        stats.queueDepth = _queue.size();
    }
    stats.suppressed = _suppressed;
    for (LogSink* sink : sinkList())
    {
        LogSinkStats figures = sink->stats();
        stats.dropped += figures.dropped;
        stats.queueDepth += figures.queueDepth;
        if (figures.remote)
        {
            stats.shipped += figures.written;
            stats.shipFailures += figures.failures;
        }
        stats.sinks.push_back(std::move(figures));
    }
    return stats;
}

void LogPipeline::publish(LogLevelTable table)
{
    _tables.push_back(std::make_unique<const LogLevelTable>(std::move(table)));
    _levels.store(_tables.back().get(), std::memory_order_release);
}

void LogPipeline::run()
{
    std::vector<LogRecord> batch;
    std::unique_lock<std::mutex> lock(_queueMutex);
    for (;;)
    {
        _queueReady.wait(lock, [this] { return !_queue.empty() || _stopping; });
        if (_queue.empty())
            break;
        batch.swap(_queue);
        lock.unlock();
        const std::vector<LogSink*> sinks = sinkList();
        for (LogSink* sink : sinks)
        {
            try
            {
                for (const LogRecord& record : batch)
                    sink->write(record);
                sink->flush();
            }
            catch (...)
            {
            }
        }
        batch.clear();
        lock.lock();
    }
}

std::vector<LogSink*> LogPipeline::sinkList() const
{
    std::lock_guard<std::mutex> lock(_sinksMutex);
    std::vector<LogSink*> sinks;
    sinks.reserve(_sinks.size());
    for (const auto& sink : _sinks)
        sinks.push_back(sink.get());
    return sinks;
}

} // namespace terrarium
