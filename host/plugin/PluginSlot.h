#ifndef Terrarium_PluginSlot_INCLUDED
#define Terrarium_PluginSlot_INCLUDED

#include "plugin/Generation.h"
#include "plugin/PluginMetrics.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace terrarium {

/// The place of one plugin name: the generation currently serving it (swapped atomically on
/// reload), request statistics and metrics that outlive generations.
class PluginSlot
{
public:
    /// A request's hold on the generation it started on.
    class Ref
    {
    public:
        Ref() = default;
        explicit Ref(std::shared_ptr<Generation> generation) : _generation(std::move(generation)) {}
        Ref(Ref&& other) noexcept = default;
        Ref& operator=(Ref&& other) noexcept
        {
            release();
            _generation = std::move(other._generation);
            return *this;
        }
        ~Ref() { release(); }
        Generation* operator->() const { return _generation.get(); }
        explicit operator bool() const { return static_cast<bool>(_generation); }

    private:
        void release()
        {
            if (_generation) _generation->leave();
            _generation.reset();
        }
        std::shared_ptr<Generation> _generation;
    };

    explicit PluginSlot(std::string name) : _name(std::move(name)), _metrics(std::make_shared<PluginMetrics>()) {}

    const std::string& name() const { return _name; }

    /// The current generation (nullptr when not loaded).
    std::shared_ptr<Generation> current() const { return std::atomic_load(&_current); }

    /// Makes generation current (nullptr unloads); requests started earlier keep theirs.
    void publish(std::shared_ptr<Generation> generation) { std::atomic_store(&_current, std::move(generation)); }

    /// Enters the current generation; an empty Ref when none is loaded.
    Ref acquire() const
    {
        for (;;)
        {
            auto generation = std::atomic_load(&_current);
            if (!generation) return Ref();
            if (generation->tryEnter()) return Ref(std::move(generation));
        }
    }

    /// Counts a finished request by status class.
    void count(int status)
    {
        std::size_t cls = static_cast<std::size_t>(status / 100);
        if (cls > 5) cls = 0;
        _byClass[cls].fetch_add(1, std::memory_order_relaxed);
    }

    /// Requests answered with status class n (1..5); 0 counts anything else.
    std::uint64_t answered(std::size_t statusClass) const { return _byClass[statusClass].load(std::memory_order_relaxed); }

    /// The metrics the plugin records; generations created later record into the same object.
    std::shared_ptr<PluginMetrics> metrics() const { return std::atomic_load(&_metrics); }

    /// Starts afresh with empty metrics (the plugin was unloaded: its series leave /metrics; a
    /// generation still draining records into the old object, which nobody shows any more).
    void resetMetrics() { std::atomic_store(&_metrics, std::make_shared<PluginMetrics>()); }

    /// The number for the next generation (1, 2, ...).
    std::uint64_t nextGeneration() { return ++_generations; }

    /// Successful hot reloads so far.
    std::atomic<std::uint64_t> reloads{0};

    /// Requests held until restore() returned, of generations that are no longer current.
    std::atomic<std::uint64_t> heldRequests{0};
    /// Requests served before restore() returned because a hold bound passed, likewise.
    std::atomic<std::uint64_t> heldPastBound{0};

private:
    std::string _name;
    std::shared_ptr<Generation> _current;
    std::shared_ptr<PluginMetrics> _metrics;
    std::array<std::atomic<std::uint64_t>, 6> _byClass{};
    std::atomic<std::uint64_t> _generations{0};
};

} // namespace terrarium

#endif
