#include "logging/JsonObjectWriter.h"

#include <Poco/JSONString.h>
#include <Poco/TextConverter.h>
#include <Poco/UTF8Encoding.h>

#include <algorithm>

namespace terrarium {

JsonObjectWriter::JsonObjectWriter() : _text("{")
{
}

void JsonObjectWriter::addString(const std::string& key, const std::string& value)
{
    addKey(key);
    _text += quote(value);
}

void JsonObjectWriter::addNumber(const std::string& key, const std::string& numberText)
{
    addKey(key);
    _text += numberText;
}

void JsonObjectWriter::addJson(const std::string& key, const std::string& json)
{
    addKey(key);
    _text += json;
}

bool JsonObjectWriter::contains(const std::string& key) const
{
    return std::find(_keys.begin(), _keys.end(), key) != _keys.end();
}

std::string JsonObjectWriter::str()
{
    _text += '}';
    return std::move(_text);
}

std::string JsonObjectWriter::quote(const std::string& text)
{
    const bool ascii = std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    return Poco::toJSON(ascii ? text : validUtf8(text), Poco::JSON_WRAP_STRINGS);
}

std::string JsonObjectWriter::validUtf8(const std::string& text)
{
    Poco::UTF8Encoding utf8;
    Poco::TextConverter converter(utf8, utf8, 0xFFFD);
    std::string valid;
    converter.convert(text, valid);
    return valid;
}

void JsonObjectWriter::addKey(const std::string& key)
{
    if (!_keys.empty())
        _text += ',';
    _keys.push_back(key);
    _text += quote(key);
    _text += ':';
}

} // namespace terrarium
