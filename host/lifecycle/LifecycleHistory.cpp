#include "lifecycle/LifecycleHistory.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>

#include <algorithm>

namespace terrarium {

LifecycleHistory::LifecycleHistory(std::size_t capacity) : _capacity(std::max<std::size_t>(capacity, 1))
{
}

void LifecycleHistory::record(Event event)
{
    std::lock_guard lock(_mutex);
    event.at.update();
    event.id = ++_recorded;
    _events.push_back(std::move(event));
    while (_events.size() > _capacity) _events.pop_front();
}

Poco::JSON::Object::Ptr LifecycleHistory::toJson(std::uint64_t sinceId) const
{
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Array::Ptr events = new Poco::JSON::Array;
    std::lock_guard lock(_mutex);
    for (const Event& e : _events)
    {
        if (e.id <= sinceId) continue;
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        entry->set("id", e.id);
        entry->set("at", Poco::DateTimeFormatter::format(e.at, Poco::DateTimeFormat::ISO8601_FRAC_FORMAT));
        entry->set("action", e.action);
        entry->set("plugin", e.plugin);
        entry->set("file", e.file);
        entry->set("generation", e.generation);
        entry->set("previous_generation", e.previousGeneration);
        entry->set("result", e.result);
        if (!e.message.empty()) entry->set("message", e.message);
        entry->set("duration_ms", static_cast<double>(e.duration.totalMicroseconds()) / 1000.0);
        events->add(entry);
    }
    out->set("capacity", static_cast<Poco::UInt64>(_capacity));
    out->set("recorded", _recorded);
    out->set("events", events);
    return out;
}

std::size_t LifecycleHistory::size() const
{
    std::lock_guard lock(_mutex);
    return _events.size();
}

} // namespace terrarium
