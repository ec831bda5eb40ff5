#include "plugin/RestoreGate.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using terrarium::RestoreGate;

TEST_CASE("RestoreGate: open by default, nothing is held", "[plugin][restore]")
{
    RestoreGate gate;
    CHECK_FALSE(gate.holding());
    CHECK_FALSE(gate.enter());
    CHECK(gate.heldTotal() == 0);
    CHECK(gate.pastBound() == 0);
}

TEST_CASE("RestoreGate: waiters run when the gate opens, later ones at once", "[plugin][restore]")
{
    RestoreGate gate;
    gate.close(10, Poco::Timespan(30, 0));
    REQUIRE(gate.holding());
    int ran = 0;
    REQUIRE(gate.enter());
    gate.onOpen([&] { ++ran; });
    REQUIRE(gate.enter());
    gate.onOpen([&] { ++ran; });
    CHECK(gate.waiting() == 2);
    CHECK(ran == 0);

    gate.open();
    CHECK(ran == 2);
    CHECK(gate.waiting() == 0);
    CHECK_FALSE(gate.holding());
    CHECK_FALSE(gate.enter());
    gate.onOpen([&] { ++ran; });
    CHECK(ran == 3);
    CHECK(gate.heldTotal() == 2);
    CHECK(gate.pastBound() == 0);
}

TEST_CASE("RestoreGate: beyond its capacity a request is not held and counts as past the bound", "[plugin][restore]")
{
    RestoreGate gate;
    gate.close(1, Poco::Timespan(30, 0));
    REQUIRE(gate.enter());
    gate.onOpen([] {});
    CHECK_FALSE(gate.enter());
    CHECK(gate.heldTotal() == 1);
    CHECK(gate.pastBound() == 1);
    gate.open();
}

TEST_CASE("RestoreGate: expire() lets the waiters and later requests through until open()", "[plugin][restore]")
{
    RestoreGate gate;
    gate.close(10, Poco::Timespan(30, 0));
    int ran = 0;
    REQUIRE(gate.enter());
    gate.onOpen([&] { ++ran; });
    CHECK(gate.expire() == 1);
    CHECK(ran == 1);
    CHECK_FALSE(gate.holding());
    CHECK_FALSE(gate.enter());   // restore() still runs: served unrestored
    CHECK(gate.pastBound() == 2);
    CHECK(gate.expire() == 0);

    gate.open();
    CHECK_FALSE(gate.enter());
    CHECK(gate.pastBound() == 2);
}

TEST_CASE("RestoreGate: wait() blocks until open(), or gives up at the bound", "[plugin][restore]")
{
    SECTION("opened")
    {
        RestoreGate gate;
        gate.close(10, Poco::Timespan(30, 0));
        std::atomic<bool> done{false};
        REQUIRE(gate.enter());
        std::thread waiter([&] {
            gate.wait();
            done = true;
        });
        gate.open();
        waiter.join();
        CHECK(done);
        CHECK(gate.pastBound() == 0);
    }
    SECTION("bound passed")
    {
        RestoreGate gate;
        gate.close(10, Poco::Timespan(0, 1000));
        REQUIRE(gate.enter());
        gate.wait();
        CHECK(gate.holding());
        CHECK(gate.waiting() == 0);
        CHECK(gate.pastBound() == 1);
        gate.open();
    }
}
