// Terrarium plugin SDK, part of the fake host (include <terrarium/testing/fake_host.hpp>, not this):
// the header and configuration types every part uses, status names and small text helpers.
#ifndef TERRARIUM_TESTING_FAKE_HOST_COMMON_HPP
#define TERRARIUM_TESTING_FAKE_HOST_COMMON_HPP

#include "terrarium/plugin.h"

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace terrarium {
namespace testing {

/// Name/value pairs in order: HTTP headers and log fields.
using Headers = std::vector<std::pair<std::string, std::string>>;

/// Flat configuration: '.'-separated keys to values, as config_get returns them.
using FlatConfig = std::map<std::string, std::string, std::less<>>;

/// The symbolic name of a status ("TRM_ERR_INVALID"), or "unknown status" for other values.
inline const char* statusName(trm_status status) noexcept
{
    switch (status) {
    case TRM_OK: return "TRM_OK";
    case TRM_AGAIN: return "TRM_AGAIN";
    case TRM_ERR_INTERNAL: return "TRM_ERR_INTERNAL";
    case TRM_ERR_INVALID: return "TRM_ERR_INVALID";
    case TRM_ERR_NOT_FOUND: return "TRM_ERR_NOT_FOUND";
    case TRM_ERR_NO_MEMORY: return "TRM_ERR_NO_MEMORY";
    case TRM_ERR_UNSUPPORTED: return "TRM_ERR_UNSUPPORTED";
    case TRM_ERR_TOO_LARGE: return "TRM_ERR_TOO_LARGE";
    case TRM_ERR_TIMEOUT: return "TRM_ERR_TIMEOUT";
    case TRM_ERR_UNAVAILABLE: return "TRM_ERR_UNAVAILABLE";
    case TRM_ERR_FORBIDDEN: return "TRM_ERR_FORBIDDEN";
    case TRM_ERR_BAD_REQUEST: return "TRM_ERR_BAD_REQUEST";
    default: return "unknown status";
    }
}

namespace detail {

inline char lowerAscii(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool equalsNoCase(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lowerAscii(a[i]) != lowerAscii(b[i])) return false;
    return true;
}

inline std::optional<std::string> findPair(const Headers& pairs, std::string_view name)
{
    for (const auto& p : pairs)
        if (equalsNoCase(p.first, name)) return p.second;
    return std::nullopt;
}

/// A view of a trm_str; nothing when the view is malformed (NULL pointer with a length).
inline std::optional<std::string_view> viewOf(trm_str s) noexcept
{
    if (s.len == 0) return std::string_view();
    if (s.ptr == nullptr) return std::nullopt;
    return std::string_view(s.ptr, s.len);
}

} // namespace detail
} // namespace testing
} // namespace terrarium

#endif // TERRARIUM_TESTING_FAKE_HOST_COMMON_HPP
