// Secret paths and keys: whatever a plugin asks for, a valid path never names anything above a
// provider's root, and the files provider never opens a file outside its directory.
#include "FuzzCheck.h"

#include "secrets/FileSecretProvider.h"
#include "secrets/SecretPath.h"

#include <Poco/File.h>
#include <Poco/Path.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>

namespace {

/// A files provider over a directory holding one secret, beside a file it must never read.
struct Provider
{
    std::string root;
    std::unique_ptr<terrarium::FileSecretProvider> files;

    Provider()
    {
        std::string base = fuzzScratchDirectory();
        root = base + "/secrets";
        Poco::File(root + "/app").createDirectories();
        std::ofstream(root + "/app/config.json") << R"({"key":"value"})";
        std::ofstream(base + "/outside.json") << R"({"leaked":"yes"})";
        files = std::make_unique<terrarium::FileSecretProvider>(root);
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static Provider provider;
    const std::string path(reinterpret_cast<const char*>(data), size);
    const std::string problem = terrarium::SecretPath::check(path);
    terrarium::SecretPath::checkKey(path);
    if (problem.empty())
    {
        auto segments = terrarium::SecretPath::segments(path);
        FUZZ_CHECK(!segments.empty());
        for (const auto& segment : segments) FUZZ_CHECK(!segment.empty() && segment != "." && segment != "..");
    }
    terrarium::SecretRead read = provider.files->read(path);
    if (read.outcome == terrarium::SecretOutcome::Found) FUZZ_CHECK(read.values.count("leaked") == 0);
    if (!problem.empty()) FUZZ_CHECK(read.outcome != terrarium::SecretOutcome::Found);
    return 0;
}
