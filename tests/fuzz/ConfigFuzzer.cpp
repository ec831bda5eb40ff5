// The configuration loader: any text is either a Config or a ConfigError naming the key; nothing
// else may escape, and every address it accepts must pass its own address check.
#include "FuzzCheck.h"

#include "config/ConfigError.h"
#include "config/ConfigLoader.h"
#include "config/JsonChecker.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    // The loader skips a UTF-8 byte order mark before checking.
    const std::string_view body = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? std::string_view(text).substr(3) : std::string_view(text);
    terrarium::JsonChecker::Result checked = terrarium::JsonChecker::check(body);
    try
    {
        terrarium::Config config = terrarium::ConfigLoader::parse(text, {}, {});
        FUZZ_CHECK(!checked.syntaxError && !checked.duplicateKey);
        FUZZ_CHECK(!config.listeners.empty());
        for (const auto& listener : config.listeners) terrarium::ConfigLoader::checkAddress("listen", listener.address);
    }
    catch (const terrarium::ConfigError& e)
    {
        FUZZ_CHECK(std::string(e.what()).size() > 0);
    }
    return 0;
}
