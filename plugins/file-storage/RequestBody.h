// file-storage: a request body wherever the host put it: in memory, or in a spool file
// (Request::bodyFile(), ABI 1.3) for a body above the host's spool threshold.
#ifndef FileStorage_RequestBody_INCLUDED
#define FileStorage_RequestBody_INCLUDED

#include "StagedFile.h"

#include <terrarium/plugin.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace filestorage {

/// The body of one request, valid during handle(); never read whole into memory beyond a bound.
class RequestBody
{
public:
    /// The body of request (its spool file when the host spooled it).
    explicit RequestBody(const terrarium::Request& request);

    /// True when the body is in a spool file.
    bool spooled() const noexcept { return !_path.empty(); }

    /// The body's length in bytes; throws StorageError when the spool file cannot be examined.
    std::uint64_t size() const;

    /// The whole body as text when it has at most limit bytes, else nullopt (nothing read);
    /// throws StorageError when the spool file cannot be read.
    std::optional<std::string> text(std::uint64_t limit) const;

    /// Makes the body the content of the empty staged file: the spool file itself (renamed, or
    /// copied from another file system), or the bytes in memory. Throws StorageError.
    void storeInto(StagedFile& staged) const;

private:
    const terrarium::Request& _request;
    std::string _path;
};

} // namespace filestorage

#endif
