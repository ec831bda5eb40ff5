// logthon: the SQLite database that keeps the entries across restarts (Poco Data).
#ifndef Logthon_LogDatabase_INCLUDED
#define Logthon_LogDatabase_INCLUDED

#include "LogEntry.h"

#include <Poco/Data/Session.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace logthon {

/// One SQLite file in WAL mode (synchronous=NORMAL): table logs(id, service, entry) with the
/// entries' JSON text, and meta(key, value) with the last id given, so that ids keep increasing
/// even after every entry was cleared. Used by one thread at a time (the constructor's, then the
/// writer's). Every failure throws std::runtime_error naming the file and the cause.
class LogDatabase
{
public:
    /// A clear of service ("" = every service): rows with id <= upToId go.
    struct Clear
    {
        std::string service;
        std::uint64_t upToId = 0;
    };

    /// What the file holds.
    struct Content
    {
        std::vector<EntryPtr> entries;   /// in id order
        std::uint64_t lastId = 0;
    };

    /// Opens (creates, with its directory) the file at path and its tables.
    explicit LogDatabase(const std::string& path);

    LogDatabase(const LogDatabase&) = delete;
    LogDatabase& operator=(const LogDatabase&) = delete;

    /// Every entry and the last id.
    Content load();

    /// In one transaction: inserts added (ignoring ids already stored), applies clears, removes
    /// each service's rows with an id below keepFrom[service] (retention), records lastId.
    void write(const std::vector<EntryPtr>& added, const std::vector<Clear>& clears, const std::map<std::string, std::uint64_t>& keepFrom,
               std::uint64_t lastId);

    /// The file's path.
    const std::string& path() const noexcept { return _path; }

private:
    [[noreturn]] void fail(const std::string& what, const std::exception& cause) const;

    std::string _path;
    Poco::Data::Session _session;
};

} // namespace logthon

#endif
