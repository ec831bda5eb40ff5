#ifndef Terrarium_JsonChecker_INCLUDED
#define Terrarium_JsonChecker_INCLUDED

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace terrarium {

/// A strict JSON syntax checker for config files: it finds what Poco's parser does not report,
/// the line and column of a syntax error and duplicate object keys (with their dotted path).
class JsonChecker
{
public:
    /// A problem at a position of the text.
    struct Issue
    {
        std::size_t line = 0;     /// 1-based
        std::size_t column = 0;   /// 1-based, in bytes
        std::string path;         /// dotted path of the key concerned ("limits.max_body_bytes"); may be empty
        std::string message;      /// what is wrong
    };

    /// The result of check(): the first syntax error (scanning stops there) and the first
    /// duplicate key found before it.
    struct Result
    {
        std::optional<Issue> syntaxError;   /// the text is not valid JSON
        std::optional<Issue> duplicateKey;  /// an object defines a key twice
    };

    /// Checks text, which must hold exactly one JSON value.
    static Result check(std::string_view text);

private:
    struct Failure {};

    explicit JsonChecker(std::string_view text);

    void value(const std::string& path, unsigned depth);
    void object(const std::string& path, unsigned depth);
    void array(const std::string& path, unsigned depth);
    std::string string();
    void number();
    void literal(std::string_view word);
    void skipWhitespace();
    [[noreturn]] void fail(const std::string& message, const std::string& path = std::string());
    Issue issueAt(std::size_t position, const std::string& path, const std::string& message) const;

    std::string_view _text;
    std::size_t _pos = 0;
    Result _result;
};

} // namespace terrarium

#endif
