// RequestParser: incremental parsing (byte by byte equals all at once), pipelining, chunked
// bodies with extensions and trailers, the limits (431, 413), malformed requests (400, 501) and
// the detection of "Expect: 100-continue"; the strict grammar and framing rules of RFC 9112 that
// keep a body from passing for a request; Host, versions, the target's forms and the path
// normalisation.
#include "http/HttpReply.h"
#include "http/IncomingRequest.h"
#include "http/RequestParser.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using terrarium::HttpReply;
using terrarium::IncomingRequest;
using terrarium::LimitsConfig;
using terrarium::RequestParser;

namespace {

/// What parsing a whole input produced.
struct Outcome
{
    std::vector<IncomingRequest> requests;   /// complete requests, in order
    int failedStatus = 0;                    /// status of the failure answer (0: none)
    std::string failedCode;                  /// its "error" field
    std::size_t consumed = 0;                /// bytes the parser consumed
    bool partial = false;                    /// a request had started but was not complete at the end
};

LimitsConfig limits(std::size_t maxHeaderBytes = 4096, std::size_t maxBodyBytes = 1024)
{
    LimitsConfig config;
    config.maxHeaderBytes = maxHeaderBytes;
    config.maxBodyBytes = maxBodyBytes;
    return config;
}

/// Feeds input to one parser, all at once or one byte at a time (calling parse() after every
/// byte, as a connection does when bytes trickle in), and collects what it produced.
Outcome parseInput(const std::string& input, const LimitsConfig& config, bool byteByByte)
{
    RequestParser parser(config);
    parser.setOrigin("127.0.0.1:40000", "main");
    Outcome outcome;
    std::string buffer;
    std::size_t start = 0;
    IncomingRequest request;
    HttpReply failure;
    auto drain = [&] {
        for (;;)
        {
            RequestParser::Result result = parser.parse(buffer, start, request, failure);
            if (result == RequestParser::Result::Complete)
            {
                outcome.requests.push_back(std::move(request));
                request = IncomingRequest();
                continue;
            }
            if (result == RequestParser::Result::Failed)
            {
                outcome.failedStatus = failure.status();
                Poco::JSON::Parser json;
                outcome.failedCode = json.parse(std::string(failure.body())).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("error");
                return false;
            }
            return true;
        }
    };
    if (byteByByte)
    {
        for (char c : input)
        {
            buffer += c;
            if (!drain()) break;
        }
    }
    else
    {
        buffer = input;
        drain();
    }
    outcome.consumed = start;
    outcome.partial = outcome.failedStatus == 0 && parser.started();
    return outcome;
}

Outcome parseAtOnce(const std::string& input, const LimitsConfig& config = limits())
{
    return parseInput(input, config, false);
}

Outcome parseByteByByte(const std::string& input, const LimitsConfig& config = limits())
{
    return parseInput(input, config, true);
}

void requireSameRequest(const IncomingRequest& a, const IncomingRequest& b)
{
    CHECK(a.method == b.method);
    CHECK(a.target == b.target);
    CHECK(a.path == b.path);
    CHECK(a.query == b.query);
    CHECK(a.version == b.version);
    CHECK(a.headers == b.headers);
    CHECK(a.body == b.body);
    CHECK(a.keepAlive == b.keepAlive);
    CHECK(a.clientAddress == b.clientAddress);
    CHECK(a.listener == b.listener);
}

void requireSameOutcome(const Outcome& a, const Outcome& b)
{
    REQUIRE(a.requests.size() == b.requests.size());
    for (std::size_t i = 0; i < a.requests.size(); ++i)
    {
        INFO("request " << i);
        requireSameRequest(a.requests[i], b.requests[i]);
    }
    CHECK(a.failedStatus == b.failedStatus);
    CHECK(a.failedCode == b.failedCode);
    CHECK(a.consumed == b.consumed);
    CHECK(a.partial == b.partial);
}

/// Expects input to fail with status and code, both when it arrives at once and byte by byte.
void expectFailure(const std::string& input, int status, const std::string& code, const LimitsConfig& config = limits())
{
    for (bool byteByByte : {false, true})
    {
        INFO((byteByByte ? "byte by byte" : "at once") << ": " << input.substr(0, 200));
        Outcome outcome = parseInput(input, config, byteByByte);
        CHECK(outcome.requests.empty());
        CHECK(outcome.failedStatus == status);
        CHECK(outcome.failedCode == code);
    }
}

const std::string chunkedWithExtensionsAndTrailers = "POST /upload?x=1 HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                     "5;name=value\r\nhello\r\n"
                                                     "6;a;b=\"c d\"\r\n world\r\n"
                                                     "A\r\n, 10 bytes\r\n"
                                                     "0;last\r\nX-Trailer: one\r\nX-Other: two\r\n\r\n";

} // namespace

