#ifndef Terrarium_JsonObjectWriter_INCLUDED
#define Terrarium_JsonObjectWriter_INCLUDED

#include <string>
#include <vector>

namespace terrarium {

/// Builds one compact JSON object as text, member by member, without a document tree (log
/// records are rendered on every write). Keys and string values are first made valid UTF-8
/// (an invalid byte sequence becomes U+FFFD) and then escaped by Poco::toJSON, so quotes,
/// backslashes, newlines and every control character come out escaped.
class JsonObjectWriter
{
public:
    /// An empty object.
    JsonObjectWriter();

    /// Adds key with a string value.
    void addString(const std::string& key, const std::string& value);

    /// Adds key with numberText, which must already be a JSON number.
    void addNumber(const std::string& key, const std::string& numberText);

    /// Adds key with json, which must already be a JSON value (e.g. another writer's text).
    void addJson(const std::string& key, const std::string& json);

    /// True when key was added already.
    bool contains(const std::string& key) const;

    /// The object's text ("{...}"); the writer is finished.
    std::string str();

    /// text as a quoted JSON string literal (valid UTF-8, escaped).
    static std::string quote(const std::string& text);

    /// text with every invalid UTF-8 sequence replaced by U+FFFD.
    static std::string validUtf8(const std::string& text);

private:
    void addKey(const std::string& key);

    std::string _text;
    std::vector<std::string> _keys;
};

} // namespace terrarium

#endif
