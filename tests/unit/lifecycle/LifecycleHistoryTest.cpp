#include "lifecycle/LifecycleHistory.h"

#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>

using terrarium::LifecycleHistory;

namespace {

LifecycleHistory::Event reloadOf(const std::string& plugin, std::uint64_t generation)
{
    LifecycleHistory::Event event;
    event.action = "reload";
    event.plugin = plugin;
    event.file = plugin + ".so";
    event.generation = generation;
    event.previousGeneration = generation - 1;
    event.duration = Poco::Timespan(0, 1500);
    return event;
}

} // namespace

TEST_CASE("LifecycleHistory keeps the latest events up to its capacity, oldest first, with increasing ids", "[lifecycle][history]")
{
    LifecycleHistory history(3);
    for (std::uint64_t generation = 2; generation <= 6; ++generation) history.record(reloadOf("echo", generation));
    CHECK(history.size() == 3);

    auto json = history.toJson();
    CHECK(json->getValue<int>("capacity") == 3);
    CHECK(json->getValue<int>("recorded") == 5);
    auto events = json->getArray("events");
    REQUIRE(events->size() == 3);
    for (unsigned i = 0; i < 3; ++i)
    {
        auto event = events->getObject(i);
        CHECK(event->getValue<int>("id") == static_cast<int>(i + 3));
        CHECK(event->getValue<int>("generation") == static_cast<int>(i + 4));
        CHECK(event->getValue<int>("previous_generation") == static_cast<int>(i + 3));
        CHECK(event->getValue<std::string>("action") == "reload");
        CHECK(event->getValue<std::string>("result") == "ok");
        CHECK(event->getValue<double>("duration_ms") == Approx(1.5));
        CHECK_FALSE(event->has("message"));
    }
}

TEST_CASE("LifecycleHistory lists only the events after a given id, and a refusal's code and message", "[lifecycle][history]")
{
    LifecycleHistory history;
    CHECK(history.capacity() == 100);
    history.record(reloadOf("echo", 2));
    LifecycleHistory::Event refused = reloadOf("echo", 2);
    refused.result = "not_elf";
    refused.message = "echo.so is not an ELF file";
    history.record(refused);

    auto events = history.toJson(1)->getArray("events");
    REQUIRE(events->size() == 1);
    CHECK(events->getObject(0)->getValue<int>("id") == 2);
    CHECK(events->getObject(0)->getValue<std::string>("result") == "not_elf");
    CHECK(events->getObject(0)->getValue<std::string>("message") == "echo.so is not an ELF file");
    CHECK(history.toJson(2)->getArray("events")->size() == 0);
    CHECK(LifecycleHistory(0).capacity() == 1);
}