TEST_CASE("parser: a GET is split into method, target, path, query, version and headers", "[parser]")
{
    Outcome outcome = parseAtOnce("GET /echo/a%20b?x=1&y=2 HTTP/1.1\r\nHost: test\r\nX-Many: 1\r\nX-Many: 2\r\n\r\n");
    REQUIRE(outcome.requests.size() == 1);
    const IncomingRequest& r = outcome.requests[0];
    CHECK(r.method == "GET");
    CHECK(r.target == "/echo/a%20b?x=1&y=2");
    CHECK(r.path == "/echo/a%20b");
    CHECK(r.query == "x=1&y=2");
    CHECK(r.version == "HTTP/1.1");
    CHECK(r.body.empty());
    CHECK(r.keepAlive);
    CHECK(r.clientAddress == "127.0.0.1:40000");
    CHECK(r.listener == "main");
    REQUIRE(r.header("host") != nullptr);
    CHECK(*r.header("HOST") == "test");
    CHECK(r.headers.size() == 3);
    CHECK_FALSE(outcome.partial);
}

TEST_CASE("parser: absolute-form and asterisk-form targets have a path", "[parser]")
{
    Outcome absolute = parseAtOnce("GET http://example.com:8080/a/b?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n"
                                   "GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n"
                                   "OPTIONS * HTTP/1.1\r\nHost: example.com\r\n\r\n");
    REQUIRE(absolute.requests.size() == 3);
    CHECK(absolute.requests[0].path == "/a/b");
    CHECK(absolute.requests[0].query == "q=1");
    CHECK(absolute.requests[1].path == "/");
    CHECK(absolute.requests[2].path == "*");
}

TEST_CASE("parser: bytes fed one at a time give exactly what they give at once", "[parser][incremental]")
{
    const std::vector<std::pair<const char*, std::string>> inputs = {
        {"GET", "GET /echo/?a=b HTTP/1.1\r\nHost: test\r\nUser-Agent: unit\r\n\r\n"},
        {"POST with Content-Length", "POST /echo/ HTTP/1.1\r\nHost: test\r\nContent-Length: 11\r\n\r\nhello world"},
        {"chunked with extensions and trailers", chunkedWithExtensionsAndTrailers},
        {"HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"},
        {"empty lines before a request", "\r\n\r\nGET /after-blank HTTP/1.1\r\nHost: test\r\n\r\n"},
        {"pipelined mix", "GET /one HTTP/1.1\r\nHost: test\r\n\r\n"
                          "POST /two HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\n\r\nabc"
                          "\r\n"
                          "PUT /three HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n"
                          "DELETE /four HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"},
        {"a partial request at the end", "GET /done HTTP/1.1\r\nHost: test\r\n\r\nPOST /partial HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\nabc"},
        {"a failure after a good request", "GET /good HTTP/1.1\r\nHost: test\r\n\r\nPOST /bad HTTP/1.1\r\nHost: test\r\nContent-Length: x\r\n\r\n"},
    };
    for (const auto& [what, input] : inputs)
    {
        INFO(what);
        Outcome atOnce = parseAtOnce(input);
        Outcome byteByByte = parseByteByByte(input);
        CHECK_FALSE(atOnce.requests.empty());
        requireSameOutcome(atOnce, byteByByte);
    }
}

TEST_CASE("parser: pipelined requests come out in order and the rest of the buffer waits", "[parser][pipelining]")
{
    const std::string input = "GET /first HTTP/1.1\r\nHost: test\r\n\r\n"
                              "POST /second HTTP/1.1\r\nHost: test\r\nContent-Length: 4\r\n\r\nbody"
                              "POST /third HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n"
                              "GET /fourth HTTP/1.1\r\nHost: test\r\nHo";
    Outcome outcome = parseAtOnce(input);
    REQUIRE(outcome.requests.size() == 3);
    CHECK(outcome.requests[0].path == "/first");
    CHECK(outcome.requests[0].body.empty());
    CHECK(outcome.requests[1].path == "/second");
    CHECK(outcome.requests[1].body == "body");
    CHECK(outcome.requests[2].path == "/third");
    CHECK(outcome.requests[2].body == "body");
    // The fourth request has started: the parser keeps its bytes (not consumed) and says so.
    CHECK(outcome.partial);
    CHECK(outcome.consumed == input.find("GET /fourth"));
}

TEST_CASE("parser: a request's bytes are consumed exactly, so the next one parses from the right place", "[parser][pipelining]")
{
    const LimitsConfig config = limits();
    RequestParser parser(config);   // the parser keeps a reference to its limits
    std::string buffer = "POST /a HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\n\r\nxy";
    std::size_t start = 0;
    IncomingRequest request;
    HttpReply failure;
    REQUIRE(parser.parse(buffer, start, request, failure) == RequestParser::Result::Complete);
    CHECK(start == buffer.size());
    CHECK_FALSE(parser.started());
    // Nothing more: the parser waits and stays idle.
    IncomingRequest next;
    CHECK(parser.parse(buffer, start, next, failure) == RequestParser::Result::NeedMore);
    CHECK_FALSE(parser.started());
    buffer += "GET /b HTTP/1.1\r\nHost: test\r\n";
    CHECK(parser.parse(buffer, start, next, failure) == RequestParser::Result::NeedMore);
    CHECK(parser.started());
    CHECK(parser.readingHeaders());
    buffer += "\r\n";
    REQUIRE(parser.parse(buffer, start, next, failure) == RequestParser::Result::Complete);
    CHECK(next.path == "/b");
    CHECK(start == buffer.size());
}

