// The JSON checker that points at the line and column of a configuration's syntax error: it must
// agree with Poco's parser on what is valid JSON and give positions inside the text.
#include "FuzzCheck.h"

#include "config/JsonChecker.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    terrarium::JsonChecker::Result result = terrarium::JsonChecker::check(text);
    const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    for (const auto& issue : {result.syntaxError, result.duplicateKey})
    {
        if (!issue) continue;
        FUZZ_CHECK(issue->line >= 1 && issue->line <= lines);
        FUZZ_CHECK(issue->column >= 1 && issue->column <= text.size() + 1);
        FUZZ_CHECK(!issue->message.empty());
    }
    // Poco 1.11's parser fails on some top-level scalars ("\n0"); configurations are objects.
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    const bool container = first != std::string::npos && (text[first] == '{' || text[first] == '[');
    if (!result.syntaxError && container && text.find('\0') == std::string::npos)
    {
        try
        {
            Poco::JSON::Parser().parse(text);
        }
        catch (const Poco::Exception&)
        {
            FUZZ_CHECK(!"the checker accepted JSON that Poco's parser refuses");
        }
    }
    return 0;
}
