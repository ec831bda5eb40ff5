#include "logging/LogthonSink.h"

#include "config/Config.h"
#include "logging/LogRecordFormat.h"
#include "logging/LogShippingScope.h"

#include <Poco/Exception.h>

#include <algorithm>
#include <iterator>
#include <vector>

namespace terrarium {

namespace {

std::chrono::microseconds duration(const Poco::Timespan& span)
{
    return std::chrono::microseconds(std::max<Poco::Timespan::TimeDiff>(span.totalMicroseconds(), 0));
}

} // namespace

LogthonSink::Settings LogthonSink::Settings::fromConfig(const LogConfig& config)
{
    Settings settings;
    settings.queueCapacity = config.queueCapacity;
    settings.batchSize = config.batchSize;
    settings.batch = config.logthonBatch;
    settings.flushInterval = config.flushInterval;
    settings.identity = LogIdentity::fromConfig(config);
    return settings;
}

LogthonSink::LogthonSink(LogShipper shipper, Settings settings, LogDiagnostics::Writer diagnostics)
    : _shipper(std::move(shipper)), _settings(std::move(settings)), _diagnostics(std::move(diagnostics), _settings.reportInterval)
{
    _settings.queueCapacity = std::max<std::size_t>(_settings.queueCapacity, 1);
    _settings.batchSize = std::max<std::size_t>(_settings.batchSize, 1);
    if (_settings.flushInterval.totalMicroseconds() <= 0)
        _settings.flushInterval = Poco::Timespan(0, 1000);
}

LogthonSink::~LogthonSink()
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        if (!_stopping)
        {
            _stopping = true;
            _stopDeadline = Clock::now();
        }
    }
    _wake.notify_all();
    if (_thread.joinable())
        _thread.join();
}

void LogthonSink::start()
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (_started || _stopping)
        return;
    _started = true;
    _thread = std::thread(&LogthonSink::run, this);
}

void LogthonSink::write(const LogRecord& record)
{
    if (_settings.destination && !_settings.destination())
    {
        _skipped.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    std::unique_lock<std::mutex> lock(_mutex);
    if (_stopping || _queue.size() + _inFlight >= _settings.queueCapacity)
    {
        ++_dropped;
        return;
    }
    try
    {
        _queue.push_back(record);
    }
    catch (...)
    {
        ++_dropped;
        return;
    }
    if (_queue.size() >= _settings.batchSize)
    {
        lock.unlock();
        _wake.notify_one();
    }
}

void LogthonSink::stop(Poco::Timespan bound)
{
    std::unique_lock<std::mutex> lock(_mutex);
    if (!_started)
    {
        _stopping = true;
        _dropped += _queue.size();
        _queue.clear();
        return;
    }
    if (!_stopping)
    {
        _stopping = true;
        _stopDeadline = Clock::now() + duration(bound);
    }
    _wake.notify_all();
    _finishedCondition.wait_until(lock, _stopDeadline, [this] { return _finished; });
    if (_finished)
    {
        lock.unlock();
        if (_thread.joinable() && _thread.get_id() != std::this_thread::get_id())
            _thread.join();
    }
}

LogSinkStats LogthonSink::stats() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    LogSinkStats stats;
    stats.name = name();
    stats.remote = true;
    stats.written = _shipped;
    stats.dropped = _dropped;
    stats.failures = _failures;
    stats.skipped = _skipped.load(std::memory_order_relaxed);
    stats.queueDepth = _queue.size() + _inFlight;
    return stats;
}

void LogthonSink::run()
{
    LogShippingScope shipping;
    const auto flushInterval = duration(_settings.flushInterval);
    std::unique_lock<std::mutex> lock(_mutex);
    auto nextRound = Clock::now() + flushInterval;
    for (;;)
    {
        const auto now = Clock::now();
        const bool backingOff = now < _retryAt;
        if (_stopping && (_queue.empty() || now >= _stopDeadline || (backingOff && _retryAt >= _stopDeadline)))
            break;
        if (_queue.empty() && now >= nextRound)
            nextRound = now + flushInterval;
        const bool due = _stopping || _queue.size() >= _settings.batchSize || now >= nextRound;
        if (!_queue.empty() && !backingOff && due)
        {
            shipBatch(lock);
            nextRound = Clock::now() + flushInterval;
            continue;
        }
        auto until = backingOff ? _retryAt : nextRound;
        if (_stopping)
            until = std::min(until, _stopDeadline);
        _wake.wait_until(lock, until);
    }
    const std::size_t unsent = _queue.size();
    if (unsent > 0)
    {
        _dropped += unsent;
        _queue.clear();
        lock.unlock();
        _diagnostics.reportNow(std::to_string(unsent) + " log records were not shipped to logthon before shutdown");
        lock.lock();
    }
    _finished = true;
    _finishedCondition.notify_all();
}

