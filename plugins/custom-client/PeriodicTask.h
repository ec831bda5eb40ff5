// A thread that runs a task at start and then at a fixed interval until it is stopped.
#ifndef Terrarium_CustomClient_PeriodicTask_INCLUDED
#define Terrarium_CustomClient_PeriodicTask_INCLUDED

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace terrarium::sink {

/// Runs onStart once on its own thread, then onTick every interval (the first one interval after
/// the start; an interval of zero runs no ticks) until stop(). Stopping wakes the thread at once
/// (a condition variable, not a sleep) and joins it; a task already running is finished first.
class PeriodicTask
{
public:
    /// Starts the thread.
    PeriodicTask(std::chrono::milliseconds interval, std::function<void()> onStart, std::function<void()> onTick);

    /// stop().
    ~PeriodicTask();

    PeriodicTask(const PeriodicTask&) = delete;
    PeriodicTask& operator=(const PeriodicTask&) = delete;

    /// Wakes the thread and joins it; later calls do nothing. Not to be called from a task.
    void stop();

private:
    void run();

    const std::chrono::milliseconds _interval;
    const std::function<void()> _onStart;
    const std::function<void()> _onTick;
    std::mutex _mutex;
    std::condition_variable _wake;
    bool _stopping = false;
    std::thread _thread;   // last: started once everything above exists
};

} // namespace terrarium::sink

#endif
