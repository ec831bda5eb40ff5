// Utf8Text (plugins/shared): what counts as well-formed UTF-8 and how the rest is repaired.
#include "Utf8Text.h"

#include <catch2/catch.hpp>

#include <string>

using terrarium::sink::Utf8Text;

TEST_CASE("Utf8Text: well-formed text passes unchanged, every ill-formed byte becomes U+FFFD", "[utf8]")
{
    const std::string fffd = "\xEF\xBF\xBD";
    for (const std::string& text : {std::string(), std::string("plain ASCII"), std::string("\x00\x7F", 2), std::string("\xC2\x80"),
                                   std::string("\xDF\xBF"), std::string("\xE0\xA0\x80"), std::string("\xED\x9F\xBF"), std::string("\xEE\x80\x80"),
                                   std::string("\xF0\x90\x80\x80"), std::string("\xF4\x8F\xBF\xBF"), std::string("caf\xC3\xA9 \xF0\x9F\x98\x80")}) {
        INFO(text);
        CHECK(Utf8Text::valid(text));
        CHECK(Utf8Text::repaired(text) == text);
    }
    struct Case
    {
        std::string bytes;
        std::string repaired;
    };
    for (const Case& c : {Case{"\x80", fffd}, Case{"a\xBF" "b", "a" + fffd + "b"}, Case{"\xC0\xAF", fffd + fffd}, Case{"\xC1\xBF", fffd + fffd},
                          Case{"\xC3", fffd}, Case{"\xC3(", fffd + "("}, Case{"\xE0\x9F\xBF", fffd + fffd + fffd},
                          Case{"\xED\xA0\x80", fffd + fffd + fffd}, Case{"\xE2\x82", fffd + fffd}, Case{"\xF0\x8F\xBF\xBF", fffd + fffd + fffd + fffd},
                          Case{"\xF4\x90\x80\x80", fffd + fffd + fffd + fffd}, Case{"\xF5\x80\x80\x80", fffd + fffd + fffd + fffd},
                          Case{"\xFF\xFE", fffd + fffd}, Case{"ok\xE2\x82\xAC\xE2\x82", "ok\xE2\x82\xAC" + fffd + fffd}}) {
        INFO(c.bytes);
        CHECK_FALSE(Utf8Text::valid(c.bytes));
        CHECK(Utf8Text::repaired(c.bytes) == c.repaired);
        CHECK(Utf8Text::valid(Utf8Text::repaired(c.bytes)));
    }
}
