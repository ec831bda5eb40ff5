// Text that is valid UTF-8 whatever bytes it was made from.
#ifndef Terrarium_Sink_Utf8Text_INCLUDED
#define Terrarium_Sink_Utf8Text_INCLUDED

#include <string>
#include <string_view>

namespace terrarium::sink {

/// Turns arbitrary bytes into valid UTF-8 (RFC 3629) for JSON answers and log records.
class Utf8Text
{
public:
    /// bytes with every byte that is not part of a well-formed UTF-8 sequence (stray continuation
    /// bytes, truncated sequences, overlong forms, surrogates, code points above U+10FFFF) replaced
    /// by U+FFFD; valid text comes back unchanged.
    static std::string repaired(std::string_view bytes);

    /// True when bytes is well-formed UTF-8.
    static bool valid(std::string_view bytes);

private:
    /// The length of the well-formed sequence at bytes[at], or 0 when there is none.
    static std::size_t sequenceLength(std::string_view bytes, std::size_t at);
};

} // namespace terrarium::sink

#endif
