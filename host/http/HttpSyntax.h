#ifndef Terrarium_HttpSyntax_INCLUDED
#define Terrarium_HttpSyntax_INCLUDED

#include <cstdint>
#include <string>
#include <string_view>

namespace terrarium {

namespace detail {

/// One bit per character class of HttpSyntax, for each byte value.
struct HttpCharClasses
{
    unsigned char bits[256] = {};
};

constexpr unsigned char tokenClass = 1;       /// tchar (RFC 9110 5.6.2)
constexpr unsigned char fieldValueClass = 2;  /// VCHAR, obs-text, SP, HTAB (RFC 9110 5.5)
constexpr unsigned char targetClass = 4;      /// VCHAR and obs-text
constexpr unsigned char hexClass = 8;         /// HEXDIG

constexpr HttpCharClasses makeHttpCharClasses()
{
    HttpCharClasses table;
    for (int c = 0; c < 256; ++c)
    {
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        bool digit = c >= '0' && c <= '9';
        bool vchar = c >= 0x21 && c <= 0x7e;
        bool obsText = c >= 0x80;
        bool tokenMark = false;
        for (char mark : std::string_view("!#$%&'*+-.^_`|~")) tokenMark = tokenMark || c == mark;
        unsigned char bits = 0;
        if (alpha || digit || tokenMark) bits |= tokenClass;
        if (vchar || obsText || c == ' ' || c == '\t') bits |= fieldValueClass;
        if (vchar || obsText) bits |= targetClass;
        if (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) bits |= hexClass;
        table.bits[c] = bits;
    }
    return table;
}

inline constexpr HttpCharClasses httpCharClasses = makeHttpCharClasses();

} // namespace detail

/// The grammar of HTTP/1.1 messages (RFC 9110, RFC 9112) as the request parser enforces it:
/// character classes, field lines, lists, numbers and chunk extensions.
class HttpSyntax
{
public:
    /// A tchar: a character of a token (method, field name, transfer coding).
    static bool isTokenChar(char c) { return detail::httpCharClasses.bits[static_cast<unsigned char>(c)] & detail::tokenClass; }

    /// A character allowed in a field value: VCHAR, obs-text, SP or HTAB (no CR, LF, NUL or other control).
    static bool isFieldValueChar(char c) { return detail::httpCharClasses.bits[static_cast<unsigned char>(c)] & detail::fieldValueClass; }

    /// A character allowed in a request target: VCHAR or obs-text (no whitespace, no control).
    static bool isTargetChar(char c) { return detail::httpCharClasses.bits[static_cast<unsigned char>(c)] & detail::targetClass; }

    /// A HEXDIG (either case).
    static bool isHexDigit(char c) { return detail::httpCharClasses.bits[static_cast<unsigned char>(c)] & detail::hexClass; }

    /// SP or HTAB (OWS, BWS).
    static bool isWhitespace(char c) { return c == ' ' || c == '\t'; }

    /// True when text is a token: 1*tchar.
    static bool isToken(std::string_view text);

    /// text without leading and trailing SP and HTAB.
    static std::string_view trim(std::string_view text);

    /// Splits a field line (without its CRLF) into its name (1*tchar) and its value (OWS trimmed).
    /// Returns nullptr when the line is valid, else what is wrong with it.
    static const char* splitField(std::string_view line, std::string_view& name, std::string_view& value);

    /// Calls visit(element) for each non-empty element of a comma-separated list (RFC 9110 5.6.1),
    /// OWS trimmed; stops early when visit returns false.
    template <typename Visit>
    static void forEachElement(std::string_view list, Visit&& visit)
    {
        std::size_t begin = 0;
        while (begin <= list.size())
        {
            std::size_t comma = list.find(',', begin);
            std::size_t end = comma == std::string_view::npos ? list.size() : comma;
            std::string_view element = trim(list.substr(begin, end - begin));
            if (!element.empty() && !visit(element)) return;
            if (comma == std::string_view::npos) return;
            begin = comma + 1;
        }
    }

    /// True when the comma-separated list holds token, compared without regard to case.
    static bool listContains(std::string_view list, std::string_view token);

    /// Reads 1*DIGIT; false when text is empty, holds anything else, or exceeds 2^64 - 1.
    static bool parseDecimal(std::string_view text, std::uint64_t& value);

    /// Reads 1*HEXDIG; false when text is empty, holds anything else, or exceeds 2^64 - 1.
    static bool parseHex(std::string_view text, std::uint64_t& value);

    /// True when text (what follows the chunk size on its line) is *( BWS ";" BWS token
    /// [ BWS "=" BWS ( token / quoted-string ) ] ) (RFC 9112 7.1.1).
    static bool isChunkExtensions(std::string_view text);

    /// text shortened to maxLength for a message, with every byte outside VCHAR shown as \xNN.
    static std::string printable(std::string_view text, std::size_t maxLength = 64);
};

} // namespace terrarium

#endif
