#include "ByteRange.h"

#include <Poco/String.h>

#include <limits>

namespace filestorage {

namespace {

/// Digits as a number, saturating at the largest uint64; false when text is not 1*DIGIT.
bool readNumber(std::string_view text, std::uint64_t& out)
{
    if (text.empty()) return false;
    out = 0;
    for (char c : text)
    {
        if (c < '0' || c > '9') return false;
        auto digit = static_cast<std::uint64_t>(c - '0');
        if (out > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
            out = std::numeric_limits<std::uint64_t>::max();
        else
            out = out * 10 + digit;
    }
    return true;
}

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

} // namespace

ByteRange ByteRange::parse(std::string_view header, std::uint64_t size)
{
    const ByteRange whole(Kind::Whole, 0, size, size);
    const ByteRange unsatisfiable(Kind::Unsatisfiable, 0, 0, size);
    header = trimmed(header);
    constexpr std::string_view unit = "bytes=";
    if (header.size() < unit.size() || Poco::icompare(std::string(header.substr(0, unit.size())), std::string(unit)) != 0) return whole;
    std::string_view spec = trimmed(header.substr(unit.size()));
    if (spec.find(',') != std::string_view::npos) return whole;
    std::size_t dash = spec.find('-');
    if (dash == std::string_view::npos) return whole;
    std::string_view firstText = spec.substr(0, dash);
    std::string_view lastText = spec.substr(dash + 1);
    std::uint64_t first = 0, last = 0;
    if (firstText.empty())
    {
        if (!readNumber(lastText, last)) return whole;
        if (last == 0 || size == 0) return unsatisfiable;
        std::uint64_t length = last < size ? last : size;
        return ByteRange(Kind::Part, size - length, length, size);
    }
    if (!readNumber(firstText, first)) return whole;
    if (lastText.empty())
        last = std::numeric_limits<std::uint64_t>::max();
    else if (!readNumber(lastText, last) || last < first)
        return whole;
    if (first >= size) return unsatisfiable;
    if (last >= size) last = size - 1;
    return ByteRange(Kind::Part, first, last - first + 1, size);
}

std::string ByteRange::contentRange() const
{
    if (_kind == Kind::Unsatisfiable) return "bytes */" + std::to_string(_size);
    return "bytes " + std::to_string(_first) + "-" + std::to_string(_first + _length - 1) + "/" + std::to_string(_size);
}

} // namespace filestorage
