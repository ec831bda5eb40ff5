#include "PeriodicTask.h"

namespace terrarium::sink {

PeriodicTask::PeriodicTask(std::chrono::milliseconds interval, std::function<void()> onStart, std::function<void()> onTick)
    : _interval(interval), _onStart(std::move(onStart)), _onTick(std::move(onTick)), _thread([this] { run(); })
{
}

PeriodicTask::~PeriodicTask()
{
    stop();
}

void PeriodicTask::stop()
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _stopping = true;
    }
    _wake.notify_all();
    if (_thread.joinable())
        _thread.join();
}

void PeriodicTask::run()
{
    if (_onStart)
        _onStart();
    auto next = std::chrono::steady_clock::now() + _interval;
    std::unique_lock<std::mutex> lock(_mutex);
    for (;;) {
        if (_interval.count() <= 0) {
            _wake.wait(lock, [this] { return _stopping; });
            return;
        }
        if (_wake.wait_until(lock, next, [this] { return _stopping; }))
            return;
        lock.unlock();
        if (_onTick)
            _onTick();
        lock.lock();
        // A tick that outlasted the interval is not made up for: the next one is a whole interval later.
        next += _interval;
        const auto now = std::chrono::steady_clock::now();
        if (next <= now)
            next = now + _interval;
    }
}

} // namespace terrarium::sink
