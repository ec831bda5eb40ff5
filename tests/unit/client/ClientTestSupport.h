#ifndef Terrarium_ClientTestSupport_INCLUDED
#define Terrarium_ClientTestSupport_INCLUDED

#include "config/Config.h"

#include <Poco/Exception.h>
#include <Poco/Thread.h>
#include <Poco/Timestamp.h>

#include <functional>
#include <string>

namespace terrarium::test {

/// A client configuration for tests: fast backoff, generous deadlines (tests assert
/// outcomes, never durations).
inline ClientConfig testClientConfig()
{
    ClientConfig config;
    config.connectTimeout = Poco::Timespan(5, 0);
    config.timeout = Poco::Timespan(20, 0);
    config.maxAttempts = 3;
    config.backoffInitial = Poco::Timespan(0, 1000);
    config.backoffMax = Poco::Timespan(0, 5000);
    config.maxPerOrigin = 4;
    config.maxTotal = 16;
    config.idleTimeout = Poco::Timespan(60, 0);
    config.breakerFailures = 100;
    config.breakerOpen = Poco::Timespan(10, 0);
    config.verifyPeer = true;
    return config;
}

/// Polls condition every few milliseconds until it holds or timeout passes; returns its last value.
inline bool eventually(const std::function<bool()>& condition, Poco::Timespan timeout = Poco::Timespan(10, 0))
{
    Poco::Timestamp start;
    while (!condition()) {
        if (start.isElapsed(timeout.totalMicroseconds()))
            return condition();
        Poco::Thread::sleep(5);
    }
    return true;
}

/// The displayText() of the Poco::Exception that action throws ("" when it throws none).
inline std::string thrownMessage(const std::function<void()>& action)
{
    try {
        action();
    } catch (Poco::Exception& e) {
        return e.displayText();
    }
    return std::string();
}

inline bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

} // namespace terrarium::test

#endif
