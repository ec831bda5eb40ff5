// ResponseEncoder: the status line, which framing headers a reply gets (Content-Length, chunked,
// none), HEAD/1xx/204/304 without a body, chunked only for HTTP/1.1, X-Request-Id and
// Connection: close; file bodies (their range's length, the descriptor owned by the reply).
#include "http/HttpReply.h"
#include "http/IncomingRequest.h"
#include "http/ResponseEncoder.h"

#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <catch2/catch.hpp>

#include <cerrno>
#include <map>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

using terrarium::HttpReply;
using terrarium::IncomingRequest;
using terrarium::ResponseEncoder;
using Framing = terrarium::ResponseEncoder::Framing;

namespace {

IncomingRequest request(const std::string& method = "GET", const std::string& version = "HTTP/1.1", const std::string& requestId = "")
{
    IncomingRequest r;
    r.method = method;
    r.target = "/x";
    r.path = "/x";
    r.version = version;
    r.requestId = requestId;
    return r;
}

/// An encoded head taken apart.
struct Head
{
    std::string statusLine;
    std::vector<std::pair<std::string, std::string>> headers;   /// in order, names as written

    /// How many headers of that name (case-insensitive).
    std::size_t count(const std::string& name) const
    {
        std::size_t n = 0;
        for (const auto& h : headers)
            if (Poco::icompare(h.first, name) == 0) ++n;
        return n;
    }

    /// The first value of that name, "" when absent.
    std::string value(const std::string& name) const
    {
        for (const auto& h : headers)
            if (Poco::icompare(h.first, name) == 0) return h.second;
        return "";
    }
};

/// Splits out into status line and headers; FAILs unless it is one well-formed head ending in
/// an empty line.
Head parseHead(const std::string& out)
{
    INFO(out);
    REQUIRE(out.size() >= 4);
    REQUIRE(out.compare(out.size() - 4, 4, "\r\n\r\n") == 0);
    REQUIRE(out.find("\r\n\r\n") == out.size() - 4);
    Head head;
    std::size_t pos = out.find("\r\n");
    head.statusLine = out.substr(0, pos);
    pos += 2;
    while (pos < out.size() - 2)
    {
        std::size_t end = out.find("\r\n", pos);
        std::string line = out.substr(pos, end - pos);
        std::size_t colon = line.find(": ");
        REQUIRE(colon != std::string::npos);
        head.headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
        pos = end + 2;
    }
    return head;
}

/// The whole response as it goes on the wire: head, then the body in the framing given.
std::string wire(const std::string& head, Framing framing, std::string_view body)
{
    std::string out = head;
    if (framing == Framing::Length) out += body;
    if (framing == Framing::Chunked)
    {
        out += ResponseEncoder::chunkPrefix(body.size());
        out += body;
        out += ResponseEncoder::chunkSuffix(body.size());
    }
    return out;
}

/// Decodes a chunked body (the bytes after the head); FAILs when it is not well-formed.
std::string dechunk(std::string encoded)
{
    std::string body;
    for (;;)
    {
        std::size_t end = encoded.find("\r\n");
        REQUIRE(end != std::string::npos);
        std::size_t size = static_cast<std::size_t>(Poco::NumberParser::parseHex64(encoded.substr(0, end)));
        encoded.erase(0, end + 2);
        REQUIRE(encoded.size() >= size + 2);
        body += encoded.substr(0, size);
        CHECK(encoded.compare(size, 2, "\r\n") == 0);
        encoded.erase(0, size + 2);
        if (size == 0) break;
    }
    CHECK(encoded.empty());
    return body;
}

} // namespace

TEST_CASE("encoder: a plain answer has a status line, its headers, Content-Length and Date", "[encoder]")
{
    IncomingRequest r = request();
    HttpReply reply;
    reply.setStatus(404);
    reply.addHeader("Content-Type", "text/plain");
    reply.addHeader("X-Plugin", "echo");
    reply.setBody("not here");
    std::string out;
    CHECK(ResponseEncoder::head(&r, reply, true, out) == Framing::Length);
    Head head = parseHead(out);
    CHECK(head.statusLine == "HTTP/1.1 404 Not Found");
    CHECK(head.value("Content-Type") == "text/plain");
    CHECK(head.value("X-Plugin") == "echo");
    CHECK(head.value("Content-Length") == "8");
    CHECK(head.count("Transfer-Encoding") == 0);
    CHECK(head.count("Connection") == 0);   // keep-alive is HTTP/1.1's default
    CHECK(head.count("Date") == 1);
    CHECK(head.value("Date") == ResponseEncoder::date());
    CHECK(head.value("Date").find("GMT") != std::string::npos);
}

