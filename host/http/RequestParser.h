#ifndef Terrarium_RequestParser_INCLUDED
#define Terrarium_RequestParser_INCLUDED

#include "config/Config.h"
#include "http/BodyPolicy.h"
#include "http/RequestHeadParser.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace terrarium {

class HttpReply;
struct IncomingRequest;

/// Parses HTTP/1.1 requests incrementally from a connection's input buffer, as bytes arrive:
/// the head (RequestHeadParser), then a Content-Length or chunked body (extensions and trailers
/// checked and skipped), framed as RFC 9112 6 demands so that no body can pass for a request.
/// Enforces the limits: a header block over maxHeaderBytes is 431, a declared or decoded body
/// over maxBodyBytes is 413 (refused as soon as it is known, without reading the rest), a
/// malformed request is 400 (a Content-Length that is not 1*DIGIT or beyond 2^64 - 1, a chunk
/// size that is not 1*HEXDIG, a Transfer-Encoding whose final coding is not chunked, an HTTP/1.1
/// request without exactly one Host), another coding before chunked is 501, another HTTP major
/// version 505. The target is taken apart by RequestTarget (path normalised, absolute-form
/// authority routing instead of Host). Empty lines (CRLF) between requests are skipped. Each
/// refusal is logged. With spooling set up, the body of a request whose BodyPolicy spools goes,
/// above its threshold, into a SpoolFile as it arrives (IncomingRequest::bodyFile, published once
/// complete) and is bounded by the policy's limit instead of maxBodyBytes; a spool file that
/// cannot be written is 507 (disk or quota full) or 500. One parser per connection; not
/// thread-safe.
class RequestParser
{
public:
    /// Says where the body of request goes; asked once its headers are complete, only for a
    /// request with a body.
    using BodyPolicyLookup = std::function<BodyPolicy(const IncomingRequest& request)>;

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

    /// The subject of the client's TLS certificate, copied into each request from now on.
    void setClientCertificate(const std::string& subject) { _clientCertificate = subject; }

    /// Spools the bodies lookup says to into files of directory (which must exist). Without
    /// (the default) every body is held in memory.
    void setSpooling(BodyPolicyLookup lookup, std::string directory);

    /// True while the body of the current request goes to a spool file.
    bool spooling() const { return _spooling; }

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
    Result complete(IncomingRequest& request, HttpReply& failure);
    Result fail(HttpReply& failure, int status, const char* code, const std::string& message);
    bool takeBody(const char* data, std::size_t size, IncomingRequest& request, HttpReply& failure);
    bool startSpool(IncomingRequest& request, HttpReply& failure);
    bool spoolFailed(const std::exception& error, HttpReply& failure);
    bool takeTarget(IncomingRequest& request, HttpReply& failure);
    bool takeFraming(const std::string& buffer, std::size_t start, IncomingRequest& request, HttpReply& failure);
    Result parseChunkLine(const std::string& buffer, std::size_t& start, IncomingRequest& request, HttpReply& failure);

    const LimitsConfig& _limits;
    RequestHeadParser _head;
    std::string _peer;
    std::string _listener;
    std::string _clientCertificate;
    State _state = State::Idle;
    std::size_t _remaining = 0;     /// Body: bytes still to come; ChunkData: bytes of the chunk still to come
    std::size_t _trailerBytes = 0;  /// Trailers: bytes of the trailer section so far
    bool _expectContinue = false;
    bool _continueSent = false;

    BodyPolicyLookup _bodyPolicyLookup;
    std::string _spoolDirectory;
    BodyPolicy _bodyPolicy;            /// of the current request
    std::uint64_t _bodyLimit = 0;      /// the largest body of the current request
    std::uint64_t _bodyReceived = 0;   /// body bytes of the current request so far (de-chunked)
    bool _spooling = false;
};

} // namespace terrarium

#endif
