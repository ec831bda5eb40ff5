#ifndef Terrarium_LifecycleHistory_INCLUDED
#define Terrarium_LifecycleHistory_INCLUDED

#include <Poco/JSON/Object.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

namespace terrarium {

/// The latest lifecycle events of the host's plugins (loads, reloads, unloads, and the refused
/// ones), kept in memory up to a bound (the oldest is forgotten first), for GET /admin/events and
/// the dashboard. Thread-safe.
class LifecycleHistory
{
public:
    /// One thing that happened to a plugin.
    struct Event
    {
        std::string action;                   /// "load", "reload", "unload" (other components may add theirs, e.g. a move)
        std::string plugin;                   /// the plugin's name ("" when a load failed before the name was known)
        std::string file;                     /// the file in the plugins directory, when known
        std::uint64_t generation = 0;         /// the generation serving after the event (0: none)
        std::uint64_t previousGeneration = 0; /// the generation serving before it (0: none)
        std::string result = "ok";            /// "ok", or the error code of a refused operation
        std::string message;                  /// why it was refused ("" when it succeeded)
        Poco::Timespan duration;              /// how long the operation took
        Poco::Timestamp at;                   /// when it ended (set by record())
        std::uint64_t id = 0;                 /// 1, 2, 3… in the order recorded (set by record())
    };

    /// Keeps at most capacity events (at least 1).
    explicit LifecycleHistory(std::size_t capacity = 100);

    /// Appends event, stamping its time and id; forgets the oldest event beyond the capacity.
    void record(Event event);

    /// {"capacity":N,"recorded":total,"events":[{"id","at","action","plugin","file","generation",
    /// "previous_generation","result","message","duration_ms"},…]}, oldest first; only events with
    /// an id above sinceId.
    Poco::JSON::Object::Ptr toJson(std::uint64_t sinceId = 0) const;

    /// The number of events kept now.
    std::size_t size() const;

    /// The bound given to the constructor.
    std::size_t capacity() const { return _capacity; }

private:
    const std::size_t _capacity;
    mutable std::mutex _mutex;
    std::deque<Event> _events;
    std::uint64_t _recorded = 0;
};

} // namespace terrarium

#endif
