// file-storage: the single byte range a raw download serves (RFC 9110 14.1.2, "Range").
#ifndef FileStorage_ByteRange_INCLUDED
#define FileStorage_ByteRange_INCLUDED

#include <cstdint>
#include <string>
#include <string_view>

namespace filestorage {

/// What a Range header asks of a representation of a known size.
class ByteRange
{
public:
    enum class Kind
    {
        Whole,           ///< no usable Range: serve everything (200)
        Part,            ///< one satisfiable range: serve first..last (206)
        Unsatisfiable    ///< a range that starts past the end, or "-0": 416
    };

    /// Reads header (a Range value; empty for none) against size bytes. "bytes=a-b", "bytes=a-" and
    /// "bytes=-n" are served; a last position past the end is clamped; several ranges, other units
    /// and malformed or backwards ranges (b < a) are ignored (Whole), as RFC 9110 allows.
    static ByteRange parse(std::string_view header, std::uint64_t size);

    /// What the header asked.
    Kind kind() const noexcept { return _kind; }
    /// First byte served (0 for Whole).
    std::uint64_t first() const noexcept { return _first; }
    /// Number of bytes served (the size for Whole, 0 when Unsatisfiable).
    std::uint64_t length() const noexcept { return _length; }
    /// The Content-Range value: "bytes first-last/size" for Part, "bytes */size" when Unsatisfiable.
    std::string contentRange() const;

private:
    ByteRange(Kind kind, std::uint64_t first, std::uint64_t length, std::uint64_t size)
        : _kind(kind), _first(first), _length(length), _size(size) {}

    Kind _kind;
    std::uint64_t _first;
    std::uint64_t _length;
    std::uint64_t _size;
};

} // namespace filestorage

#endif
