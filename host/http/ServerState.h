#ifndef Terrarium_ServerState_INCLUDED
#define Terrarium_ServerState_INCLUDED

#include <atomic>
#include <cstdint>
#include <string>

namespace terrarium {

/// Process-wide serving state shared by listeners: readiness phase, stop flag and the number of
/// requests being served.
class ServerState
{
public:
    enum class Phase { Starting, Serving, Draining };

    Phase phase() const { return _phase.load(); }
    void setPhase(Phase phase) { _phase.store(phase); }
    bool ready() const { return _phase.load() == Phase::Serving; }
    /// "starting", "serving" or "draining".
    std::string phaseName() const;

    /// Connections finish their current request and close.
    bool stopping() const { return _stopping.load(std::memory_order_relaxed); }
    void stop() { _stopping.store(true); }

    /// Requests currently between "received" and "answered".
    std::uint64_t inflight() const { return _inflight.load(); }
    void enter() { _inflight.fetch_add(1, std::memory_order_relaxed); }
    void leave() { _inflight.fetch_sub(1, std::memory_order_relaxed); }

private:
    std::atomic<Phase> _phase{Phase::Starting};
    std::atomic<bool> _stopping{false};
    std::atomic<std::uint64_t> _inflight{0};
};

} // namespace terrarium

#endif
