#include "config/JsonChecker.h"

#include <catch2/catch.hpp>

#include <string>

using Catch::Matchers::Contains;
using terrarium::JsonChecker;

TEST_CASE("Valid JSON has no issues", "[config][json]")
{
    for (const char* json : {"{}", "[]", "0", "-1.5e+10", "\"s\"", "true", "false", "null", " \n{ \"a\" : [ 1 , {\"b\":null} ] }\n",
                             R"({"e": "\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00"})", "[\"caf\xc3\xa9 \xf0\x9f\x98\x80\"]", R"([0, -0, 0.0, 1E5, 1e-5, 1.5e300, 1e-400, 18446744073709551615, -9223372036854775808, 123456789012345678901234567890.0])"}) {
        INFO(json);
        JsonChecker::Result result = JsonChecker::check(json);
        CHECK_FALSE(result.syntaxError);
        CHECK_FALSE(result.duplicateKey);
    }
}

TEST_CASE("Syntax errors are located by line and column", "[config][json]")
{
    struct Case { const char* json; std::size_t line; std::size_t column; const char* says; };
    for (const Case& c : {
             Case{"{\n  \"a\": 1,\n  \"b\": }", 3, 8, "expected a value"},
             Case{"{\"a\": 1,}", 1, 9, "expected a member name"},
             Case{"{\"a\" 1}", 1, 6, "expected ':'"},
             Case{"{\"a\": 1 \"b\": 2}", 1, 9, "expected ',' or '}'"},
             Case{"[1 2]", 1, 4, "expected ',' or ']'"},
             Case{"{} x", 1, 4, "after the end"},
             Case{"{\"a\": 01}", 1, 8, "leading zeros"},
             Case{"{\"a\": 1.}", 1, 9, "after '.'"},
             Case{"{\"a\": tru}", 1, 7, "expected true"},
             Case{"{\"a\": \"x\ty\"}", 1, 9, "control character"},
             Case{"{\"a\": \"\\x\"}", 1, 9, "invalid escape"},
             Case{"{\"a\": \"\\u12g4\"}", 1, 9, "four hexadecimal digits"},
             Case{"{\"a\": \"open", 1, 12, "end of text in a string"},
             Case{"{\n \"a\": \"caf\xe9\"}", 2, 11, "invalid UTF-8"},       // Latin-1, not UTF-8 (found by fuzzing)
             Case{"[1, 44444444444444444441]", 1, 5, "integer too large"},         // Poco refuses it (found by fuzzing)
             Case{"{\"a\": -9223372036854775809}", 1, 7, "integer too large"},
             Case{"[1e308, 1e309]", 1, 9, "number too large"},                      // Poco refuses it (found by fuzzing)
             Case{"[-4.5e4444]", 1, 2, "number too large"},
             Case{"{\"a\": \"\xc0\xaf\"}", 1, 8, "invalid UTF-8"},           // an overlong '/'
             Case{"{\"a\": \"\xe2\x82\"}", 1, 8, "invalid UTF-8"},           // a truncated sequence
             Case{"{", 1, 2, "end of text"},
             Case{"", 1, 1, "end of text"},
         }) {
        INFO(c.json);
        JsonChecker::Result result = JsonChecker::check(c.json);
        REQUIRE(result.syntaxError);
        CHECK(result.syntaxError->line == c.line);
        CHECK(result.syntaxError->column == c.column);
        CHECK_THAT(result.syntaxError->message, Contains(c.says));
    }
}

TEST_CASE("Duplicate keys are reported with their path and both positions", "[config][json]")
{
    JsonChecker::Result result = JsonChecker::check("{\"a\": {\"x\": [{\"k\": 1,\n \"k\": 2}]}, \"b\": 1}");
    CHECK_FALSE(result.syntaxError);
    REQUIRE(result.duplicateKey);
    CHECK(result.duplicateKey->path == "a.x[0].k");
    CHECK(result.duplicateKey->line == 2);
    CHECK(result.duplicateKey->column == 2);
    CHECK_THAT(result.duplicateKey->message, Contains("first defined at line 1, column 15"));

    SECTION("the same key in different objects is fine")
    {
        CHECK_FALSE(JsonChecker::check(R"({"a": {"k": 1}, "b": {"k": 1}})").duplicateKey);
    }
    SECTION("escaped and plain spellings of a key are the same key")
    {
        CHECK(JsonChecker::check(R"({"ab": 1, "a\u0062": 2})").duplicateKey);
    }
}

TEST_CASE("Very deep nesting is rejected instead of overflowing the stack", "[config][json]")
{
    std::string deep(100000, '[');
    JsonChecker::Result result = JsonChecker::check(deep);
    REQUIRE(result.syntaxError);
    CHECK_THAT(result.syntaxError->message, Contains("nested too deeply"));
}