TEST_CASE("parser: chunked bodies skip extensions and trailers and accept any hex case", "[parser][chunked]")
{
    Outcome outcome = parseAtOnce(chunkedWithExtensionsAndTrailers + "GET /next HTTP/1.1\r\nHost: test\r\n\r\n");
    REQUIRE(outcome.requests.size() == 2);
    const IncomingRequest& r = outcome.requests[0];
    CHECK(r.body == "hello world, 10 bytes");
    CHECK(r.query == "x=1");
    CHECK(r.header("X-Trailer") == nullptr);   // trailers are skipped, not merged into the headers
    CHECK(outcome.requests[1].path == "/next");

    Outcome hexCase = parseAtOnce("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: Chunked\r\n\r\na\r\n0123456789\r\nB\r\n0123456789a\r\n0\r\n\r\n");
    REQUIRE(hexCase.requests.size() == 1);
    CHECK(hexCase.requests[0].body == "01234567890123456789a");

    Outcome empty = parseAtOnce("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    REQUIRE(empty.requests.size() == 1);
    CHECK(empty.requests[0].body.empty());
}

TEST_CASE("parser: Transfer-Encoding chunked wins over a Content-Length", "[parser][chunked]")
{
    Outcome outcome = parseAtOnce("POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                                  "GET /next HTTP/1.1\r\nHost: test\r\n\r\n");
    REQUIRE(outcome.requests.size() == 2);
    CHECK(outcome.requests[0].body == "abc");
    CHECK_FALSE(outcome.requests[0].keepAlive);   // both framings: the connection closes after the answer
    CHECK(outcome.requests[1].path == "/next");
}

TEST_CASE("parser: differing Content-Length values are 400, repeated equal ones are accepted", "[parser][errors]")
{
    Outcome conflicting = parseAtOnce("POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\nContent-Length: 30\r\n\r\nabc");
    CHECK(conflicting.failedStatus == 400);
    CHECK(conflicting.failedCode == "bad_request");
    Outcome same = parseAtOnce("POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc");
    REQUIRE(same.requests.size() == 1);
    CHECK(same.requests[0].body == "abc");
}

TEST_CASE("parser: keep-alive follows the version and the Connection header", "[parser]")
{
    Outcome outcome = parseAtOnce("GET /a HTTP/1.1\r\nHost: test\r\n\r\n"
                                  "GET /b HTTP/1.1\r\nHost: test\r\nConnection: Close\r\n\r\n"
                                  "GET /c HTTP/1.0\r\n\r\n"
                                  "GET /d HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
    REQUIRE(outcome.requests.size() == 4);
    CHECK(outcome.requests[0].keepAlive);
    CHECK_FALSE(outcome.requests[1].keepAlive);
    CHECK_FALSE(outcome.requests[2].keepAlive);
    CHECK(outcome.requests[3].keepAlive);
}

TEST_CASE("parser: a header block over max_header_bytes is 431, even before it ends", "[parser][limits]")
{
    const LimitsConfig config = limits(256, 1024);
    const std::string prefix = "GET / HTTP/1.1\r\nHost: test\r\nX-Pad: ";
    const std::string suffix = "\r\n\r\n";
    const std::string exact = prefix + std::string(256 - prefix.size() - suffix.size(), 'p') + suffix;
    REQUIRE(exact.size() == 256);

    SECTION("exactly at the limit is fine")
    {
        Outcome atOnce = parseAtOnce(exact, config);
        REQUIRE(atOnce.requests.size() == 1);
        requireSameOutcome(atOnce, parseByteByByte(exact, config));
    }
    SECTION("one byte over is 431")
    {
        std::string over = prefix + std::string(256 - prefix.size() - suffix.size() + 1, 'p') + suffix;
        expectFailure(over, 431, "header_too_large", config);
    }
    SECTION("an unterminated header block fails once it passes the limit")
    {
        std::string endless = prefix + std::string(300, 'p');   // no end of headers at all
        expectFailure(endless, 431, "header_too_large", config);
        // Byte by byte it fails at the first byte over the limit, not later.
        RequestParser parser(config);
        std::string buffer;
        std::size_t start = 0;
        IncomingRequest request;
        HttpReply failure;
        RequestParser::Result result = RequestParser::Result::NeedMore;
        while (result == RequestParser::Result::NeedMore && buffer.size() < endless.size())
        {
            buffer += endless[buffer.size()];
            result = parser.parse(buffer, start, request, failure);
        }
        CHECK(result == RequestParser::Result::Failed);
        CHECK(buffer.size() == 257);
    }
    SECTION("the limit is per request: pipelined requests each get the whole budget")
    {
        Outcome outcome = parseAtOnce(exact + exact + exact, config);
        CHECK(outcome.requests.size() == 3);
        CHECK(outcome.failedStatus == 0);
    }
}

TEST_CASE("parser: the field limits (name, value, count) are 431 too", "[parser][limits]")
{
    const LimitsConfig config = limits(64 * 1024, 1024);
    SECTION("a field name too long")
    {
        expectFailure("GET / HTTP/1.1\r\nHost: test\r\n" + std::string(300, 'N') + ": v\r\n\r\n", 431, "header_too_large", config);
    }
    SECTION("a field value too long")
    {
        expectFailure("GET / HTTP/1.1\r\nHost: test\r\nX-Value: " + std::string(9000, 'v') + "\r\n\r\n", 431, "header_too_large", config);
    }
    SECTION("too many fields")
    {
        std::string request = "GET / HTTP/1.1\r\nHost: test\r\n";
        for (int i = 0; i < 150; ++i) request += "X-F" + std::to_string(i) + ": v\r\n";
        expectFailure(request + "\r\n", 431, "header_too_large", config);
    }
}

TEST_CASE("parser: a body over max_body_bytes is 413 as soon as its size is known", "[parser][limits]")
{
    const LimitsConfig config = limits(4096, 100);
    SECTION("Content-Length at the limit is read, one over is refused without any body byte")
    {
        Outcome atLimit = parseAtOnce("POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'b'), config);
        REQUIRE(atLimit.requests.size() == 1);
        CHECK(atLimit.requests[0].body.size() == 100);
        expectFailure("POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 101\r\n\r\n", 413, "payload_too_large", config);
        expectFailure("POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 18446744073709551615\r\n\r\n", 413, "payload_too_large", config);
    }
    SECTION("chunked: refused at the chunk size line that passes the limit, before its data")
    {
        Outcome atLimit = parseAtOnce("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n32\r\n" + std::string(50, 'a') + "\r\n32\r\n"
                                          + std::string(50, 'b') + "\r\n0\r\n\r\n",
                                      config);
        REQUIRE(atLimit.requests.size() == 1);
        CHECK(atLimit.requests[0].body.size() == 100);
        expectFailure("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n32\r\n" + std::string(50, 'a') + "\r\n33\r\n", 413,
                      "payload_too_large", config);
        expectFailure("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n", 413, "payload_too_large", config);
    }
    SECTION("chunked: a chunk size that would wrap the running total around is refused too")
    {
        // 1 byte, then 2^64 - 1 bytes: 1 + (2^64 - 1) overflows to 0 in size_t arithmetic.
        expectFailure("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\nffffffffffffffff\r\n", 413, "payload_too_large", config);
    }
}

TEST_CASE("parser: malformed requests are 400", "[parser][errors]")
{
    const std::vector<std::pair<const char*, std::string>> cases = {
        {"no HTTP version", "GET /echo/\r\nHost: test\r\n\r\n"},
        {"not HTTP", "GET /echo/ FTP/1.0\r\nHost: test\r\n\r\n"},
        {"only a method", "GET\r\n\r\n"},
        {"garbage", "GARBAGE\r\n\r\n"},
        {"a method too long", std::string(40, 'M') + " / HTTP/1.1\r\nHost: test\r\n\r\n"},
        {"invalid Content-Length", "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: ten\r\n\r\n"},
        {"negative Content-Length", "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: -1\r\n\r\n"},
        {"invalid chunk size", "POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"},
        {"chunk size with no digits", "POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n;ext\r\n"},
        {"chunk data not followed by CRLF", "POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n"},
        {"chunk size line too long", "POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n1;" + std::string(5000, 'e')},
        {"trailer line too long", "POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: " + std::string(5000, 't')},
    };
    for (const auto& [what, input] : cases)
    {
        INFO(what);
        expectFailure(input, 400, "bad_request");
    }
}


TEST_CASE("parser: Expect: 100-continue is seen while the body has not started", "[parser][continue]")
{
    const LimitsConfig config = limits();
    auto headersOnly = [&](const std::string& head, RequestParser& parser, std::string& buffer, std::size_t& start, IncomingRequest& request,
                           HttpReply& failure) {
        buffer = head;
        start = 0;
        return parser.parse(buffer, start, request, failure);
    };
    RequestParser parser(config);
    std::string buffer;
    std::size_t start = 0;
    IncomingRequest request;
    HttpReply failure;

    SECTION("with a Content-Length body still to come")
    {
        REQUIRE(headersOnly("POST / HTTP/1.1\r\nHost: test\r\nExpect: 100-Continue\r\nContent-Length: 5\r\n\r\n", parser, buffer, start, request, failure)
                == RequestParser::Result::NeedMore);
        CHECK(parser.wantsContinue());
        parser.continueSent();
        CHECK_FALSE(parser.wantsContinue());
        buffer += "hello";
        REQUIRE(parser.parse(buffer, start, request, failure) == RequestParser::Result::Complete);
        CHECK(request.body == "hello");
        CHECK_FALSE(parser.wantsContinue());
    }
    SECTION("with a chunked body still to come")
    {
        REQUIRE(headersOnly("POST / HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n", parser, buffer, start, request,
                            failure)
                == RequestParser::Result::NeedMore);
        CHECK(parser.wantsContinue());
    }
    SECTION("not once body bytes arrived with the headers")
    {
        REQUIRE(headersOnly("POST / HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhel", parser, buffer, start, request,
                            failure)
                == RequestParser::Result::NeedMore);
        CHECK_FALSE(parser.wantsContinue());
    }
    SECTION("not without a body")
    {
        CHECK(headersOnly("POST / HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n", parser, buffer, start, request, failure)
              == RequestParser::Result::Complete);
        CHECK_FALSE(parser.wantsContinue());
    }
    SECTION("not for HTTP/1.0")
    {
        REQUIRE(headersOnly("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n", parser, buffer, start, request, failure)
                == RequestParser::Result::NeedMore);
        CHECK_FALSE(parser.wantsContinue());
    }
    SECTION("not for another expectation")
    {
        REQUIRE(headersOnly("POST / HTTP/1.1\r\nHost: test\r\nExpect: something-else\r\nContent-Length: 5\r\n\r\n", parser, buffer, start, request, failure)
                == RequestParser::Result::NeedMore);
        CHECK_FALSE(parser.wantsContinue());
    }
    SECTION("a body over the limit is refused instead of continued")
    {
        CHECK(headersOnly("POST / HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n", parser, buffer, start, request, failure)
              == RequestParser::Result::Failed);
        CHECK(failure.status() == 413);
        CHECK_FALSE(parser.wantsContinue());
    }
}

TEST_CASE("parser: reset() forgets a partly received request", "[parser]")
{
    const LimitsConfig config = limits();
    RequestParser parser(config);
    std::string buffer = "POST /abandoned HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\nabc";
    std::size_t start = 0;
    IncomingRequest request;
    HttpReply failure;
    REQUIRE(parser.parse(buffer, start, request, failure) == RequestParser::Result::NeedMore);
    CHECK(parser.started());
    CHECK_FALSE(parser.readingHeaders());
    parser.reset();
    CHECK_FALSE(parser.started());

    std::string fresh = "GET /fresh HTTP/1.1\r\nHost: test\r\n\r\n";
    std::size_t freshStart = 0;
    IncomingRequest next;
    REQUIRE(parser.parse(fresh, freshStart, next, failure) == RequestParser::Result::Complete);
    CHECK(next.path == "/fresh");
}

// ---- the strict grammar and framing of RFC 9112 ----------------------------------------------

namespace {

/// Expects input to be refused with status and code, at once and byte by byte (expectFailure).
void expectRefused(const std::string& input, int status, const std::string& code = "bad_request")
{
    expectFailure(input, status, code);
}

/// before, a NUL byte, then after.
std::string withNul(const std::string& before, const std::string& after)
{
    return before + '\0' + after;
}

/// The one request input parses into (REQUIREs exactly one and no failure).
IncomingRequest parseOne(const std::string& input)
{
    Outcome outcome = parseAtOnce(input);
    INFO(input);
    REQUIRE(outcome.failedStatus == 0);
    REQUIRE(outcome.requests.size() == 1);
    requireSameOutcome(outcome, parseByteByByte(input));
    return std::move(outcome.requests[0]);
}

/// The body of a smuggling attempt, which must never come out as a request of its own.
const std::string smuggled = "GET /smuggled HTTP/1.1\r\nHost: test\r\n\r\n";

} // namespace

TEST_CASE("parser: a Content-Length beyond 2^64 - 1 is 400, never wrapped around", "[parser][framing]")
{
    for (const char* length : {"18446744073709551616", "18446744073709551617", "36893488147419103232", "99999999999999999999999999"})
    {
        INFO(length);
        expectRefused(std::string("POST / HTTP/1.1\r\nHost: test\r\nContent-Length: ") + length + "\r\n\r\n" + smuggled, 400);
    }
}

TEST_CASE("parser: a Content-Length is 1*DIGIT and nothing else", "[parser][framing]")
{
    for (const std::string& length : {std::string("+3"), std::string("1,0"), std::string("3, 3"), std::string("0x3"), std::string("3 3"),
                                      withNul("3", ""), std::string("3;"), std::string("-0"), std::string("")})
    {
        INFO("Content-Length: '" << length << "'");
        expectRefused("POST / HTTP/1.1\r\nHost: test\r\nContent-Length: " + length + "\r\n\r\nabcdefghij" + smuggled, 400);
    }
    IncomingRequest padded = parseOne("POST / HTTP/1.1\r\nHost: test\r\nContent-Length: \t003 \r\n\r\nabc");
    CHECK(padded.body == "abc");
}

TEST_CASE("parser: whitespace between a field name and its colon is 400", "[parser][framing]")
{
    expectRefused("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n" + smuggled, 400);
    expectRefused("POST / HTTP/1.1\r\nHost: test\r\nContent-Length : 5\r\n\r\nhello" + smuggled, 400);
    expectRefused("POST / HTTP/1.1\r\nHost: test\r\nContent-Length\t: 5\r\n\r\nhello", 400);
    expectRefused("GET / HTTP/1.1\r\nHost : test\r\n\r\n", 400);
}

TEST_CASE("parser: Transfer-Encoding lines form one list whose final coding must be chunked", "[parser][framing]")
{
    const std::string post = "POST / HTTP/1.1\r\nHost: test\r\n";
    const std::string body = "\r\n3\r\nabc\r\n0\r\n\r\n";
    SECTION("chunked on its own, in any case, with empty list elements, on one or more lines")
    {
        CHECK(parseOne(post + "Transfer-Encoding: Chunked\r\n" + body).body == "abc");
        CHECK(parseOne(post + "Transfer-Encoding: , chunked ,\r\n" + body).body == "abc");
        CHECK(parseOne(post + "Transfer-Encoding:\r\nTransfer-Encoding: chunked\r\n" + body).body == "abc");
    }
    SECTION("chunked not final is 400, on one line or two")
    {
        expectRefused(post + "Transfer-Encoding: chunked, gzip\r\n" + body + smuggled, 400);
        expectRefused(post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n" + body + smuggled, 400);
        expectRefused(post + "Transfer-Encoding: gzip\r\n" + body, 400);
        expectRefused(post + "Transfer-Encoding: identity\r\n" + body, 400);
        expectRefused(post + "Transfer-Encoding: chunked;x=1\r\n" + body, 400);
        expectRefused(post + "Transfer-Encoding:\r\n" + body, 400);
        expectRefused(post + "Transfer-Encoding: ,\r\n" + body, 400);
    }
    SECTION("chunked twice is 400, on one line or two")
    {
        expectRefused(post + "Transfer-Encoding: chunked, chunked\r\n" + body, 400);
        expectRefused(post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n" + body, 400);
    }
    SECTION("another coding before chunked is 501, on one line or two")
    {
        expectRefused(post + "Transfer-Encoding: gzip, chunked\r\n" + body, 501, "not_implemented");
        expectRefused(post + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n" + body, 501, "not_implemented");
    }
    SECTION("an HTTP/1.0 request with Transfer-Encoding is 400")
    {
        expectRefused("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n" + body, 400);
    }
    SECTION("with a Content-Length too, chunked frames the body and the connection closes after the answer")
    {
        Outcome outcome = parseAtOnce(post + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n" + body + smuggled);
        REQUIRE(outcome.requests.size() == 2);
        CHECK(outcome.requests[0].body == "abc");
        CHECK_FALSE(outcome.requests[0].keepAlive);
    }
}

TEST_CASE("parser: chunk sizes are 1*HEXDIG, extensions follow the grammar, lines end in CRLF", "[parser][framing][chunked]")
{
    const std::string head = "POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (const char* line : {"0x3", "+3", " 3", "3 ", "-3", "3;", "3;=x", "3;a=", "3;a=\"open", "3 x", "3\t", "\xff"})
    {
        INFO("chunk size line '" << line << "'");
        expectRefused(head + line + "\r\nabc\r\n0\r\n\r\n", 400);
    }
    expectRefused(head + "10000000000000000\r\n", 400);   // 2^64: beyond the counter, not 413
    CHECK(parseOne(head + "3 ; a = b ;c;d=\"q \\\" d\"\r\nabc\r\n000\r\n\r\n").body == "abc");
    CHECK(parseOne(head + "0003\r\nabc\r\n0\r\n\r\n").body == "abc");
}

TEST_CASE("parser: a bare LF is 400 at once, never a wait for a CRLF that does not come", "[parser][framing]")
{
    const std::vector<std::pair<const char*, std::string>> cases = {
        {"request line", "GET / HTTP/1.1\nHost: test\n\n"},
        {"header line", "GET / HTTP/1.1\r\nHost: test\nX-A: b\r\n\r\n"},
        {"end of the head", "GET / HTTP/1.1\r\nHost: test\r\n\n"},
        {"empty line before the request", "\nGET / HTTP/1.1\r\nHost: test\r\n\r\n"},
        {"chunk size line", "POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n"},
        {"after chunk data", "POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n"},
        {"trailer line", "POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\n\r\n"},
        {"last chunk's empty line", "POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\n"},
    };
    for (const auto& [what, input] : cases)
    {
        INFO(what);
        expectRefused(input, 400);
        // Byte by byte, the refusal comes with the first bare LF.
        for (std::size_t lf = input.find('\n'); lf != std::string::npos; lf = input.find('\n', lf + 1))
        {
            if (lf == 0 || input[lf - 1] != '\r')
            {
                Outcome partial = parseByteByByte(input.substr(0, lf + 1));
                CHECK(partial.failedStatus == 400);
                break;
            }
        }
    }
}

TEST_CASE("parser: control characters and malformed field lines are 400, not passed on", "[parser][grammar]")
{
    const std::vector<std::pair<const char*, std::string>> cases = {
        {"NUL in the method", withNul("GE", "T / HTTP/1.1\r\nHost: test\r\n\r\n")},
        {"NUL in the target", withNul("GET /a", "b HTTP/1.1\r\nHost: test\r\n\r\n")},
        {"NUL in a header value", withNul("GET / HTTP/1.1\r\nHost: test\r\nX-A: a", "b\r\n\r\n")},
        {"a control character in the target", "GET /a\x01" "b HTTP/1.1\r\nHost: test\r\n\r\n"},
        {"DEL in the target", "GET /a\x7f" "b HTTP/1.1\r\nHost: test\r\n\r\n"},
        {"a tab in the target", "GET /a\tb HTTP/1.1\r\nHost: test\r\n\r\n"},
        {"a control character in a header value", "GET / HTTP/1.1\r\nHost: test\r\nX-A: a\x1b[31m\r\n\r\n"},
        {"DEL in a header value", "GET / HTTP/1.1\r\nHost: test\r\nX-A: a\x7f\r\n\r\n"},
        {"a bare CR in a header value", "GET / HTTP/1.1\r\nHost: test\r\nX-A: a\rb\r\n\r\n"},
        {"a bare CR at the end of a header value", "GET / HTTP/1.1\r\nHost: test\r\nX-A: a\r\r\n\r\n"},
        {"a bare CR in the request line", "GET /\r HTTP/1.1\r\nHost: test\r\n\r\n"},
        {"a header line without a colon", "GET / HTTP/1.1\r\nHost: test\r\nno colon here\r\n\r\n"},
        {"an empty header name", "GET / HTTP/1.1\r\nHost: test\r\n: value\r\n\r\n"},
        {"a separator in a header name", "GET / HTTP/1.1\r\nHost: test\r\nX(A): v\r\n\r\n"},
        {"obs-text in a header name", "GET / HTTP/1.1\r\nHost: test\r\nX-\xc3\xa9: v\r\n\r\n"},
        {"a folded header line", "GET / HTTP/1.1\r\nHost: test\r\nX-A: a\r\n b\r\n\r\n"},
        {"whitespace before the first header", "GET / HTTP/1.1\r\n Host: test\r\n\r\n"},
        {"a method that is not a token", "G(T / HTTP/1.1\r\nHost: test\r\n\r\n"},
        {"two spaces after the method", "GET  / HTTP/1.1\r\nHost: test\r\n\r\n"},
        {"a space before the method", " GET / HTTP/1.1\r\nHost: test\r\n\r\n"},
        {"a space after the version", "GET / HTTP/1.1 \r\nHost: test\r\n\r\n"},
        {"a lower-case version", "GET / http/1.1\r\nHost: test\r\n\r\n"},
        {"a version without a minor", "GET / HTTP/1\r\nHost: test\r\n\r\n"},
        {"a two-digit minor version", "GET / HTTP/1.10\r\nHost: test\r\n\r\n"},
    };
    for (const auto& [what, input] : cases)
    {
        INFO(what);
        expectRefused(input, 400);
    }
}

TEST_CASE("parser: header values lose their surrounding whitespace and keep everything else", "[parser][grammar]")
{
    IncomingRequest r = parseOne("GET / HTTP/1.1\r\nHost: test\r\nx-MiXed:  \t a \t b \t \r\nX-Empty:\r\nX-Obs: caf\xc3\xa9\r\n\r\n");
    REQUIRE(r.headers.size() == 4);
    CHECK(r.headers[1] == std::make_pair(std::string("x-MiXed"), std::string("a \t b")));
    CHECK(r.headers[2] == std::make_pair(std::string("X-Empty"), std::string()));
    CHECK(r.headers[3] == std::make_pair(std::string("X-Obs"), std::string("caf\xc3\xa9")));
}

TEST_CASE("parser: an HTTP/1.1 request needs exactly one valid Host, HTTP/1.0 may have none", "[parser][host]")
{
    expectRefused("GET / HTTP/1.1\r\n\r\n", 400);
    expectRefused("GET / HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n", 400);
    expectRefused("GET / HTTP/1.1\r\nHost: a.test\r\nhost: a.test\r\n\r\n", 400);
    expectRefused("GET / HTTP/1.1\r\nHost: a.test b.test\r\n\r\n", 400);
    expectRefused("GET / HTTP/1.1\r\nHost: user@a.test\r\n\r\n", 400);
    expectRefused("GET / HTTP/1.1\r\nHost: a.test/x\r\n\r\n", 400);
    CHECK(parseOne("GET / HTTP/1.0\r\n\r\n").authority.empty());
    CHECK(parseOne("GET / HTTP/1.1\r\nHost:\r\n\r\n").authority.empty());
    CHECK(parseOne("GET / HTTP/1.1\r\nHost: Example.COM:8080\r\n\r\n").authority == "Example.COM:8080");
    CHECK(parseOne("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n").authority == "[::1]:8080");
}

TEST_CASE("parser: another HTTP major version is 505, a later HTTP/1 minor is served as HTTP/1.1", "[parser][version]")
{
    expectRefused("GET / HTTP/9.9\r\nHost: test\r\n\r\n", 505, "http_version_not_supported");
    expectRefused("GET / HTTP/2.0\r\nHost: test\r\n\r\n", 505, "http_version_not_supported");
    expectRefused("GET / HTTP/0.9\r\nHost: test\r\n\r\n", 505, "http_version_not_supported");
    // The HTTP/2 connection preface is refused at its request line, before its "SM" part.
    expectRefused("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505, "http_version_not_supported");
    Outcome preface = parseByteByByte("PRI * HTTP/2.0\r\n");
    CHECK(preface.failedStatus == 505);
    IncomingRequest later = parseOne("GET / HTTP/1.7\r\nHost: test\r\n\r\n");
    CHECK(later.version == "HTTP/1.1");
}

TEST_CASE("parser: the path has its dot segments resolved, never above the root, and the target stays as sent", "[parser][target]")
{
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"/echo/a/../../etc/passwd", "/etc/passwd"},
        {"/a/b/../c", "/a/c"},
        {"/../../x", "/x"},
        {"/..", "/"},
        {"/a/./b/.", "/a/b/"},
        {"/a/b/..", "/a/"},
        {"/a/%2e%2e/b", "/b"},
        {"/a/%2E./%2e/b", "/b"},
        {"/echo/%2e%2e/%2E%2E/etc", "/etc"},
        {"/a/.../b", "/a/.../b"},
        {"/a/..b/.c", "/a/..b/.c"},
        {"/a//b", "/a//b"},
        {"/a//../b", "/a/b"},
        {"/a%2fb/..", "/"},
        {"/x%20y/%41", "/x%20y/%41"},
        {"/", "/"},
    };
    for (const auto& [path, normalised] : cases)
    {
        INFO(path);
        IncomingRequest r = parseOne("GET " + path + "?next=../up HTTP/1.1\r\nHost: test\r\n\r\n");
        CHECK(r.path == normalised);
        CHECK(r.query == "next=../up");
        CHECK(r.target == path + "?next=../up");
    }
}

TEST_CASE("parser: an absolute-form target's authority wins over Host, which is rewritten to match", "[parser][target]")
{
    IncomingRequest r = parseOne("GET http://Example.com:8080/a/../b?q=1 HTTP/1.1\r\nHost: other.test\r\n\r\n");
    CHECK(r.authority == "Example.com:8080");
    CHECK(r.path == "/b");
    CHECK(r.query == "q=1");
    CHECK(r.target == "http://Example.com:8080/a/../b?q=1");
    CHECK(*r.header("Host") == "Example.com:8080");

    IncomingRequest secure = parseOne("GET HTTPS://example.com?x HTTP/1.1\r\nHost: example.com\r\n\r\n");
    CHECK(secure.authority == "example.com");
    CHECK(secure.path == "/");
    CHECK(secure.query == "x");

    CHECK(parseOne("GET http://example.com/ HTTP/1.0\r\n\r\n").authority == "example.com");
    expectRefused("GET http://example.com/ HTTP/1.1\r\n\r\n", 400);   // HTTP/1.1 still needs a Host line

    for (const char* target : {"http://user@example.com/", "http:///x", "http://:80/x", "ftp://example.com/", "example.com/x",
                               "http://exa mple.com/"})
    {
        INFO(target);
        expectRefused(std::string("GET ") + target + " HTTP/1.1\r\nHost: test\r\n\r\n", 400);
    }
}

TEST_CASE("parser: '*' is a target for OPTIONS only", "[parser][target]")
{
    CHECK(parseOne("OPTIONS * HTTP/1.1\r\nHost: test\r\n\r\n").path == "*");
    expectRefused("GET * HTTP/1.1\r\nHost: test\r\n\r\n", 400);
}

TEST_CASE("parser: obs-text in the target reaches the plugin as sent", "[parser][target]")
{
    IncomingRequest r = parseOne("GET /caf\xc3\xa9 HTTP/1.1\r\nHost: test\r\n\r\n");
    CHECK(r.path == "/caf\xc3\xa9");
}

TEST_CASE("parser: trailer lines follow the field grammar and the header size limit", "[parser][chunked]")
{
    const std::string head = "POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
    expectRefused(head + "X-T : 1\r\n\r\n", 400);
    expectRefused(head + "no colon\r\n\r\n", 400);
    expectRefused(head + withNul("X-T: a", "b\r\n\r\n"), 400);
    std::string many;
    for (int i = 0; i < 300; ++i) many += "X-Trailer-" + std::to_string(i) + ": padding\r\n";
    expectFailure(head + many + "\r\n", 431, "header_too_large");
}

TEST_CASE("parser: Connection is a list, and close anywhere in it closes", "[parser]")
{
    CHECK_FALSE(parseOne("GET / HTTP/1.1\r\nHost: test\r\nConnection: keep-alive, Close\r\n\r\n").keepAlive);
    CHECK_FALSE(parseOne("GET / HTTP/1.1\r\nHost: test\r\nConnection: upgrade\r\nConnection: close\r\n\r\n").keepAlive);
    CHECK(parseOne("GET / HTTP/1.0\r\nConnection: TE, keep-alive\r\n\r\n").keepAlive);
    CHECK(parseOne("GET / HTTP/1.1\r\nHost: test\r\nConnection: closed\r\n\r\n").keepAlive);
}
