#ifndef Terrarium_ConfigTestSupport_INCLUDED
#define Terrarium_ConfigTestSupport_INCLUDED

#include "config/Config.h"
#include "config/ConfigError.h"
#include "config/ConfigLoader.h"

#include "ScratchDir.h"

#include <catch2/catch.hpp>

#include <string>

namespace terrarium::test {

/// The ConfigError thrown by a call.
struct Failure
{
    std::string key;
    std::string message;   /// what(): "key: message"
};

template <class Call>
Failure failureOf(Call&& call)
{
    try {
        call();
    } catch (const ConfigError& e) {
        return Failure{e.key(), e.what()};
    }
    FAIL("expected a ConfigError");
    return Failure{};
}

/// The configuration of a file's JSON text alone (no environment, no flags).
inline Config parseConfig(const std::string& json)
{
    return ConfigLoader::parse(json, {}, {});
}

/// The key a ConfigError for that JSON text names.
inline std::string failureKeyOf(const std::string& json)
{
    return failureOf([&] { parseConfig(json); }).key;
}

} // namespace terrarium::test

#endif
