// logthon: the state handed from one generation to the next on a hot reload.
#ifndef Logthon_StateCodec_INCLUDED
#define Logthon_StateCodec_INCLUDED

#include "LogEntry.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logthon {

/// Encodes every entry and the last id given as bytes: "logthon-state 1 <lastId> <count>\n", then
/// per entry "<id> <service bytes> <json bytes>\n<service><json>". No escaping, no parsing of
/// the JSON: a reload under load hands over what is in memory quickly.
class StateCodec
{
public:
    /// What a state holds.
    struct State
    {
        std::vector<EntryPtr> entries;   /// in id order
        std::uint64_t lastId = 0;
    };

    /// The bytes of entries and lastId.
    static std::string encode(const std::vector<EntryPtr>& entries, std::uint64_t lastId);

    /// The state in bytes; throws std::invalid_argument when they are not a state of this format.
    static State decode(std::string_view bytes);
};

} // namespace logthon

#endif
