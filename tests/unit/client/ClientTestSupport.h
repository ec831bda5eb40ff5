#ifndef Terrarium_ClientTestSupport_INCLUDED
#define Terrarium_ClientTestSupport_INCLUDED

#include "config/Config.h"

#include "Contains.h"
#include "Eventually.h"

#include <Poco/Exception.h>
#include <Poco/Timespan.h>

#include <chrono>
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

/// How long the client tests wait with eventually(), and how often they look (a condition may
/// call the client, so the pace is part of what a test does).
inline constexpr std::chrono::milliseconds CLIENT_WAIT{10000};
inline constexpr std::chrono::milliseconds CLIENT_POLL{5};

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

} // namespace terrarium::test

#endif
