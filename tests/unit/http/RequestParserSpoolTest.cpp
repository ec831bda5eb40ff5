// RequestParser with spooling: the BodyPolicy is asked once per request with a body; above its
// threshold a Content-Length or chunked body goes to a SpoolFile as it arrives (byte by byte the
// same as at once), bounded by the policy's limit instead of max_body_bytes (413 beyond, before
// the body for a Content-Length); at or below the threshold it stays in memory; requests after a
// spooled one parse from the right place.
#include "http/HttpReply.h"
#include "http/IncomingRequest.h"
#include "http/RequestParser.h"

#include "ScratchDir.h"

#include <Poco/FileStream.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/StreamCopier.h>

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

using terrarium::BodyPolicy;
using terrarium::HttpReply;
using terrarium::IncomingRequest;
using terrarium::LimitsConfig;
using terrarium::RequestParser;
using terrarium::test::ScratchDir;

namespace {

/// A spooled request as it came out of the parser: the file's content read while it still exists.
struct Parsed
{
    std::string method;
    std::string path;
    std::string body;          /// in memory
    bool spooled = false;
    std::string spooledBody;   /// the spool file's content
};

struct SpoolOutcome
{
    std::vector<Parsed> requests;
    int failedStatus = 0;
    std::string failedCode;
    std::string failedMessage;
    unsigned lookups = 0;      /// times the policy was asked
};

std::string fileContent(const std::string& path)
{
    Poco::FileInputStream in(path);
    std::string text;
    Poco::StreamCopier::copyToString(in, text);
    return text;
}

/// Parses input (all at once, or a byte at a time) with max_body_bytes 1024 and policy for every
/// request whose path starts with /spool.
SpoolOutcome parseSpooled(const std::string& input, BodyPolicy policy, bool byteByByte, const std::string& directory)
{
    LimitsConfig limits;
    limits.maxHeaderBytes = 4096;
    limits.maxBodyBytes = 1024;
    RequestParser parser(limits);
    parser.setOrigin("127.0.0.1:40000", "main");
    SpoolOutcome outcome;
    parser.setSpooling(
        [&](const IncomingRequest& request) {
            ++outcome.lookups;
            return request.path.rfind("/spool", 0) == 0 ? policy : BodyPolicy();
        },
        directory);
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
                Parsed parsed{request.method, request.path, request.body, request.bodyFile != nullptr, ""};
                if (request.bodyFile)
                {
                    REQUIRE_FALSE(request.bodyFile->path().empty());
                    parsed.spooledBody = fileContent(request.bodyFile->path());
                    CHECK(request.bodyFile->size() == parsed.spooledBody.size());
                }
                outcome.requests.push_back(parsed);
                request = IncomingRequest();
                continue;
            }
            if (result == RequestParser::Result::Failed)
            {
                outcome.failedStatus = failure.status();
                Poco::JSON::Object::Ptr error = Poco::JSON::Parser().parse(std::string(failure.body())).extract<Poco::JSON::Object::Ptr>();
                outcome.failedCode = error->getValue<std::string>("error");
                outcome.failedMessage = error->getValue<std::string>("message");
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
    return outcome;
}

BodyPolicy policy(std::uint64_t above, std::uint64_t limit)
{
    BodyPolicy p;
    p.spoolAbove = above;
    p.spoolLimit = limit;
    return p;
}

std::string put(const std::string& path, const std::string& body)
{
    return "PUT " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string chunked(const std::string& path, const std::vector<std::string>& chunks)
{
    std::string out = "PUT " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (const auto& c : chunks)
    {
        char size[32];
        std::snprintf(size, sizeof size, "%zx", c.size());
        out += std::string(size) + "\r\n" + c + "\r\n";
    }
    return out + "0\r\n\r\n";
}

std::string pattern(std::size_t size)
{
    std::string text(size, '\0');
    for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>('a' + (i * 7) % 26);
    return text;
}

} // namespace

TEST_CASE("spooling parser: a Content-Length body above the threshold goes to a file, also beyond max_body_bytes", "[parser][spool]")
{
    ScratchDir dir;
    std::string body = pattern(5000);   // max_body_bytes is 1024
    for (bool byteByByte : {false, true})
    {
        INFO("byte by byte: " << byteByByte);
        SpoolOutcome outcome = parseSpooled(put("/spool/a", body) + "GET /next HTTP/1.1\r\nHost: x\r\n\r\n", policy(100, 10000), byteByByte, dir.path());
        CHECK(outcome.failedStatus == 0);
        REQUIRE(outcome.requests.size() == 2);
        CHECK(outcome.requests[0].spooled);
        CHECK(outcome.requests[0].body.empty());
        CHECK(outcome.requests[0].spooledBody == body);
        CHECK(outcome.requests[1].path == "/next");   // parsing went on after the body
        CHECK_FALSE(outcome.requests[1].spooled);
        CHECK(outcome.lookups == 1);                  // asked for the request with a body only
    }
}

TEST_CASE("spooling parser: at or below the threshold, and for a policy that does not spool, the body stays in memory", "[parser][spool]")
{
    ScratchDir dir;
    SpoolOutcome outcome = parseSpooled(put("/spool/a", pattern(100)) + put("/memory", pattern(900)), policy(100, 10000), false, dir.path());
    CHECK(outcome.failedStatus == 0);
    REQUIRE(outcome.requests.size() == 2);
    CHECK_FALSE(outcome.requests[0].spooled);
    CHECK(outcome.requests[0].body == pattern(100));
    CHECK_FALSE(outcome.requests[1].spooled);
    CHECK(outcome.requests[1].body == pattern(900));

    outcome = parseSpooled(put("/memory", pattern(2000)), policy(100, 10000), false, dir.path());
    CHECK(outcome.failedStatus == 413);   // max_body_bytes for a body that is not spooled
}

TEST_CASE("spooling parser: the threshold is never above max_body_bytes", "[parser][spool]")
{
    ScratchDir dir;
    SpoolOutcome outcome = parseSpooled(put("/spool/a", pattern(2000)), policy(1 << 20, 1 << 21), false, dir.path());
    CHECK(outcome.failedStatus == 0);
    REQUIRE(outcome.requests.size() == 1);
    CHECK(outcome.requests[0].spooled);
    CHECK(outcome.requests[0].spooledBody == pattern(2000));
}

TEST_CASE("spooling parser: a Content-Length above the spool limit is 413 before any body byte", "[parser][spool]")
{
    ScratchDir dir;
    std::string head = "PUT /spool/big HTTP/1.1\r\nHost: x\r\nContent-Length: 10001\r\n\r\n";
    SpoolOutcome outcome = parseSpooled(head, policy(100, 10000), false, dir.path());
    CHECK(outcome.failedStatus == 413);
    CHECK(outcome.failedCode == "payload_too_large");
    CHECK(outcome.failedMessage == "request body of 10001 bytes exceeds the limit of 10000 bytes");
}

TEST_CASE("spooling parser: a chunked body moves to a file when it passes the threshold, whole and in order", "[parser][spool]")
{
    ScratchDir dir;
    std::vector<std::string> chunks = {pattern(60), pattern(60), std::string(3000, 'z'), "end"};
    std::string whole;
    for (const auto& c : chunks) whole += c;
    for (bool byteByByte : {false, true})
    {
        INFO("byte by byte: " << byteByByte);
        SpoolOutcome outcome = parseSpooled(chunked("/spool/c", chunks) + chunked("/spool/small", {"tiny"}), policy(100, 10000), byteByByte, dir.path());
        CHECK(outcome.failedStatus == 0);
        REQUIRE(outcome.requests.size() == 2);
        CHECK(outcome.requests[0].spooled);
        CHECK(outcome.requests[0].spooledBody == whole);
        CHECK_FALSE(outcome.requests[1].spooled);
        CHECK(outcome.requests[1].body == "tiny");
    }
}

TEST_CASE("spooling parser: a chunked body is 413 at the chunk that passes the spool limit", "[parser][spool]")
{
    ScratchDir dir;
    SpoolOutcome outcome = parseSpooled(chunked("/spool/c", {pattern(4000), pattern(4000), pattern(4000)}), policy(100, 10000), false, dir.path());
    CHECK(outcome.failedStatus == 413);
    CHECK(outcome.failedMessage == "chunked request body exceeds the limit of 10000 bytes");
    CHECK(outcome.requests.empty());
}

TEST_CASE("spooling parser: a spool directory that cannot be written is 500 spool_failed", "[parser][spool]")
{
    ScratchDir dir;
    SpoolOutcome outcome = parseSpooled(put("/spool/a", pattern(500)), policy(100, 10000), false, dir.path() + "/missing");
    CHECK(outcome.failedStatus == 500);
    CHECK(outcome.failedCode == "spool_failed");
}
