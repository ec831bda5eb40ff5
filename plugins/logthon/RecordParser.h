// logthon: reads and checks the body of a log submission (one record or a batch).
#ifndef Logthon_RecordParser_INCLUDED
#define Logthon_RecordParser_INCLUDED

#include "IncomingRecord.h"
#include "IngestError.h"

#include <Poco/JSON/Object.h>

#include <cstddef>
#include <string_view>
#include <vector>

namespace logthon {

/// Turns a POST body into checked records, all or none: a JSON object is one record, a JSON array
/// a batch of them. Throws IngestError for the first problem found (README.md lists them).
class RecordParser
{
public:
    /// A parser that refuses messages over maxMessageBytes and batches over maxBatchRecords.
    RecordParser(std::size_t maxMessageBytes, std::size_t maxBatchRecords);

    /// The records of body, in order; throws IngestError.
    std::vector<IncomingRecord> parse(std::string_view body) const;

    /// True when body starts with '[' (after white space): a batch.
    static bool isBatch(std::string_view body);

private:
    /// One record object; index is its batch index or -1.
    IncomingRecord record(const Poco::JSON::Object& object, long index) const;

    std::size_t _maxMessageBytes;
    std::size_t _maxBatchRecords;
};

} // namespace logthon

#endif
