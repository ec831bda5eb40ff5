#include "FileNameRules.h"

#include "Utf8Text.h"

namespace filestorage {

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

} // namespace

std::string FileNameRules::problem(std::string_view name)
{
    if (name.empty()) return "it is empty";
    if (name.size() > maxLength) return "it is longer than " + std::to_string(maxLength) + " bytes";
    for (char ch : name)
    {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7F) return "it contains a NUL or another control character";
    }
    if (name.find_first_of("/\\") != std::string_view::npos) return "it contains a path separator";
    if (name.find("..") != std::string_view::npos) return "it contains '..'";
    if (name.front() == '.') return "it starts with a dot";
    if (!Utf8Text::valid(name)) return "it is not valid UTF-8";
    return std::string();
}

std::string FileNameRules::problemInPath(std::string_view segment, std::string& name)
{
    std::optional<std::string> decoded = percentDecode(segment, true);
    if (!decoded) return "it has a malformed percent-escape";
    name = std::move(*decoded);
    return problem(name);
}

std::string FileNameRules::problemInBody(std::string_view name)
{
    std::string found = problem(name);
    if (!found.empty() || name.find('%') == std::string_view::npos) return found;
    found = problem(*percentDecode(name, false));
    return found.empty() ? found : found + " once percent-decoded";
}

std::optional<std::string> FileNameRules::percentDecode(std::string_view text, bool strict)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i)
    {
        if (text[i] != '%')
        {
            out += text[i];
            continue;
        }
        if (i + 2 < text.size())
        {
            int high = hexValue(text[i + 1]);
            int low = hexValue(text[i + 2]);
            if (high >= 0 && low >= 0)
            {
                out += static_cast<char>(high * 16 + low);
                i += 2;
                continue;
            }
        }
        if (strict) return std::nullopt;
        out += '%';
    }
    return out;
}

} // namespace filestorage
