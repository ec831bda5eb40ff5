#ifndef Terrarium_RequestHeadParser_INCLUDED
#define Terrarium_RequestHeadParser_INCLUDED

#include "config/Config.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace terrarium {

class HttpReply;
struct IncomingRequest;

/// Parses the head of a request (request line and header fields, RFC 9112 2-5) strictly,
/// directly over a connection's buffer and incrementally: each line is checked as soon as its LF
/// arrives, so a bad line is refused at once, and no line is checked twice.
///
/// Lines end in CRLF (a bare LF is 400). The request line is method (1*tchar, at most 32), one SP,
/// a target of VCHAR and obs-text, one SP and "HTTP/" DIGIT "." DIGIT; another major version is
/// 505. A field line is a name of tchar, a colon right after it, and a value of VCHAR, obs-text,
/// SP and HTAB with the surrounding OWS trimmed; anything else (whitespace before the colon, a
/// line without a colon, folding, a control character) is 400. Field names over 256 bytes,
/// values over 8192 bytes, more than 100 fields, or a head over max_header_bytes are 431.
class RequestHeadParser
{
public:
    enum class Result
    {
        NeedMore,  /// the head is not complete yet: read more and call again with the same start
        Complete,  /// request holds the head; headBytes says how long it was
        Failed     /// failure holds the error to answer
    };

    static const std::size_t maxMethodLength = 32;        /// longer: 400
    static const std::size_t maxFieldNameLength = 256;    /// longer: 431
    static const std::size_t maxFieldValueLength = 8192;  /// longer: 431
    static const std::size_t maxFieldCount = 100;         /// more: 431

    /// A parser held to limits.maxHeaderBytes (kept by reference).
    explicit RequestHeadParser(const LimitsConfig& limits);

    /// Goes on parsing the head that starts at buffer[start] (bytes before start may go away
    /// between calls, the head may not). On Complete, sets method, target, version ("HTTP/1.0" or
    /// "HTTP/1.1"; a later 1.x is served as 1.1) and headers of request, sets headBytes to the
    /// length of the head with its empty line, and is ready for the next head.
    Result parse(const std::string& buffer, std::size_t start, IncomingRequest& request, HttpReply& failure, std::size_t& headBytes);

    /// Forgets a partly parsed head.
    void reset();

private:
    /// Where a part of the head lies, as offsets from its first byte.
    struct Span
    {
        std::uint32_t offset = 0;
        std::uint32_t length = 0;
    };

    struct Field
    {
        Span name;
        Span value;
    };

    bool parseRequestLine(std::string_view line, HttpReply& failure);
    bool parseFieldLine(std::string_view line, std::size_t offset, HttpReply& failure);
    void fill(const char* head, IncomingRequest& request) const;

    const LimitsConfig& _limits;
    std::size_t _scanned = 0;   /// bytes of the head checked so far (whole lines)
    bool _requestLineSeen = false;
    Span _method;
    Span _target;
    bool _http10 = false;
    std::vector<Field> _fields;
};

} // namespace terrarium

#endif
