// AdminToken: reading and generating the token, and the digest comparison of presented tokens.
#include "admin/AdminToken.h"

#include "ScratchDir.h"

#include <catch2/catch.hpp>

#include <string>

using terrarium::AdminToken;
using terrarium::test::ScratchDir;

TEST_CASE("AdminToken matches exactly the token of its file", "[admin][token]")
{
    ScratchDir dir;
    AdminToken token(dir.write("token", "  s3cret-token-value \n"), dir.path());
    CHECK(token.matches("s3cret-token-value"));
    CHECK_FALSE(token.matches("s3cret-token-valuE"));
    CHECK_FALSE(token.matches("s3cret-token-valu"));        // a prefix
    CHECK_FALSE(token.matches("s3cret-token-value0"));      // longer
    CHECK_FALSE(token.matches(""));
    CHECK_FALSE(token.matches(std::string("s3cret-token-value\0", 19)));
    CHECK_FALSE(token.matches(std::string(4096, 'x')));
    CHECK_FALSE(token.generated());
}

TEST_CASE("AdminToken generates a 64-hex token once and keeps it", "[admin][token]")
{
    ScratchDir dir;
    AdminToken first("", dir.path());
    CHECK(first.generated());
    std::string text = dir.read("admin.token");
    REQUIRE(text.size() == 65);
    std::string value = text.substr(0, 64);
    CHECK(first.matches(value));
    AdminToken again("", dir.path());
    CHECK_FALSE(again.generated());
    CHECK(again.matches(value));
    CHECK(again.sameAs(first));
}

TEST_CASE("AdminToken refuses an empty or missing file and tells tokens apart", "[admin][token]")
{
    ScratchDir dir;
    CHECK_THROWS_AS(AdminToken(dir.write("empty", " \n"), dir.path()), std::runtime_error);
    CHECK_THROWS_AS(AdminToken(dir.file("missing"), ""), std::runtime_error);
    CHECK_THROWS_AS(AdminToken("", ""), std::runtime_error);
    AdminToken full(dir.write("full", "full-token"), "");
    AdminToken readOnly(dir.write("ro", "read-token"), "");
    CHECK_FALSE(full.sameAs(readOnly));
    CHECK_FALSE(readOnly.matches("full-token"));
}
