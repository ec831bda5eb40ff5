// file-storage's name rules: a name they accept is one plain file name inside the storage
// directory, whatever the client sent (in a path segment, percent-encoded, or in a JSON body).
#include "FuzzCheck.h"

#include "FileNameRules.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

void checkAccepted(const std::string& name)
{
    FUZZ_CHECK(!name.empty() && name.size() <= filestorage::FileNameRules::maxLength);
    FUZZ_CHECK(name != "." && name != "..");
    FUZZ_CHECK(name.find('/') == std::string::npos && name.find('\\') == std::string::npos);
    FUZZ_CHECK(name[0] != '.');
    FUZZ_CHECK(name.find('\0') == std::string::npos);
    for (unsigned char c : name) FUZZ_CHECK(c >= 0x20 && c != 0x7f);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using filestorage::FileNameRules;
    const std::string text(reinterpret_cast<const char*>(data), size);
    if (FileNameRules::problem(text).empty()) checkAccepted(text);
    if (FileNameRules::problemInBody(text).empty()) checkAccepted(text);
    std::string decoded;
    if (FileNameRules::problemInPath(text, decoded).empty()) checkAccepted(decoded);
    FileNameRules::percentDecode(text, true);
    FileNameRules::percentDecode(text, false);
    return 0;
}
