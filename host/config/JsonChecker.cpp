#include "config/JsonChecker.h"

#include <Poco/UTF8Encoding.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>

namespace terrarium {

namespace {

constexpr unsigned MAX_DEPTH = 512;

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void appendUtf8(std::string& out, std::uint32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

/// An integer literal (optional '-', digits) that a 64-bit integer holds, as Poco's parser needs:
/// up to 2^64 - 1, down to -2^63.
bool fitsInteger(std::string_view literal)
{
    const bool negative = !literal.empty() && literal[0] == '-';
    std::string_view digits = negative ? literal.substr(1) : literal;
    const std::string_view limit = negative ? "9223372036854775808" : "18446744073709551615";
    if (digits.size() != limit.size()) return digits.size() < limit.size();
    return digits <= limit;
}

std::string describeChar(char c)
{
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F) {
        static const char* hex = "0123456789abcdef";
        return std::string("byte 0x") + hex[u >> 4] + hex[u & 0xF];
    }
    return std::string("'") + c + "'";
}

} // namespace

JsonChecker::JsonChecker(std::string_view text) : _text(text)
{
}

JsonChecker::Result JsonChecker::check(std::string_view text)
{
    JsonChecker checker(text);
    try {
        checker.skipWhitespace();
        checker.value(std::string(), 0);
        checker.skipWhitespace();
        if (checker._pos < text.size())
            checker.fail("unexpected " + describeChar(text[checker._pos]) + " after the end of the JSON value");
    } catch (const Failure&) {
    }
    return checker._result;
}

void JsonChecker::value(const std::string& path, unsigned depth)
{
    if (depth > MAX_DEPTH)
        fail("nested too deeply", path);
    skipWhitespace();
    if (_pos >= _text.size())
        fail("unexpected end of text; expected a value", path);
    char c = _text[_pos];
    switch (c) {
    case '{': object(path, depth); break;
    case '[': array(path, depth); break;
    case '"': string(); break;
    case 't': literal("true"); break;
    case 'f': literal("false"); break;
    case 'n': literal("null"); break;
    default:
        if (c == '-' || isDigit(c))
            number();
        else
            fail("unexpected " + describeChar(c) + "; expected a value", path);
    }
}

void JsonChecker::object(const std::string& path, unsigned depth)
{
    ++_pos;   // '{'
    std::map<std::string, std::size_t> keys;   // key -> position of its first definition
    skipWhitespace();
    if (_pos < _text.size() && _text[_pos] == '}') {
        ++_pos;
        return;
    }
    for (;;) {
        skipWhitespace();
        if (_pos >= _text.size() || _text[_pos] != '"')
            fail(_pos >= _text.size() ? "unexpected end of text; expected a member name"
                                      : "unexpected " + describeChar(_text[_pos]) + "; expected a member name in double quotes", path);
        std::size_t keyPos = _pos;
        std::string key = string();
        std::string memberPath = path.empty() ? key : path + "." + key;
        auto inserted = keys.emplace(key, keyPos);
        if (!inserted.second && !_result.duplicateKey) {
            Issue first = issueAt(inserted.first->second, memberPath, std::string());
            _result.duplicateKey = issueAt(keyPos, memberPath,
                "duplicate key (first defined at line " + std::to_string(first.line) + ", column " + std::to_string(first.column) + ")");
        }
        skipWhitespace();
        if (_pos >= _text.size() || _text[_pos] != ':')
            fail(_pos >= _text.size() ? "unexpected end of text; expected ':'"
                                      : "unexpected " + describeChar(_text[_pos]) + "; expected ':' after the member name", memberPath);
        ++_pos;
        value(memberPath, depth + 1);
        skipWhitespace();
        if (_pos < _text.size() && _text[_pos] == ',') {
            ++_pos;
            continue;
        }
        if (_pos < _text.size() && _text[_pos] == '}') {
            ++_pos;
            return;
        }
        fail(_pos >= _text.size() ? "unexpected end of text; expected ',' or '}'"
                                  : "unexpected " + describeChar(_text[_pos]) + "; expected ',' or '}'", path);
    }
}

void JsonChecker::array(const std::string& path, unsigned depth)
{
    ++_pos;   // '['
    skipWhitespace();
    if (_pos < _text.size() && _text[_pos] == ']') {
        ++_pos;
        return;
    }
    for (std::size_t index = 0;; ++index) {
        value(path + "[" + std::to_string(index) + "]", depth + 1);
        skipWhitespace();
        if (_pos < _text.size() && _text[_pos] == ',') {
            ++_pos;
            continue;
        }
        if (_pos < _text.size() && _text[_pos] == ']') {
            ++_pos;
            return;
        }
        fail(_pos >= _text.size() ? "unexpected end of text; expected ',' or ']'"
                                  : "unexpected " + describeChar(_text[_pos]) + "; expected ',' or ']'", path);
    }
}

std::string JsonChecker::string()
{
    ++_pos;   // '"'
    std::string result;
    while (_pos < _text.size()) {
        char c = _text[_pos];
        if (c == '"') {
            ++_pos;
            return result;
        }
        if (static_cast<unsigned char>(c) < 0x20)
            fail("control character " + describeChar(c) + " in a string; expected an escape such as \\n");
        if (static_cast<unsigned char>(c) >= 0x80) {
            const auto* bytes = reinterpret_cast<const unsigned char*>(_text.data() + _pos);
            const unsigned char lead = bytes[0];
            const int length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            if (length == 1 || _pos + static_cast<std::size_t>(length) > _text.size() || !Poco::UTF8Encoding::isLegal(bytes, length))
                fail("invalid UTF-8 in a string (" + describeChar(c) + "); the file must be UTF-8");
            result.append(_text.data() + _pos, static_cast<std::size_t>(length));
            _pos += static_cast<std::size_t>(length);
            continue;
        }
        if (c != '\\') {
            result += c;
            ++_pos;
            continue;
        }
        if (_pos + 1 >= _text.size())
            break;
        char escape = _text[_pos + 1];
        switch (escape) {
        case '"': result += '"'; break;
        case '\\': result += '\\'; break;
        case '/': result += '/'; break;
        case 'b': result += '\b'; break;
        case 'f': result += '\f'; break;
        case 'n': result += '\n'; break;
        case 'r': result += '\r'; break;
        case 't': result += '\t'; break;
        case 'u': {
            std::uint32_t cp = 0;
            for (std::size_t i = 2; i < 6; ++i) {
                int digit = _pos + i < _text.size() ? hexValue(_text[_pos + i]) : -1;
                if (digit < 0) {
                    _pos += 1;
                    fail("invalid \\u escape; expected four hexadecimal digits");
                }
                cp = cp * 16 + static_cast<std::uint32_t>(digit);
            }
            _pos += 4;   // the two escape characters are skipped below
            appendUtf8(result, cp);   // surrogates are kept as separate code units: good enough for keys
            break;
        }
        default:
            ++_pos;
            fail("invalid escape " + describeChar(escape) + " in a string");
        }
        _pos += 2;
    }
    fail("unexpected end of text in a string; expected '\"'");
}

void JsonChecker::number()
{
    const std::size_t start = _pos;
    if (_text[_pos] == '-')
        ++_pos;
    if (_pos >= _text.size() || !isDigit(_text[_pos]))
        fail("invalid number; expected a digit");
    if (_text[_pos] == '0') {
        ++_pos;
        if (_pos < _text.size() && isDigit(_text[_pos]))
            fail("invalid number; leading zeros are not allowed");
    } else {
        while (_pos < _text.size() && isDigit(_text[_pos])) ++_pos;
    }
    if (_pos < _text.size() && _text[_pos] == '.') {
        ++_pos;
        if (_pos >= _text.size() || !isDigit(_text[_pos]))
            fail("invalid number; expected a digit after '.'");
        while (_pos < _text.size() && isDigit(_text[_pos])) ++_pos;
    }
    if (_pos < _text.size() && (_text[_pos] == 'e' || _text[_pos] == 'E')) {
        ++_pos;
        if (_pos < _text.size() && (_text[_pos] == '+' || _text[_pos] == '-')) ++_pos;
        if (_pos >= _text.size() || !isDigit(_text[_pos]))
            fail("invalid number; expected a digit in the exponent");
        while (_pos < _text.size() && isDigit(_text[_pos])) ++_pos;
    }
    const std::string_view written = _text.substr(start, _pos - start);
    if (written.find_first_of(".eE") == std::string_view::npos) {
        if (!fitsInteger(written)) {
            _pos = start;
            fail("integer too large (beyond 64 bits); write it as a string or use a smaller number");
        }
    } else if (!std::isfinite(std::strtod(std::string(written).c_str(), nullptr))) {
        _pos = start;
        fail("number too large (beyond the range of a double); write it as a string or use a smaller number");
    }
}

void JsonChecker::literal(std::string_view word)
{
    if (_text.substr(_pos, word.size()) != word)
        fail("invalid literal; expected " + std::string(word));
    _pos += word.size();
}

void JsonChecker::skipWhitespace()
{
    while (_pos < _text.size()) {
        char c = _text[_pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        ++_pos;
    }
}

void JsonChecker::fail(const std::string& message, const std::string& path)
{
    _result.syntaxError = issueAt(_pos, path, message);
    throw Failure();
}

JsonChecker::Issue JsonChecker::issueAt(std::size_t position, const std::string& path, const std::string& message) const
{
    Issue issue;
    issue.line = 1;
    std::size_t lineStart = 0;
    for (std::size_t i = 0; i < position && i < _text.size(); ++i) {
        if (_text[i] == '\n') {
            ++issue.line;
            lineStart = i + 1;
        }
    }
    issue.column = position - lineStart + 1;
    issue.path = path;
    issue.message = message;
    return issue;
}

} // namespace terrarium