TEST_CASE("encoder: the framing headers are the encoder's, not the reply's", "[encoder]")
{
    IncomingRequest r = request();
    HttpReply reply;
    reply.addHeader("content-length", "999");
    reply.addHeader("Connection", "keep-alive");
    reply.addHeader("Transfer-Encoding", "gzip");
    reply.setBody("12345");
    std::string out;
    CHECK(ResponseEncoder::head(&r, reply, true, out) == Framing::Length);
    Head head = parseHead(out);
    CHECK(head.count("Content-Length") == 1);
    CHECK(head.value("Content-Length") == "5");
    CHECK(head.count("Connection") == 0);
    CHECK(head.count("Transfer-Encoding") == 0);   // only "chunked" is honoured
}

TEST_CASE("encoder: a reply that asks for chunked is chunked for HTTP/1.1 and Content-Length for HTTP/1.0", "[encoder][chunked]")
{
    HttpReply reply;
    reply.addHeader("Content-Type", "text/plain");
    reply.addHeader("transfer-encoding", " Chunked ");
    reply.setBody("hello, chunked world");
    std::string out;

    SECTION("HTTP/1.1")
    {
        IncomingRequest r = request("GET", "HTTP/1.1");
        Framing framing = ResponseEncoder::head(&r, reply, true, out);
        REQUIRE(framing == Framing::Chunked);
        Head head = parseHead(out);
        CHECK(head.count("Transfer-Encoding") == 1);
        CHECK(head.value("Transfer-Encoding") == "chunked");
        CHECK(head.count("Content-Length") == 0);
        std::string bytes = wire(out, framing, reply.body());
        CHECK(dechunk(bytes.substr(out.size())) == "hello, chunked world");
    }
    SECTION("HTTP/1.0 does not know chunked")
    {
        IncomingRequest r = request("GET", "HTTP/1.0");
        Framing framing = ResponseEncoder::head(&r, reply, false, out);
        REQUIRE(framing == Framing::Length);
        Head head = parseHead(out);
        CHECK(head.count("Transfer-Encoding") == 0);
        CHECK(head.value("Content-Length") == "20");
        CHECK(head.value("Connection") == "close");
        CHECK(wire(out, framing, reply.body()).substr(out.size()) == "hello, chunked world");
    }
    SECTION("an error before the request was complete is never chunked")
    {
        Framing framing = ResponseEncoder::head(nullptr, reply, false, out);
        CHECK(framing == Framing::Length);
        CHECK(parseHead(out).value("Content-Length") == "20");
    }
    SECTION("HEAD: the headers of a GET, no body")
    {
        IncomingRequest r = request("HEAD", "HTTP/1.1");
        CHECK(ResponseEncoder::head(&r, reply, true, out) == Framing::None);
        CHECK(parseHead(out).value("Transfer-Encoding") == "chunked");
    }
}

TEST_CASE("encoder: chunk framing of an empty and of a non-empty body", "[encoder][chunked]")
{
    CHECK(ResponseEncoder::chunkPrefix(0).empty());
    CHECK(ResponseEncoder::chunkSuffix(0) == "0\r\n\r\n");
    CHECK(ResponseEncoder::chunkSuffix(5) == "\r\n0\r\n\r\n");
    for (std::size_t size : {1u, 9u, 10u, 15u, 16u, 255u, 4096u, 1000000u})
    {
        INFO(size);
        std::string prefix = ResponseEncoder::chunkPrefix(size);
        REQUIRE(prefix.size() > 2);
        CHECK(prefix.compare(prefix.size() - 2, 2, "\r\n") == 0);
        CHECK(Poco::NumberParser::parseHex64(prefix.substr(0, prefix.size() - 2)) == size);
    }
    IncomingRequest r = request();
    HttpReply reply;
    reply.addHeader("Transfer-Encoding", "chunked");
    std::string out;
    Framing framing = ResponseEncoder::head(&r, reply, true, out);
    REQUIRE(framing == Framing::Chunked);
    CHECK(wire(out, framing, "").substr(out.size()) == "0\r\n\r\n");
}

