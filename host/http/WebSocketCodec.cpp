#include "http/WebSocketCodec.h"

#include <Poco/Base64Encoder.h>
#include <Poco/DigestEngine.h>
#include <Poco/SHA1Engine.h>
#include <Poco/UTF8Encoding.h>

#include <algorithm>
#include <sstream>
#include <utility>

namespace terrarium {

WebSocketCodec::Result WebSocketCodec::parse(const std::string& buffer, std::size_t& start, std::size_t maxPayload, Frame& frame,
                                             int& closeCode, std::string& error)
{
    const std::size_t available = buffer.size() - start;
    if (available < 2) return Result::NeedMore;
    const auto* bytes = reinterpret_cast<const unsigned char*>(buffer.data() + start);
    const bool fin = (bytes[0] & 0x80) != 0;
    const int opcode = bytes[0] & 0x0F;
    const bool masked = (bytes[1] & 0x80) != 0;
    std::uint64_t length = bytes[1] & 0x7F;
    std::size_t header = 2;
    auto fail = [&](int code, std::string why) {
        closeCode = code;
        error = std::move(why);
        return Result::Failed;
    };
    if (bytes[0] & 0x70) return fail(1002, "reserved bits set (no extension was agreed)");
    if (opcode != 0 && opcode != 1 && opcode != 2 && opcode != 8 && opcode != 9 && opcode != 10) return fail(1002, "unknown opcode");
    if (!masked) return fail(1002, "client frames must be masked");
    const bool control = opcode >= 8;
    if (control && (!fin || length > 125)) return fail(1002, "control frames must be final and at most 125 bytes");
    if (length == 126)
    {
        if (available < 4) return Result::NeedMore;
        length = (std::uint64_t(bytes[2]) << 8) | bytes[3];
        header = 4;
    }
    else if (length == 127)
    {
        if (available < 10) return Result::NeedMore;
        length = 0;
        for (int i = 2; i < 10; ++i) length = (length << 8) | bytes[i];
        header = 10;
    }
    if (length > maxPayload) return fail(1009, "message too big");
    if (available < header + 4 + length) return Result::NeedMore;
    const unsigned char* mask = bytes + header;
    const unsigned char* data = mask + 4;
    frame.fin = fin;
    frame.opcode = opcode;
    frame.payload.resize(static_cast<std::size_t>(length));
    for (std::size_t i = 0; i < length; ++i) frame.payload[i] = static_cast<char>(data[i] ^ mask[i & 3]);
    start += header + 4 + static_cast<std::size_t>(length);
    if (opcode == 8 && length == 1) return fail(1002, "close frame with a one-byte payload");
    if (opcode == 8 && length >= 2)
    {
        int code = (static_cast<unsigned char>(frame.payload[0]) << 8) | static_cast<unsigned char>(frame.payload[1]);
        if (!validCloseCode(code)) return fail(1002, "invalid close code " + std::to_string(code));
        if (!validUtf8(std::string_view(frame.payload).substr(2))) return fail(1007, "close reason is not valid UTF-8");
    }
    return Result::Complete;
}

void WebSocketCodec::encode(int opcode, std::string_view payload, std::string& out)
{
    out += static_cast<char>(0x80 | (opcode & 0x0F));
    const std::uint64_t length = payload.size();
    if (length < 126)
        out += static_cast<char>(length);
    else if (length < 65536)
    {
        out += static_cast<char>(126);
        out += static_cast<char>((length >> 8) & 0xFF);
        out += static_cast<char>(length & 0xFF);
    }
    else
    {
        out += static_cast<char>(127);
        for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((length >> shift) & 0xFF);
    }
    out.append(payload.data(), payload.size());
}

void WebSocketCodec::encodeClose(int code, std::string_view reason, std::string& out)
{
    std::string payload;
    if (code != 0)
    {
        payload += static_cast<char>((code >> 8) & 0xFF);
        payload += static_cast<char>(code & 0xFF);
        payload.append(reason.data(), std::min<std::size_t>(reason.size(), 123));
    }
    encode(8, payload, out);
}

void WebSocketCodec::decodeClose(const std::string& payload, int& code, std::string& reason)
{
    if (payload.size() < 2)
    {
        code = 1005;
        reason.clear();
        return;
    }
    code = (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
    reason = payload.substr(2);
}

bool WebSocketCodec::validCloseCode(int code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

bool WebSocketCodec::validUtf8(std::string_view text)
{
    const auto* next = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = next + text.size();
    while (next < end)
    {
        if (*next < 0x80)
        {
            ++next;
            continue;
        }
        const int length = *next >= 0xF0 ? 4 : *next >= 0xE0 ? 3 : *next >= 0xC0 ? 2 : 1;
        if (end - next < length || !Poco::UTF8Encoding::isLegal(next, length)) return false;
        next += length;
    }
    return true;
}

std::string WebSocketCodec::acceptKey(const std::string& key)
{
    Poco::SHA1Engine sha1;
    sha1.update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    const Poco::DigestEngine::Digest& digest = sha1.digest();
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.write(reinterpret_cast<const char*>(digest.data()), static_cast<std::streamsize>(digest.size()));
    encoder.close();
    return out.str();
}

} // namespace terrarium
