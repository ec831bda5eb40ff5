#include "Utf8Text.h"

namespace filestorage {

namespace {

const std::string_view replacementCharacter = "\xEF\xBF\xBD";

bool continuation(unsigned char c, unsigned char low = 0x80, unsigned char high = 0xBF)
{
    return c >= low && c <= high;
}

} // namespace

std::size_t Utf8Text::sequenceLength(std::string_view bytes)
{
    auto at = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
    unsigned char lead = at(0);
    if (lead < 0x80) return 1;
    // The length a lead byte announces and the range its second byte must fall in (RFC 3629 §4):
    // no overlong forms, no surrogates, nothing past U+10FFFF.
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF)
        length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF)
        length = 3;
    else if (lead >= 0xF0 && lead <= 0xF4)
        length = 4;
    else
        return 0;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
    if (bytes.size() < length || !continuation(at(1), low, high)) return 0;
    for (std::size_t i = 2; i < length; ++i)
        if (!continuation(at(i))) return 0;
    return length;
}

bool Utf8Text::valid(std::string_view bytes)
{
    while (!bytes.empty())
    {
        std::size_t length = sequenceLength(bytes);
        if (length == 0) return false;
        bytes.remove_prefix(length);
    }
    return true;
}

std::string Utf8Text::sanitized(std::string_view bytes)
{
    return prefix(bytes, bytes.size()).text;
}

Utf8Text::Prefix Utf8Text::prefix(std::string_view bytes, std::size_t maxCharacters)
{
    Prefix out;
    out.text.reserve(bytes.size() < maxCharacters * 4 ? bytes.size() : maxCharacters * 4);
    std::string_view rest = bytes;
    for (std::size_t characters = 0; characters < maxCharacters && !rest.empty(); ++characters)
    {
        std::size_t length = sequenceLength(rest);
        if (length == 0)
        {
            out.text += replacementCharacter;
            length = 1;
        }
        else
        {
            out.text.append(rest.data(), length);
        }
        rest.remove_prefix(length);
    }
    out.bytesUsed = bytes.size() - rest.size();
    return out;
}

} // namespace filestorage
