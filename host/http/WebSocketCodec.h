#ifndef Terrarium_WebSocketCodec_INCLUDED
#define Terrarium_WebSocketCodec_INCLUDED

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace terrarium {

/// RFC 6455 framing for the server side: parses masked client frames from a buffer as they
/// arrive, and encodes unmasked server frames.
class WebSocketCodec
{
public:
    /// Close codes (RFC 6455 7.4.1) the host uses; equal to the ABI's TRM_WS_CLOSE_*.
    static constexpr int CloseNormal = 1000;
    static constexpr int CloseGoingAway = 1001;
    static constexpr int CloseProtocolError = 1002;
    static constexpr int CloseNoStatus = 1005;
    static constexpr int CloseAbnormal = 1006;
    static constexpr int CloseInvalidData = 1007;
    static constexpr int ClosePolicyViolation = 1008;
    static constexpr int CloseTooBig = 1009;

    /// One frame from the client.
    struct Frame
    {
        bool fin = true;
        int opcode = 0;          /// 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong
        std::string payload;     /// unmasked
    };

    enum class Result
    {
        NeedMore,   /// no whole frame in the buffer yet
        Complete,   /// frame holds the next frame
        Failed      /// a protocol violation: close with closeCode
    };

    /// Takes the next frame from buffer at start (advancing start). maxPayload bounds one frame's
    /// payload (above: Failed with 1009). Unmasked frames, reserved bits, unknown opcodes,
    /// fragmented or long control frames and close frames with a one-byte payload or an invalid
    /// code fail with 1002; a close reason that is not UTF-8 fails with 1007.
    static Result parse(const std::string& buffer, std::size_t& start, std::size_t maxPayload, Frame& frame, int& closeCode,
                        std::string& error);

    /// Appends a final, unmasked frame of opcode and payload to out.
    static void encode(int opcode, std::string_view payload, std::string& out);

    /// Appends a close frame with code (0: none) and reason to out.
    static void encodeClose(int code, std::string_view reason, std::string& out);

    /// The code and reason of a close frame's payload (1005 when it has none).
    static void decodeClose(const std::string& payload, int& code, std::string& reason);

    /// True for a code that may appear in a close frame (RFC 6455 7.4): 1000-1003, 1007-1014 and
    /// 3000-4999.
    static bool validCloseCode(int code);

    /// True when text is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
    static bool validUtf8(std::string_view text);

    /// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key: base64(SHA-1(key + RFC 6455 GUID)).
    static std::string acceptKey(const std::string& key);
};

} // namespace terrarium

#endif
