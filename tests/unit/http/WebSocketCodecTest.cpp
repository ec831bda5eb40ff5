// WebSocketCodec: client frames parsed (masked, lengths, partial input), and what RFC 6455 makes a
// protocol error: reserved bits, unknown opcodes, unmasked frames, fragmented or long control
// frames, invalid close codes (1002), close reasons that are not UTF-8 (1007); the UTF-8 check
// used for text messages; server frames encoded.
#include "http/WebSocketCodec.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

using terrarium::WebSocketCodec;
using Result = terrarium::WebSocketCodec::Result;

namespace {

/// A masked client frame: first byte (FIN, RSV, opcode) as given, payload masked with a fixed key.
std::string clientFrame(unsigned char first, const std::string& payload, bool masked = true)
{
    std::string out(1, static_cast<char>(first));
    const unsigned char maskBit = masked ? 0x80 : 0;
    const std::uint64_t length = payload.size();
    if (length < 126)
        out += static_cast<char>(maskBit | length);
    else if (length < 65536)
    {
        out += static_cast<char>(maskBit | 126);
        out += static_cast<char>(length >> 8);
        out += static_cast<char>(length & 0xFF);
    }
    else
    {
        out += static_cast<char>(maskBit | 127);
        for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((length >> shift) & 0xFF);
    }
    const char key[4] = {0x12, 0x34, 0x56, 0x78};
    if (masked) out.append(key, 4);
    for (std::size_t i = 0; i < payload.size(); ++i) out += masked ? static_cast<char>(payload[i] ^ key[i & 3]) : payload[i];
    return out;
}

std::string closePayload(int code, const std::string& reason = "")
{
    return std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)} + reason;
}

struct Parsed
{
    Result result;
    WebSocketCodec::Frame frame;
    int closeCode = 0;
    std::string error;
    std::size_t consumed = 0;
};

Parsed parse(const std::string& bytes, std::size_t maxPayload = 1 << 20)
{
    Parsed parsed;
    parsed.result = WebSocketCodec::parse(bytes, parsed.consumed, maxPayload, parsed.frame, parsed.closeCode, parsed.error);
    return parsed;
}

} // namespace

TEST_CASE("WebSocketCodec: masked frames are unmasked, partial input needs more", "[websocket]")
{
    Parsed text = parse(clientFrame(0x81, "hello"));
    REQUIRE(text.result == Result::Complete);
    CHECK(text.frame.fin);
    CHECK(text.frame.opcode == 1);
    CHECK(text.frame.payload == "hello");
    CHECK(text.consumed == 11);

    Parsed large = parse(clientFrame(0x82, std::string(70000, 'x')));
    REQUIRE(large.result == Result::Complete);
    CHECK(large.frame.payload.size() == 70000);

    std::string whole = clientFrame(0x81, std::string(300, 'y'));
    for (std::size_t cut : {std::size_t(1), std::size_t(3), std::size_t(8), whole.size() - 1})
        CHECK(parse(whole.substr(0, cut)).result == Result::NeedMore);

    Parsed tooBig = parse(clientFrame(0x82, std::string(2000, 'z')), 1000);
    CHECK(tooBig.result == Result::Failed);
    CHECK(tooBig.closeCode == 1009);
}

TEST_CASE("WebSocketCodec: framing violations fail with 1002", "[websocket]")
{
    CHECK(parse(clientFrame(0x81, "hi", false)).closeCode == 1002);              // unmasked
    CHECK(parse(clientFrame(0xC1, "hi")).closeCode == 1002);                     // RSV1 without an extension
    CHECK(parse(clientFrame(0x83, "hi")).closeCode == 1002);                     // reserved data opcode
    CHECK(parse(clientFrame(0x8B, "hi")).closeCode == 1002);                     // reserved control opcode
    CHECK(parse(clientFrame(0x09, "ping")).closeCode == 1002);                   // fragmented ping
    CHECK(parse(clientFrame(0x08, closePayload(1000))).closeCode == 1002);       // fragmented close
    Parsed longPing = parse(clientFrame(0x89, std::string(126, 'p')));           // control frame over 125 bytes
    CHECK(longPing.result == Result::Failed);
    CHECK(longPing.closeCode == 1002);
    CHECK(parse(clientFrame(0x89, std::string(125, 'p'))).result == Result::Complete);
}