TEST_CASE("encoder: HEAD, 1xx, 204 and 304 carry no body", "[encoder]")
{
    std::string out;
    SECTION("HEAD keeps the Content-Length of the GET")
    {
        IncomingRequest r = request("HEAD");
        HttpReply reply;
        reply.setBody("twelve bytes");
        CHECK(ResponseEncoder::head(&r, reply, true, out) == Framing::None);
        CHECK(parseHead(out).value("Content-Length") == "12");
    }
    SECTION("204 has neither Content-Length nor Transfer-Encoding")
    {
        IncomingRequest r = request();
        HttpReply reply;
        reply.setStatus(204);
        reply.addHeader("Transfer-Encoding", "chunked");
        reply.setBody("dropped");
        CHECK(ResponseEncoder::head(&r, reply, true, out) == Framing::None);
        Head head = parseHead(out);
        CHECK(head.statusLine == "HTTP/1.1 204 No Content");
        CHECK(head.count("Content-Length") == 0);
        CHECK(head.count("Transfer-Encoding") == 0);
    }
    SECTION("304 is never chunked")
    {
        IncomingRequest r = request();
        HttpReply reply;
        reply.setStatus(304);
        reply.addHeader("Transfer-Encoding", "chunked");
        CHECK(ResponseEncoder::head(&r, reply, true, out) == Framing::None);
        Head head = parseHead(out);
        CHECK(head.statusLine == "HTTP/1.1 304 Not Modified");
        CHECK(head.count("Transfer-Encoding") == 0);
        CHECK(head.count("Content-Length") == 0);   // not a wrong 0: the 200's length is unknown here
    }
    SECTION("304 states the length the plugin declared (the 200's)")
    {
        IncomingRequest r = request();
        HttpReply reply;
        reply.setStatus(304);
        reply.addHeader("Content-Length", "4096");
        CHECK(ResponseEncoder::head(&r, reply, true, out) == Framing::None);
        CHECK(parseHead(out).value("Content-Length") == "4096");
    }
    SECTION("HEAD answered without a body keeps the declared Content-Length")
    {
        IncomingRequest r = request("HEAD");
        HttpReply reply;
        reply.addHeader("Content-Length", "1048576");
        CHECK(ResponseEncoder::head(&r, reply, true, out) == Framing::None);
        CHECK(parseHead(out).value("Content-Length") == "1048576");
    }
    SECTION("1xx")
    {
        IncomingRequest r = request();
        HttpReply reply;
        reply.setStatus(103);
        CHECK(ResponseEncoder::head(&r, reply, true, out) == Framing::None);
        Head head = parseHead(out);
        CHECK(head.statusLine.rfind("HTTP/1.1 103 ", 0) == 0);
        CHECK(head.count("Content-Length") == 0);
    }
}

TEST_CASE("encoder: X-Request-Id is the request's unless the reply set one", "[encoder]")
{
    std::string out;
    HttpReply reply;
    IncomingRequest withId = request("GET", "HTTP/1.1", "req-123");
    ResponseEncoder::head(&withId, reply, true, out);
    CHECK(parseHead(out).value("X-Request-Id") == "req-123");

    HttpReply own;
    own.addHeader("x-request-id", "plugin-chose");
    ResponseEncoder::head(&withId, own, true, out);
    Head head = parseHead(out);
    CHECK(head.count("X-Request-Id") == 1);
    CHECK(head.value("X-Request-Id") == "plugin-chose");

    IncomingRequest withoutId = request();
    ResponseEncoder::head(&withoutId, reply, true, out);
    CHECK(parseHead(out).count("X-Request-Id") == 0);
    ResponseEncoder::head(nullptr, reply, false, out);
    CHECK(parseHead(out).count("X-Request-Id") == 0);
}

