#ifndef Terrarium_ConfigTestSupport_INCLUDED
#define Terrarium_ConfigTestSupport_INCLUDED

#include "config/ConfigError.h"

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

} // namespace terrarium::test

#endif
