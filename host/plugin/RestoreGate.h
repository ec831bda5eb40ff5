#ifndef Terrarium_RestoreGate_INCLUDED
#define Terrarium_RestoreGate_INCLUDED

#include <Poco/Timespan.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace terrarium {

/// Holds the requests of a new plugin generation while its state is being restored. Open by
/// default; a hot reload closes it before the generation is routed and opens it once restore()
/// returned (or failed, or was skipped). When the hold bound passes first, expire() lets the
/// waiting requests and all later ones through while restore() still runs. At most capacity
/// requests wait at once. Requests let through before restore() returned because a bound was
/// reached (time or count) are counted. Thread-safe.
class RestoreGate
{
public:
    using Waiter = std::function<void()>;

    /// Holds requests from now on, at most capacity at once (0: holds none), for at most bound
    /// (the owner calls expire() then; wait() gives up by itself).
    void close(std::size_t capacity, Poco::Timespan bound);

    /// The hold bound passed: calls every waiter (on this thread); later requests pass until
    /// open(). Returns how many waiters were let through (0 when the gate was not holding).
    std::size_t expire();

    /// restore() is done: calls every waiter (on this thread); requests pass from now on.
    void open();

    /// True while requests are held.
    bool holding() const { return _state.load(std::memory_order_acquire) == State::Holding; }

    /// Takes a place among the waiting requests: true when the gate holds and has room, and then
    /// exactly one onOpen() or wait() must follow. False: serve now (counted as served past the
    /// bound when restore() has not returned yet).
    bool enter();

    /// Calls waiter once the gate lets requests through: at once (on this thread) when it does already.
    void onOpen(Waiter waiter);

    /// Blocks the calling thread until the gate lets requests through or the bound passed (for
    /// callers that cannot be set aside, e.g. in-process service calls).
    void wait();

    /// Requests waiting now.
    std::size_t waiting() const;
    /// Requests held so far (every enter() that took a place).
    std::uint64_t heldTotal() const { return _heldTotal.load(std::memory_order_relaxed); }
    /// Requests served before restore() returned because a bound was reached.
    std::uint64_t pastBound() const { return _pastBound.load(std::memory_order_relaxed); }

private:
    enum class State
    {
        Open,
        Holding,
        Expired
    };

    void release(std::unique_lock<std::mutex>& lock);

    mutable std::mutex _mutex;
    std::condition_variable _released;
    std::atomic<State> _state{State::Open};
    std::size_t _capacity = 0;
    std::chrono::steady_clock::time_point _deadline;
    std::size_t _waiting = 0;            /// places taken and not yet let through
    std::vector<Waiter> _waiters;
    std::atomic<std::uint64_t> _heldTotal{0};
    std::atomic<std::uint64_t> _pastBound{0};
};

} // namespace terrarium

#endif
