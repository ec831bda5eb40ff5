#ifndef Terrarium_ValueRange_INCLUDED
#define Terrarium_ValueRange_INCLUDED

#include <Poco/Timespan.h>

#include <cstddef>
#include <cstdint>
#include <limits>

namespace terrarium {

/// An accepted range of integers for a setting, and how messages describe it.
struct ValueRange
{
    std::uint64_t min;     /// smallest accepted value
    std::uint64_t max;     /// largest accepted value
    const char* expected;  /// the range in words, for messages ("an integer from 1 to 20")

    static const ValueRange ATTEMPTS;        /// tries of a client call: 1..20
    static const ValueRange COUNT;           /// counts of things: 1..1000000
    static const ValueRange MILLIS_OR_ZERO;  /// a duration in milliseconds, 0 allowed
    static const ValueRange THREADS;         /// worker threads: 1..1024
    static const ValueRange QUEUE;           /// queued connections: 1..100000
    static const ValueRange HOLD;            /// requests held during restore: 0..100000
    static const ValueRange IO_THREADS;      /// I/O threads: 1..64
    static const ValueRange CONNECTIONS;     /// open connections: 1..1000000
    static const ValueRange BYTES;           /// a size in bytes, at least 1
    static const ValueRange BYTES_OR_ZERO;   /// a size in bytes, 0 allowed
    static const ValueRange MILLIS;          /// a duration in milliseconds, at least 1
};

inline constexpr ValueRange ValueRange::ATTEMPTS = {1, 20, "an integer from 1 to 20"};
inline constexpr ValueRange ValueRange::COUNT = {1, 1000000, "an integer from 1 to 1000000"};
inline constexpr ValueRange ValueRange::MILLIS_OR_ZERO = {
    0, static_cast<std::uint64_t>(std::numeric_limits<Poco::Timespan::TimeDiff>::max() / 1000),
    "an integer >= 0 (milliseconds)"};
inline constexpr ValueRange ValueRange::THREADS = {1, 1024, "an integer from 1 to 1024"};
inline constexpr ValueRange ValueRange::QUEUE = {1, 100000, "an integer from 1 to 100000"};
inline constexpr ValueRange ValueRange::HOLD = {0, 100000, "an integer from 0 to 100000"};
inline constexpr ValueRange ValueRange::IO_THREADS = {1, 64, "an integer from 1 to 64"};
inline constexpr ValueRange ValueRange::CONNECTIONS = {1, 1000000, "an integer from 1 to 1000000"};
inline constexpr ValueRange ValueRange::BYTES = {1, std::numeric_limits<std::size_t>::max(), "a positive integer (bytes)"};
inline constexpr ValueRange ValueRange::BYTES_OR_ZERO = {0, std::numeric_limits<std::size_t>::max(), "an integer >= 0 (bytes)"};
inline constexpr ValueRange ValueRange::MILLIS = {
    1, static_cast<std::uint64_t>(std::numeric_limits<Poco::Timespan::TimeDiff>::max() / 1000),
    "a positive integer (milliseconds)"};

} // namespace terrarium

#endif