TEST_CASE("WebSocketCodec: close frames carry a valid code and a UTF-8 reason", "[websocket]")
{
    CHECK(parse(clientFrame(0x88, "")).result == Result::Complete);              // no code at all: fine
    Parsed oneByte = parse(clientFrame(0x88, std::string(1, '\x03')));
    CHECK(oneByte.result == Result::Failed);
    CHECK(oneByte.closeCode == 1002);

    for (int code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999})
    {
        INFO(code);
        CHECK(parse(clientFrame(0x88, closePayload(code, "bye"))).result == Result::Complete);
    }
    for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    {
        INFO(code);
        Parsed invalid = parse(clientFrame(0x88, closePayload(code)));
        CHECK(invalid.result == Result::Failed);
        CHECK(invalid.closeCode == 1002);
        CHECK(invalid.error == "invalid close code " + std::to_string(code));
    }

    Parsed badReason = parse(clientFrame(0x88, closePayload(1000, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80")));
    CHECK(badReason.result == Result::Failed);
    CHECK(badReason.closeCode == 1007);
    CHECK(parse(clientFrame(0x88, closePayload(1000, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"))).result == Result::Complete);

    int code = 0;
    std::string reason;
    WebSocketCodec::decodeClose(closePayload(4321, "bye"), code, reason);
    CHECK(code == 4321);
    CHECK(reason == "bye");
    WebSocketCodec::decodeClose("", code, reason);
    CHECK(code == 1005);
}

TEST_CASE("WebSocketCodec: validUtf8 accepts well-formed UTF-8 only", "[websocket]")
{
    CHECK(WebSocketCodec::validUtf8(""));
    CHECK(WebSocketCodec::validUtf8("plain ASCII"));
    CHECK(WebSocketCodec::validUtf8("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"));   // κόσμε
    CHECK(WebSocketCodec::validUtf8("\xf4\x8f\xbf\xbf"));                             // U+10FFFF
    CHECK(WebSocketCodec::validUtf8("\xef\xbf\xbf"));                                 // U+FFFF
    CHECK(WebSocketCodec::validUtf8(std::string("nul \0 inside", 12)));

    CHECK_FALSE(WebSocketCodec::validUtf8("\x80"));                  // lone continuation byte
    CHECK_FALSE(WebSocketCodec::validUtf8("\xc0\xaf"));              // overlong '/'
    CHECK_FALSE(WebSocketCodec::validUtf8("\xe0\x80\xaf"));          // overlong, 3 bytes
    CHECK_FALSE(WebSocketCodec::validUtf8("\xed\xa0\x80"));          // surrogate U+D800
    CHECK_FALSE(WebSocketCodec::validUtf8("\xf4\x90\x80\x80"));      // past U+10FFFF
    CHECK_FALSE(WebSocketCodec::validUtf8("\xf8\x88\x80\x80\x80"));  // 5-byte form
    CHECK_FALSE(WebSocketCodec::validUtf8("\xfe"));
    CHECK_FALSE(WebSocketCodec::validUtf8("abc\xce"));               // truncated at the end
    CHECK_FALSE(WebSocketCodec::validUtf8("\xe1\xbd"));
    CHECK_FALSE(WebSocketCodec::validUtf8("\xce\x41"));              // continuation missing
}

TEST_CASE("WebSocketCodec: server frames are unmasked with the shortest length form", "[websocket]")
{
    std::string out;
    WebSocketCodec::encode(10, "pong", out);
    CHECK(out == std::string("\x8a\x04pong", 6));

    out.clear();
    WebSocketCodec::encode(2, std::string(300, 'b'), out);
    CHECK(out.size() == 4 + 300);
    CHECK(out.substr(0, 4) == std::string("\x82\x7e\x01\x2c", 4));

    out.clear();
    WebSocketCodec::encodeClose(1001, "going away", out);
    CHECK(out == std::string("\x88\x0c\x03\xe9going away", 14));

    out.clear();
    WebSocketCodec::encodeClose(0, "", out);
    CHECK(out == std::string("\x88\x00", 2));

    CHECK(WebSocketCodec::acceptKey("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}
