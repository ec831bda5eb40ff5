#ifndef Terrarium_BodyPolicy_INCLUDED
#define Terrarium_BodyPolicy_INCLUDED

#include <cstdint>

namespace terrarium {

/// Where the body of a request goes, decided once its headers are complete: in memory (bounded
/// by limits.max_body_bytes), or, above spoolAbove bytes, into a spool file as it arrives
/// (bounded by spoolLimit instead, and not counted against the listener's in-memory bound).
struct BodyPolicy
{
    std::uint64_t spoolAbove = 0;   /// bodies longer than this are spooled (when spools())
    std::uint64_t spoolLimit = 0;   /// the largest body taken when spooling; 0: never spool

    /// True when bodies above spoolAbove go to a spool file.
    bool spools() const { return spoolLimit > 0; }
};

} // namespace terrarium

#endif
