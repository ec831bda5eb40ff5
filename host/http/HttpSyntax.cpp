#include "http/HttpSyntax.h"

#include "http/HeaderName.h"

namespace terrarium {

bool HttpSyntax::isToken(std::string_view text)
{
    if (text.empty()) return false;
    for (char c : text)
    {
        if (!isTokenChar(c)) return false;
    }
    return true;
}

std::string_view HttpSyntax::trim(std::string_view text)
{
    std::size_t begin = 0;
    std::size_t end = text.size();
    while (begin < end && isWhitespace(text[begin])) ++begin;
    while (end > begin && isWhitespace(text[end - 1])) --end;
    return text.substr(begin, end - begin);
}

const char* HttpSyntax::splitField(std::string_view line, std::string_view& name, std::string_view& value)
{
    const std::size_t size = line.size();
    std::size_t colon = 0;
    while (colon < size && isTokenChar(line[colon])) ++colon;
    if (colon == size || line[colon] != ':')
    {
        if (colon == 0 && size > 0 && isWhitespace(line[0])) return "a header line starts with whitespace (obsolete line folding)";
        if (line.find(':', colon) == std::string_view::npos) return "a header line has no colon";
        if (isWhitespace(line[colon])) return "whitespace between a header name and its colon";
        return "a header name holds a character that is not a token character";
    }
    if (colon == 0) return "a header line has an empty name";
    std::size_t begin = colon + 1;
    std::size_t end = size;
    while (begin < end && isWhitespace(line[begin])) ++begin;
    while (end > begin && isWhitespace(line[end - 1])) --end;
    for (std::size_t i = begin; i < end; ++i)
    {
        if (!isFieldValueChar(line[i])) return "a header value holds a control character";
    }
    name = line.substr(0, colon);
    value = line.substr(begin, end - begin);
    return nullptr;
}

bool HttpSyntax::listContains(std::string_view list, std::string_view token)
{
    bool found = false;
    forEachElement(list, [&](std::string_view element) {
        found = sameHeaderName(element, token);
        return !found;
    });
    return found;
}

bool HttpSyntax::parseDecimal(std::string_view text, std::uint64_t& value)
{
    if (text.empty()) return false;
    std::uint64_t result = 0;
    for (char c : text)
    {
        if (c < '0' || c > '9') return false;
        std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
        if (result > (UINT64_MAX - digit) / 10) return false;
        result = result * 10 + digit;
    }
    value = result;
    return true;
}

bool HttpSyntax::parseHex(std::string_view text, std::uint64_t& value)
{
    if (text.empty()) return false;
    std::uint64_t result = 0;
    for (char c : text)
    {
        if (!isHexDigit(c)) return false;
        if (result > (UINT64_MAX >> 4)) return false;
        std::uint64_t digit = c <= '9' ? static_cast<std::uint64_t>(c - '0') : static_cast<std::uint64_t>((c | 0x20) - 'a' + 10);
        result = (result << 4) | digit;
    }
    value = result;
    return true;
}

bool HttpSyntax::isChunkExtensions(std::string_view text)
{
    const std::size_t size = text.size();
    std::size_t i = 0;
    auto skipWhitespace = [&] {
        while (i < size && isWhitespace(text[i])) ++i;
    };
    auto token = [&] {
        std::size_t begin = i;
        while (i < size && isTokenChar(text[i])) ++i;
        return i > begin;
    };
    auto quotedString = [&] {
        if (i >= size || text[i] != '"') return false;
        for (++i; i < size; ++i)
        {
            char c = text[i];
            if (c == '"')
            {
                ++i;
                return true;
            }
            if (c == '\\')
            {
                if (++i >= size || !isFieldValueChar(text[i])) return false;
            }
            else if (!isFieldValueChar(c))
                return false;
        }
        return false;
    };
    for (;;)
    {
        if (i == size) return true;
        skipWhitespace();
        if (i == size || text[i] != ';') return false;
        ++i;
        skipWhitespace();
        if (!token()) return false;
        skipWhitespace();
        if (i < size && text[i] == '=')
        {
            ++i;
            skipWhitespace();
            if (!token() && !quotedString()) return false;
        }
    }
}

std::string HttpSyntax::printable(std::string_view text, std::size_t maxLength)
{
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : text.substr(0, maxLength))
    {
        unsigned char byte = static_cast<unsigned char>(c);
        if (byte >= 0x21 && byte <= 0x7e && c != '\\')
            out += c;
        else
        {
            out += "\\x";
            out += hex[byte >> 4];
            out += hex[byte & 15];
        }
    }
    if (text.size() > maxLength) out += "...";
    return out;
}

} // namespace terrarium
