#include "plugin/StatusMapping.h"

#include <terrarium/plugin.h>

#include <catch2/catch.hpp>

using terrarium::StatusMapping;

TEST_CASE("every status of the enum is known and named", "[status]")
{
    for (int s = TRM_ERR_BAD_REQUEST; s <= TRM_AGAIN; ++s)
    {
        CHECK(StatusMapping::known(s));
        CHECK_THAT(StatusMapping::name(s), Catch::StartsWith("TRM_"));
    }
    CHECK(StatusMapping::name(TRM_ERR_FORBIDDEN) == "TRM_ERR_FORBIDDEN");
}

TEST_CASE("unknown status codes are internal errors", "[status]")
{
    for (int s : {777, 2, -11, -1000, 0x7fffffff})
    {
        CHECK_FALSE(StatusMapping::known(s));
        CHECK(StatusMapping::httpStatus(s) == 500);
        CHECK(StatusMapping::errorCode(s) == "unknown_status");
        CHECK(StatusMapping::name(s) == "unknown status " + std::to_string(s));
    }
}

TEST_CASE("errors map to fitting HTTP statuses", "[status]")
{
    CHECK(StatusMapping::httpStatus(TRM_ERR_BAD_REQUEST) == 400);
    CHECK(StatusMapping::httpStatus(TRM_ERR_FORBIDDEN) == 403);
    CHECK(StatusMapping::httpStatus(TRM_ERR_NOT_FOUND) == 404);
    CHECK(StatusMapping::httpStatus(TRM_ERR_TOO_LARGE) == 413);
    CHECK(StatusMapping::httpStatus(TRM_ERR_UNAVAILABLE) == 503);
    CHECK(StatusMapping::httpStatus(TRM_ERR_TIMEOUT) == 504);
    CHECK(StatusMapping::httpStatus(TRM_ERR_INTERNAL) == 500);
    CHECK(StatusMapping::httpStatus(TRM_ERR_NO_MEMORY) == 500);
    CHECK(StatusMapping::errorCode(TRM_ERR_INTERNAL) == "plugin_error");
    CHECK(StatusMapping::errorCode(TRM_ERR_BAD_REQUEST) == "bad_request");
}
