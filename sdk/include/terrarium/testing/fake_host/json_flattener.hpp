// Terrarium plugin SDK, part of the fake host (include <terrarium/testing/fake_host.hpp>, not this):
// the JSON reader that turns a FakeHost's configuration into the flat keys config_get answers.
#ifndef TERRARIUM_TESTING_FAKE_HOST_JSON_FLATTENER_HPP
#define TERRARIUM_TESTING_FAKE_HOST_JSON_FLATTENER_HPP

#include "terrarium/testing/fake_host/common.hpp"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace terrarium {
namespace testing {
namespace detail {

/// Flattens a JSON object into '.'-separated keys: scalars as text, objects and arrays as their
/// JSON text, "" as the whole object. Throws std::invalid_argument on malformed JSON.
class JsonFlattener {
public:
    /// Parses text (must be one JSON object) into out.
    static void flatten(std::string_view text, FlatConfig& out)
    {
        JsonFlattener parser(text, out);
        parser.skipSpace();
        if (parser.peek() != '{') parser.fail("the configuration must be a JSON object");
        parser.value("", 0);
        parser.skipSpace();
        if (parser._pos != text.size()) parser.fail("trailing characters after the JSON object");
    }

private:
    JsonFlattener(std::string_view text, FlatConfig& out) : _text(text), _out(out) {}

    [[noreturn]] void fail(const std::string& what) const
    {
        throw std::invalid_argument("FakeHost config: " + what + " at offset " + std::to_string(_pos));
    }
    char peek() const noexcept { return _pos < _text.size() ? _text[_pos] : '\0'; }
    void skipSpace() noexcept
    {
        while (_pos < _text.size() && (_text[_pos] == ' ' || _text[_pos] == '\t' || _text[_pos] == '\n' || _text[_pos] == '\r'))
            ++_pos;
    }
    void expect(char c)
    {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++_pos;
    }
    static std::string child(const std::string& parent, const std::string& name) { return parent.empty() ? name : parent + "." + name; }

    void value(const std::string& key, int depth)
    {
        if (depth > 64) fail("nesting too deep");
        skipSpace();
        size_t start = _pos;
        char c = peek();
        if (c == '{') {
            object(key, depth);
            _out[key] = std::string(_text.substr(start, _pos - start));
        } else if (c == '[') {
            array(key, depth);
            _out[key] = std::string(_text.substr(start, _pos - start));
        } else if (c == '"') {
            _out[key] = string();
        } else if (literal("true")) {
            _out[key] = "true";
        } else if (literal("false")) {
            _out[key] = "false";
        } else if (literal("null")) {
            _out.erase(key);   // null means absent
        } else {
            number();
            _out[key] = std::string(_text.substr(start, _pos - start));
        }
    }
    void object(const std::string& key, int depth)
    {
        expect('{');
        skipSpace();
        if (peek() == '}') {
            ++_pos;
            return;
        }
        for (;;) {
            skipSpace();
            if (peek() != '"') fail("expected a member name");
            std::string name = string();
            skipSpace();
            expect(':');
            value(child(key, name), depth + 1);
            skipSpace();
            if (peek() == ',') {
                ++_pos;
                continue;
            }
            expect('}');
            return;
        }
    }
    void array(const std::string& key, int depth)
    {
        expect('[');
        skipSpace();
        if (peek() == ']') {
            ++_pos;
            return;
        }
        for (size_t index = 0;; ++index) {
            value(child(key, std::to_string(index)), depth + 1);
            skipSpace();
            if (peek() == ',') {
                ++_pos;
                continue;
            }
            expect(']');
            return;
        }
    }
    bool literal(std::string_view word) noexcept
    {
        if (_text.substr(_pos, word.size()) != word) return false;
        _pos += word.size();
        return true;
    }
    bool digits()
    {
        size_t start = _pos;
        while (peek() >= '0' && peek() <= '9') ++_pos;
        return _pos > start;
    }
    void number()
    {
        if (peek() == '-') ++_pos;
        if (peek() == '0') {
            ++_pos;
        } else if (!digits()) {
            fail("unexpected character");
        }
        if (peek() == '.') {
            ++_pos;
            if (!digits()) fail("malformed number");
        }
        if (peek() == 'e' || peek() == 'E') {
            ++_pos;
            if (peek() == '+' || peek() == '-') ++_pos;
            if (!digits()) fail("malformed number");
        }
    }
    unsigned hex4()
    {
        if (_pos + 4 > _text.size()) fail("truncated \\u escape");
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            char c = _text[_pos++];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
            else fail("malformed \\u escape");
        }
        return v;
    }
    static void appendUtf8(std::string& out, unsigned cp)
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
    std::string string()
    {
        expect('"');
        std::string out;
        for (;;) {
            if (_pos >= _text.size()) fail("unterminated string");
            char c = _text[_pos++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (_pos >= _text.size()) fail("unterminated string");
            char e = _text[_pos++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                unsigned cp = hex4();
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (!literal("\\u")) fail("lone surrogate");
                    unsigned low = hex4();
                    if (low < 0xDC00 || low > 0xDFFF) fail("lone surrogate");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    fail("lone surrogate");
                }
                appendUtf8(out, cp);
                break;
            }
            default: fail("unknown escape");
            }
        }
    }

    std::string_view _text;
    FlatConfig& _out;
    size_t _pos = 0;
};

} // namespace detail
} // namespace testing
} // namespace terrarium

#endif // TERRARIUM_TESTING_FAKE_HOST_JSON_FLATTENER_HPP
