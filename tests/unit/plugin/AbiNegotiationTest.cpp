#include "plugin/AbiNegotiation.h"

#include <terrarium/plugin.h>

#include <catch2/catch.hpp>

using terrarium::AbiNegotiation;

TEST_CASE("the host implements the ABI version of the SDK header", "[abi]")
{
    CHECK(AbiNegotiation::hostMajor() == TERRARIUM_ABI_MAJOR);
    CHECK(AbiNegotiation::hostMinor() == TERRARIUM_ABI_MINOR);
}

TEST_CASE("a plugin of the same major and an older or equal minor is accepted", "[abi]")
{
    CHECK(AbiNegotiation::check(1, 0, 1, 0).empty());
    CHECK(AbiNegotiation::check(1, 3, 1, 0).empty());
    CHECK(AbiNegotiation::check(1, 3, 1, 3).empty());
    CHECK(AbiNegotiation::check(2, 1, 2, 0).empty());
}

TEST_CASE("a different major is refused naming both versions", "[abi]")
{
    std::string why = AbiNegotiation::check(1, 0, 2, 0);
    CHECK_THAT(why, Catch::Contains("plugin ABI 2.0"));
    CHECK_THAT(why, Catch::Contains("host ABI 1.0"));
    CHECK_THAT(why, Catch::Contains("major"));
    why = AbiNegotiation::check(2, 5, 1, 0);
    CHECK_THAT(why, Catch::Contains("1.0"));
    CHECK_THAT(why, Catch::Contains("2.5"));
}

TEST_CASE("a plugin needing a newer minor than the host has is refused", "[abi]")
{
    std::string why = AbiNegotiation::check(1, 0, 1, 1);
    CHECK_THAT(why, Catch::Contains("requires ABI 1.1"));
    CHECK_THAT(why, Catch::Contains("only ABI 1.0"));
}

TEST_CASE("versions are formatted as major.minor", "[abi]")
{
    CHECK(AbiNegotiation::format(1, 0) == "1.0");
    CHECK(AbiNegotiation::format(12, 34) == "12.34");
}
