// file-storage: file contents as JSON text. JSON strings must be valid UTF-8, files need not be.
#ifndef FileStorage_Utf8Text_INCLUDED
#define FileStorage_Utf8Text_INCLUDED

#include <cstddef>
#include <string>
#include <string_view>

namespace filestorage {

/// Reads bytes as UTF-8, character by character.
class Utf8Text
{
public:
    /// The first at most maxCharacters characters of a text.
    struct Prefix
    {
        std::string text;             ///< the characters, each invalid byte replaced by U+FFFD
        std::size_t bytesUsed = 0;    ///< how many bytes of the input they came from
    };

    /// True when bytes is valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
    static bool valid(std::string_view bytes);

    /// bytes with each byte that does not start a valid sequence replaced by U+FFFD.
    static std::string sanitized(std::string_view bytes);

    /// The first maxCharacters characters of bytes (an invalid byte counts as one), never cutting a
    /// sequence; sanitized like sanitized().
    static Prefix prefix(std::string_view bytes, std::size_t maxCharacters);

private:
    /// Length of the valid sequence at the start of bytes, 0 when it is invalid or cut.
    static std::size_t sequenceLength(std::string_view bytes);
};

} // namespace filestorage

#endif
