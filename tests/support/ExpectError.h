#ifndef Terrarium_ExpectError_INCLUDED
#define Terrarium_ExpectError_INCLUDED

#include "HttpTestClient.h"

#include <catch2/catch.hpp>

#include <string>

namespace terrarium {
namespace test {

/// Checks that an answer is the host's JSON error {"error": code, "message": "..."} with that
/// status (stops the test when the status differs).
inline void expectError(const HttpResult& result, int status, const std::string& code)
{
    INFO("status " << result.status << ", body: " << result.body);
    REQUIRE(result.status == status);
    CHECK(result.header("Content-Type").find("application/json") == 0);
    auto json = result.json();
    CHECK(json->getValue<std::string>("error") == code);
    CHECK_FALSE(json->getValue<std::string>("message").empty());
}

} // namespace test
} // namespace terrarium

#endif
