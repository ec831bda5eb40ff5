// Polling with a deadline for the unit tests.
#ifndef Terrarium_Test_Eventually_INCLUDED
#define Terrarium_Test_Eventually_INCLUDED

#include "TimeScale.h"

#include <chrono>
#include <functional>
#include <thread>

namespace terrarium::test {

/// Polls condition every poll until it holds or timeout (scaled by timeScale()) passes, then looks
/// once more; returns its last value (a deadline, not a sleep as synchronisation).
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = std::chrono::milliseconds(15000),
                       std::chrono::milliseconds poll = std::chrono::milliseconds(2))
{
    const auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
    while (!condition())
    {
        if (std::chrono::steady_clock::now() >= deadline)
            return condition();
        std::this_thread::sleep_for(poll);
    }
    return true;
}

} // namespace terrarium::test

#endif
