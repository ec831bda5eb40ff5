#include "StateCodec.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace logthon {

namespace {

constexpr std::string_view magic = "logthon-state 1 ";

/// Reads a decimal number ending at stop from bytes at position at; moves at past stop.
std::uint64_t number(std::string_view bytes, std::size_t& at, char stop)
{
    std::uint64_t value = 0;
    const char* begin = bytes.data() + at;
    const char* end = bytes.data() + bytes.size();
    auto [next, error] = std::from_chars(begin, end, value);
    if (error != std::errc() || next == begin || next == end || *next != stop)
        throw std::invalid_argument("malformed logthon state at byte " + std::to_string(at));
    at = static_cast<std::size_t>(next - bytes.data()) + 1;
    return value;
}

} // namespace

std::string StateCodec::encode(const std::vector<EntryPtr>& entries, std::uint64_t lastId)
{
    std::size_t size = 64;
    for (const auto& entry : entries) size += 48 + entry->service.size() + entry->json.size();
    std::string bytes;
    bytes.reserve(size);
    bytes += magic;
    bytes += std::to_string(lastId) + ' ' + std::to_string(entries.size()) + '\n';
    for (const auto& entry : entries)
    {
        bytes += std::to_string(entry->id) + ' ' + std::to_string(entry->service.size()) + ' ' + std::to_string(entry->json.size()) + '\n';
        bytes += entry->service;
        bytes += entry->json;
    }
    return bytes;
}

StateCodec::State StateCodec::decode(std::string_view bytes)
{
    if (bytes.substr(0, magic.size()) != magic) throw std::invalid_argument("not a logthon state (format 1)");
    State state;
    std::size_t at = magic.size();
    state.lastId = number(bytes, at, ' ');
    std::uint64_t count = number(bytes, at, '\n');
    state.entries.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(count, bytes.size())));
    for (std::uint64_t i = 0; i < count; ++i)
    {
        auto entry = std::make_shared<LogEntry>();
        entry->id = number(bytes, at, ' ');
        std::uint64_t serviceBytes = number(bytes, at, ' ');
        std::uint64_t jsonBytes = number(bytes, at, '\n');
        if (serviceBytes > bytes.size() - at || jsonBytes > bytes.size() - at - serviceBytes)
            throw std::invalid_argument("truncated logthon state at entry " + std::to_string(i));
        entry->service.assign(bytes.substr(at, serviceBytes));
        at += serviceBytes;
        entry->json.assign(bytes.substr(at, jsonBytes));
        at += jsonBytes;
        state.entries.push_back(std::move(entry));
    }
    if (at != bytes.size()) throw std::invalid_argument("trailing bytes after the logthon state");
    return state;
}

} // namespace logthon
