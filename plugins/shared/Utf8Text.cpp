#include "Utf8Text.h"

namespace terrarium::sink {

namespace {

constexpr std::string_view ReplacementCharacter = "\xEF\xBF\xBD";

bool continuation(unsigned char byte, unsigned char low = 0x80, unsigned char high = 0xBF)
{
    return byte >= low && byte <= high;
}

} // namespace

std::size_t Utf8Text::sequenceLength(std::string_view bytes, std::size_t at)
{
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[at + i]); };
    const std::size_t left = bytes.size() - at;
    const unsigned char lead = byte(0);
    if (lead < 0x80)
        return 1;
    if (lead >= 0xC2 && lead <= 0xDF)
        return left >= 2 && continuation(byte(1)) ? 2 : 0;
    if (lead >= 0xE0 && lead <= 0xEF) {
        const unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;    // no overlong forms
        const unsigned char high = lead == 0xED ? 0x9F : 0xBF;   // no surrogates
        return left >= 3 && continuation(byte(1), low, high) && continuation(byte(2)) ? 3 : 0;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        const unsigned char low = lead == 0xF0 ? 0x90 : 0x80;    // no overlong forms
        const unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;   // nothing above U+10FFFF
        return left >= 4 && continuation(byte(1), low, high) && continuation(byte(2)) && continuation(byte(3)) ? 4 : 0;
    }
    return 0;
}

bool Utf8Text::valid(std::string_view bytes)
{
    for (std::size_t at = 0; at < bytes.size();) {
        std::size_t length = sequenceLength(bytes, at);
        if (length == 0)
            return false;
        at += length;
    }
    return true;
}

std::string Utf8Text::repaired(std::string_view bytes)
{
    if (valid(bytes))
        return std::string(bytes);
    std::string text;
    text.reserve(bytes.size() + 8);
    for (std::size_t at = 0; at < bytes.size();) {
        std::size_t length = sequenceLength(bytes, at);
        if (length == 0) {
            text += ReplacementCharacter;
            ++at;
        } else {
            text.append(bytes.substr(at, length));
            at += length;
        }
    }
    return text;
}

} // namespace terrarium::sink
