#include "plugin/RestoreGate.h"

namespace terrarium {

void RestoreGate::close(std::size_t capacity, Poco::Timespan bound)
{
    std::lock_guard lock(_mutex);
    _capacity = capacity;
    _deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(bound.totalMicroseconds());
    _state.store(State::Holding, std::memory_order_release);
}

std::size_t RestoreGate::expire()
{
    std::unique_lock lock(_mutex);
    if (_state.load() != State::Holding) return 0;
    _state.store(State::Expired, std::memory_order_release);
    std::size_t letThrough = _waiting;
    _pastBound.fetch_add(letThrough, std::memory_order_relaxed);
    release(lock);
    return letThrough;
}

void RestoreGate::open()
{
    std::unique_lock lock(_mutex);
    if (_state.load() == State::Open) return;
    _state.store(State::Open, std::memory_order_release);
    release(lock);
}

bool RestoreGate::enter()
{
    if (_state.load(std::memory_order_acquire) == State::Open) return false;
    std::lock_guard lock(_mutex);
    State state = _state.load();
    if (state == State::Holding && _waiting < _capacity)
    {
        ++_waiting;
        _heldTotal.fetch_add(1, std::memory_order_relaxed);
        return true;
    }
    if (state != State::Open) _pastBound.fetch_add(1, std::memory_order_relaxed);
    return false;
}

void RestoreGate::onOpen(Waiter waiter)
{
    {
        std::lock_guard lock(_mutex);
        if (_state.load() == State::Holding)
        {
            _waiters.push_back(std::move(waiter));
            return;
        }
    }
    waiter();
}

void RestoreGate::wait()
{
    std::unique_lock lock(_mutex);
    bool released = _released.wait_until(lock, _deadline, [this] { return _state.load() != State::Holding; });
    if (released) return;
    if (_waiting > 0) --_waiting;
    _pastBound.fetch_add(1, std::memory_order_relaxed);
}

std::size_t RestoreGate::waiting() const
{
    std::lock_guard lock(_mutex);
    return _waiting;
}

void RestoreGate::release(std::unique_lock<std::mutex>& lock)
{
    std::vector<Waiter> waiters;
    waiters.swap(_waiters);
    _waiting = 0;
    lock.unlock();
    _released.notify_all();
    for (auto& waiter : waiters)
    {
        try
        {
            waiter();
        }
        catch (...)
        {
        }
    }
}

} // namespace terrarium