void LogthonSink::shipBatch(std::unique_lock<std::mutex>& lock)
{
    const std::size_t count = std::min(_settings.batchSize, _queue.size());
    std::vector<LogRecord> batch(std::make_move_iterator(_queue.begin()), std::make_move_iterator(_queue.begin() + static_cast<std::ptrdiff_t>(count)));
    _queue.erase(_queue.begin(), _queue.begin() + static_cast<std::ptrdiff_t>(count));
    _inFlight = count;
    lock.unlock();

    RoundOutcome outcome;
    outcome.unsentFrom = count;
    if (_settings.batch)
    {
        const ShipResult result = ship(LogRecordFormat::logthonBatchBody(batch, _settings.identity));
        if (result.outcome == ShipResult::Outcome::Delivered)
            outcome.delivered = count;
        else if (result.outcome == ShipResult::Outcome::Retryable)
        {
            outcome.unsentFrom = 0;
            outcome.failure = result.message;
        }
        else
        {
            outcome.batchRefusal = result.message;
            shipEach(batch, outcome);
        }
    }
    else
        shipEach(batch, outcome);

    std::vector<std::pair<bool, std::string>> reports;
    lock.lock();
    _inFlight = 0;
    _shipped += outcome.delivered;
    _dropped += outcome.rejected;
    _failures += outcome.rejected;
    if (outcome.unsentFrom < count)
    {
        _queue.insert(_queue.begin(), std::make_move_iterator(batch.begin() + static_cast<std::ptrdiff_t>(outcome.unsentFrom)),
            std::make_move_iterator(batch.end()));
        ++_failures;
        ++_consecutiveFailures;
        const auto wait = backoff();
        _retryAt = Clock::now() + wait;
        reports.emplace_back(false, "cannot ship log records to logthon: " + outcome.failure + "; " + std::to_string(_queue.size())
            + " records queued, retrying in " + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()) + " ms");
    }
    else if (_consecutiveFailures > 0)
    {
        reports.emplace_back(true, "log shipping to logthon resumed after " + std::to_string(_consecutiveFailures) + " failed attempts");
        _consecutiveFailures = 0;
        _retryAt = Clock::time_point();
    }
    if (!outcome.batchRefusal.empty())
    {
        ++_failures;
        reports.emplace_back(false, "logthon refused a batch of " + std::to_string(count) + " log records (" + outcome.batchRefusal
            + "); shipped them one per POST instead (log.logthon.batch: false for a logthon that takes single records only)");
    }
    if (outcome.rejected > 0)
        reports.emplace_back(false, "logthon rejected " + std::to_string(outcome.rejected) + " log records (dropped): " + outcome.rejection);
    if (reports.empty())
        return;
    lock.unlock();
    std::string problems;
    for (const auto& report : reports)
    {
        if (report.first)
            _diagnostics.reportNow(report.second);
        else
            problems += (problems.empty() ? "" : "; ") + report.second;
    }
    if (!problems.empty())
        _diagnostics.report(problems);
    lock.lock();
}

void LogthonSink::shipEach(const std::vector<LogRecord>& records, RoundOutcome& outcome)
{
    for (std::size_t index = 0; index < records.size(); ++index)
    {
        const ShipResult result = ship(LogRecordFormat::logthonBody(records[index], _settings.identity));
        if (result.outcome == ShipResult::Outcome::Delivered)
            ++outcome.delivered;
        else if (result.outcome == ShipResult::Outcome::Rejected)
        {
            ++outcome.rejected;
            outcome.rejection = result.message;
        }
        else
        {
            outcome.unsentFrom = index;
            outcome.failure = result.message;
            return;
        }
    }
}

ShipResult LogthonSink::ship(const std::string& body)
{
    try
    {
        return _shipper(body);
    }
    catch (const Poco::Exception& error)
    {
        return ShipResult::retryable(error.displayText());
    }
    catch (const std::exception& error)
    {
        return ShipResult::retryable(error.what());
    }
    catch (...)
    {
        return ShipResult::retryable("unknown exception from the log shipper");
    }
}

LogthonSink::Clock::duration LogthonSink::backoff() const
{
    const Clock::duration ceiling = duration(_settings.backoffMax);
    Clock::duration wait = duration(_settings.backoffInitial);
    for (unsigned attempt = 1; attempt < _consecutiveFailures && wait < ceiling; ++attempt)
        wait *= 2;
    return std::min(wait, ceiling);
}

} // namespace terrarium
