#ifndef Terrarium_RequestParser_INCLUDED
#define Terrarium_RequestParser_INCLUDED

#include "config/Config.h"

#include <cstddef>
#include <string>

namespace terrarium {

class HttpReply;
struct IncomingRequest;

/// Parses HTTP/1.1 requests incrementally from a connection's input buffer, as bytes arrive:
/// the request line and headers (Poco's HTTPRequest), then a Content-Length or chunked body
/// (extensions and trailers skipped). Enforces the limits: a header block over maxHeaderBytes is
/// 431, a declared or decoded body over maxBodyBytes is 413 (refused as soon as it is known,
/// without reading the rest), a malformed request is 400, an unsupported Transfer-Encoding 501.
/// Empty lines between pipelined requests are skipped. One parser per connection; not thread-safe.
class RequestParser
{
public:
    enum class Result
    {
        NeedMore,  /// the request is not complete yet: read more and call again
        Complete,  /// request holds a whole request; the next call starts the next one
        Failed     /// failure holds the error to answer; the connection must close after it
    };

    explicit RequestParser(const LimitsConfig& limits);

    /// Consumes bytes of buffer from start on (advancing start) and fills request. peer and
    /// listener are copied into the request.
    Result parse(const std::string& buffer, std::size_t& start, IncomingRequest& request, HttpReply& failure);

    /// True once some byte of the current request has arrived (before: the connection is idle).
    bool started() const { return _state != State::Idle; }

    /// True while the header block is still incomplete.
    bool readingHeaders() const { return _state == State::Idle || _state == State::Headers; }

    /// True when the current request's headers asked for "100 Continue" and its body has not
    /// started to arrive; continueSent() records that the interim answer went out.
    bool wantsContinue() const { return _expectContinue && !_continueSent; }
    void continueSent() { _continueSent = true; }

    /// Forgets a partly parsed request (the connection is being reused or closed).
    void reset();

    /// Where a parsed request comes from, copied into each request.
    void setOrigin(const std::string& peer, const std::string& listener);

private:
    enum class State
    {
        Idle,
        Headers,
        Body,
        ChunkSize,
        ChunkData,
        ChunkEnd,
        Trailers
    };

    Result parseHeaders(const std::string& buffer, std::size_t& start, IncomingRequest& request, HttpReply& failure);
    Result parseBody(const std::string& buffer, std::size_t& start, IncomingRequest& request, HttpReply& failure);
    Result complete();

    const LimitsConfig& _limits;
    std::string _peer;
    std::string _listener;
    State _state = State::Idle;
    std::size_t _remaining = 0;     /// Body: bytes still to come; ChunkData: bytes of the chunk still to come
    bool _expectContinue = false;
    bool _continueSent = false;
};

} // namespace terrarium

#endif
