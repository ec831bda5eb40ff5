// The HTTP/1.1 request parser (heads, Content-Length and chunked bodies, pipelining) fed the input
// in pieces of a size the first byte chooses, as a connection's reads would deliver it.
#include "FuzzCheck.h"

#include "config/Config.h"
#include "http/HttpReply.h"
#include "http/IncomingRequest.h"
#include "http/RequestParser.h"

#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>
#include <Poco/NullChannel.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace {

terrarium::LimitsConfig limits()
{
    Poco::Logger::root().setChannel(Poco::AutoPtr<Poco::NullChannel>(new Poco::NullChannel));
    Poco::Logger::root().setLevel(Poco::Message::PRIO_FATAL);
    terrarium::LimitsConfig limits;
    limits.maxHeaderBytes = 4096;
    limits.maxBodyBytes = 64 * 1024;
    return limits;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const terrarium::LimitsConfig configured = limits();
    if (size < 1) return 0;
    const std::size_t piece = 1 + data[0] % 64;
    const std::string input(reinterpret_cast<const char*>(data + 1), size - 1);

    terrarium::RequestParser parser(configured);
    parser.setOrigin("127.0.0.1:1", "main");
    std::string buffer;
    std::size_t start = 0;
    std::size_t fed = 0;
    auto request = std::make_unique<terrarium::IncomingRequest>();
    while (fed < input.size())
    {
        std::size_t n = std::min(piece, input.size() - fed);
        buffer.append(input, fed, n);
        fed += n;
        for (;;)
        {
            terrarium::HttpReply failure;
            const std::size_t before = start;
            terrarium::RequestParser::Result result = parser.parse(buffer, start, *request, failure);
            FUZZ_CHECK(start >= before && start <= buffer.size());
            if (result == terrarium::RequestParser::Result::Failed) return 0;
            if (result == terrarium::RequestParser::Result::NeedMore) break;
            FUZZ_CHECK(!request->method.empty());
            FUZZ_CHECK(!request->path.empty());
            FUZZ_CHECK(request->path == "*" || request->path[0] == '/');
            FUZZ_CHECK(request->body.size() <= configured.maxBodyBytes);
            FUZZ_CHECK(request->path.find("/../") == std::string::npos);
            request = std::make_unique<terrarium::IncomingRequest>();
        }
        // A connection drops what has been consumed once a request is complete.
        if (start > 0 && !parser.started())
        {
            buffer.erase(0, start);
            start = 0;
        }
    }
    return 0;
}
