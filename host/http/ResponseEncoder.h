#ifndef Terrarium_ResponseEncoder_INCLUDED
#define Terrarium_ResponseEncoder_INCLUDED

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace terrarium {

class HttpReply;
struct IncomingRequest;

/// Turns an HttpReply into HTTP/1.1 bytes: the status line, the reply's headers (framing
/// headers are the encoder's: Content-Length, Transfer-Encoding, Connection), X-Request-Id,
/// Date, and the body framing. A reply that asks for "Transfer-Encoding: chunked" is sent
/// chunked to HTTP/1.1 clients (unless its body is a file); every other body gets a
/// Content-Length (a file body: the length of its range). HEAD, 1xx, 204 and 304 answers carry
/// no body.
class ResponseEncoder
{
public:
    /// How the body follows the head.
    enum class Framing
    {
        None,           /// no body bytes at all
        Length,         /// the body as it is, after a Content-Length header
        Chunked         /// the body as one chunk and the last chunk (chunkPrefix(), chunkSuffix())
    };

    /// Headers a listener adds to every answer (e.g. CORS), in order.
    using Headers = std::vector<std::pair<std::string, std::string>>;

    /// Writes the head of reply into out (replacing its content) and says how the body follows.
    /// request may be null (an error answered before a request was complete). listenerHeaders
    /// (may be null) follow the reply's own headers, each unless the reply has one of that name.
    static Framing head(const IncomingRequest* request, const HttpReply& reply, bool keepAlive, std::string& out,
                        const Headers* listenerHeaders = nullptr);

    /// "<hex size>\r\n" before a chunk of size bytes (nothing for an empty body).
    static std::string chunkPrefix(std::size_t size);

    /// After the chunk: "\r\n0\r\n\r\n" (only "0\r\n\r\n" for an empty body).
    static std::string_view chunkSuffix(std::size_t size);

    /// The cached Date header value for now (formatted once per second per thread).
    static const std::string& date();
};

} // namespace terrarium

#endif
