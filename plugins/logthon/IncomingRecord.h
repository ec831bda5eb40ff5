// logthon: a submitted record, validated, before it gets its id and server time.
#ifndef Logthon_IncomingRecord_INCLUDED
#define Logthon_IncomingRecord_INCLUDED

#include <cstdint>
#include <string>

namespace logthon {

/// One record of a POST, checked by RecordParser. The JSON members are ready to be written.
struct IncomingRecord
{
    std::string service;
    std::string level;              /// upper case; "INFO" when not sent
    std::string message;
    std::string metadataJson;       /// a JSON object ("{}" when not sent)
    std::string clientTimestamp;    /// the client's timestamp as JSON (a string or a number); empty when not sent
    std::string requestId;          /// empty when not sent

    /// The entry's JSON text after its id member (",\"timestamp\":...}"), with the server's
    /// timestamp (ISO 8601 text); LogStore puts "{\"id\":<id>" in front once the id is known.
    std::string entryTail(const std::string& timestamp) const;
};

} // namespace logthon

#endif
