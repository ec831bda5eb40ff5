// WebSocket frames from a client: framing, masking, control-frame and close-code rules, UTF-8.
#include "FuzzCheck.h"

#include "http/WebSocketCodec.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using terrarium::WebSocketCodec;
    const std::string buffer(reinterpret_cast<const char*>(data), size);
    std::size_t start = 0;
    for (;;)
    {
        WebSocketCodec::Frame frame;
        int closeCode = 0;
        std::string error;
        const std::size_t before = start;
        WebSocketCodec::Result result = WebSocketCodec::parse(buffer, start, 4096, frame, closeCode, error);
        FUZZ_CHECK(start <= buffer.size());
        if (result == WebSocketCodec::Result::NeedMore)
        {
            FUZZ_CHECK(start == before);
            break;
        }
        if (result == WebSocketCodec::Result::Failed)
        {
            FUZZ_CHECK(WebSocketCodec::validCloseCode(closeCode));
            FUZZ_CHECK(!error.empty());
            break;
        }
        FUZZ_CHECK(start > before);
        FUZZ_CHECK(frame.payload.size() <= 4096);
        if (frame.opcode >= 8) FUZZ_CHECK(frame.fin && frame.payload.size() <= 125);
        if (frame.opcode == 8 && !frame.payload.empty())
        {
            int code = 0;
            std::string reason;
            WebSocketCodec::decodeClose(frame.payload, code, reason);
            FUZZ_CHECK(WebSocketCodec::validCloseCode(code));
            FUZZ_CHECK(WebSocketCodec::validUtf8(reason));
            std::string encoded;
            WebSocketCodec::encodeClose(code, reason, encoded);
            FUZZ_CHECK(!encoded.empty());
        }
    }
    WebSocketCodec::validUtf8(buffer);
    return 0;
}