TEST_CASE("encoder: Connection: close exactly when the connection will not be kept", "[encoder]")
{
    IncomingRequest r = request();
    HttpReply reply;
    std::string out;
    ResponseEncoder::head(&r, reply, false, out);
    CHECK(parseHead(out).value("Connection") == "close");
    ResponseEncoder::head(&r, reply, true, out);
    CHECK(parseHead(out).count("Connection") == 0);

    // An HTTP/1.0 client that asked to keep the connection is told it is kept.
    IncomingRequest old = request();
    old.version = "HTTP/1.0";
    ResponseEncoder::head(&old, reply, true, out);
    CHECK(parseHead(out).value("Connection") == "keep-alive");
    ResponseEncoder::head(&old, reply, false, out);
    CHECK(parseHead(out).value("Connection") == "close");

    HttpReply error;
    error.error(503, "overloaded", "try again later");
    error.addHeader("Retry-After", "1");
    ResponseEncoder::head(&r, error, false, out);
    Head head = parseHead(out);
    CHECK(head.statusLine == "HTTP/1.1 503 Service Unavailable");
    CHECK(head.value("Retry-After") == "1");
    CHECK(head.value("Content-Type") == "application/json");
    CHECK(head.value("Connection") == "close");
    CHECK(head.value("Content-Length") == std::to_string(error.body().size()));
}

TEST_CASE("encoder: head() replaces what out held", "[encoder]")
{
    IncomingRequest r = request();
    HttpReply reply;
    std::string out = "left over from the previous answer";
    ResponseEncoder::head(&r, reply, true, out);
    CHECK(out.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
}

TEST_CASE("encoder: a listener's headers follow the reply's own, unless the reply has one of that name", "[encoder][listener-headers]")
{
    const ResponseEncoder::Headers cors = {{"Access-Control-Allow-Origin", "*"}, {"Access-Control-Allow-Methods", "GET, POST"}};
    IncomingRequest r = request();
    std::string out;

    HttpReply plain;
    plain.setBody("x");
    CHECK(ResponseEncoder::head(&r, plain, true, out, &cors) == Framing::Length);
    Head head = parseHead(out);
    CHECK(head.value("Access-Control-Allow-Origin") == "*");
    CHECK(head.value("Access-Control-Allow-Methods") == "GET, POST");

    HttpReply own;
    own.addHeader("access-control-allow-origin", "https://app.example");
    ResponseEncoder::head(&r, own, true, out, &cors);
    head = parseHead(out);
    CHECK(head.count("Access-Control-Allow-Origin") == 1);
    CHECK(head.value("Access-Control-Allow-Origin") == "https://app.example");
    CHECK(head.value("Access-Control-Allow-Methods") == "GET, POST");

    // An error answered before the request was complete gets them too; none without a list.
    HttpReply error;
    error.error(400, "bad_request", "bad");
    ResponseEncoder::head(nullptr, error, false, out, &cors);
    CHECK(parseHead(out).value("Access-Control-Allow-Origin") == "*");
    ResponseEncoder::head(nullptr, error, false, out);
    CHECK(parseHead(out).count("Access-Control-Allow-Origin") == 0);
}

TEST_CASE("encoder: a file body gets Content-Length = its range's length, never chunked, and no body for HEAD", "[encoder][file]")
{
    char path[] = "/tmp/terrarium-encoder-XXXXXX";
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::unlink(path);
    REQUIRE(::write(fd, "0123456789", 10) == 10);

    IncomingRequest r = request();
    HttpReply reply;
    reply.setStatus(206);
    reply.addHeader("Content-Range", "bytes 2-5/10");
    reply.addHeader("Transfer-Encoding", "chunked");   // a file is never sent chunked
    reply.addHeader("Content-Length", "999");          // the host's framing wins
    reply.sendFile(fd, 2, 4);
    CHECK(reply.hasFile());
    CHECK(reply.bodySize() == 4);
    CHECK(reply.body().empty());
    std::string out;
    CHECK(ResponseEncoder::head(&r, reply, true, out) == Framing::Length);
    Head head = parseHead(out);
    CHECK(head.statusLine == "HTTP/1.1 206 Partial Content");
    CHECK(head.value("Content-Range") == "bytes 2-5/10");
    CHECK(head.count("Content-Length") == 1);
    CHECK(head.value("Content-Length") == "4");
    CHECK(head.count("Transfer-Encoding") == 0);

    IncomingRequest headRequest = request("HEAD");
    CHECK(ResponseEncoder::head(&headRequest, reply, true, out) == Framing::None);
    CHECK(parseHead(out).value("Content-Length") == "4");

    std::string bytes;
    CHECK(reply.readFile(bytes, 100));
    CHECK(bytes == "2345");
    CHECK_FALSE(reply.readFile(bytes, 3));   // above the limit

    reply.reset();   // the reply owns the descriptor: gone with the body
    CHECK(::fcntl(fd, F_GETFD) == -1);
    CHECK(errno == EBADF);
}
