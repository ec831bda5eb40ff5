#include "LogDatabase.h"

#include <Poco/Data/Binding.h>
#include <Poco/Data/Extraction.h>
#include <Poco/Data/SQLite/SessionImpl.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Path.h>

#include <stdexcept>

using namespace Poco::Data::Keywords;

namespace logthon {

namespace {

/// Seconds Poco's SQLite connector keeps trying to open a file that cannot be opened.
constexpr std::size_t openTimeoutSeconds = 1;

Poco::Data::Session openSession(const std::string& path)
{
    try
    {
        Poco::File directory(Poco::Path(path).parent());
        directory.createDirectories();
        if (!directory.isDirectory()) throw std::runtime_error("cannot open the log database " + path + ": " + directory.path() + " is not a directory");
        if (!directory.canWrite()) throw std::runtime_error("cannot open the log database " + path + ": " + directory.path() + " is not writable");
        return Poco::Data::Session(new Poco::Data::SQLite::SessionImpl(path, openTimeoutSeconds));
    }
    catch (const Poco::Exception& e)
    {
        throw std::runtime_error("cannot open the log database " + path + ": " + e.displayText());
    }
}

std::string describe(const std::exception& e)
{
    if (auto poco = dynamic_cast<const Poco::Exception*>(&e)) return poco->displayText();
    return e.what();
}

} // namespace

LogDatabase::LogDatabase(const std::string& path) : _path(path), _session(openSession(path))
{
    try
    {
        _session.setConnectionTimeout(10);   // seconds: waits for the other generation's transaction during a reload
        std::string mode;
        _session << "PRAGMA journal_mode=WAL", into(mode), now;
        _session << "PRAGMA synchronous=NORMAL", now;
        _session << "CREATE TABLE IF NOT EXISTS logs (id INTEGER PRIMARY KEY, service TEXT NOT NULL, entry TEXT NOT NULL)", now;
        _session << "CREATE INDEX IF NOT EXISTS logs_service_id ON logs(service, id)", now;
        _session << "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)", now;
    }
    catch (const std::exception& e)
    {
        fail("cannot open the log database", e);
    }
}

void LogDatabase::fail(const std::string& what, const std::exception& cause) const
{
    throw std::runtime_error(what + " " + _path + ": " + describe(cause));
}

LogDatabase::Content LogDatabase::load()
{
    Content content;
    try
    {
        std::vector<Poco::Int64> ids;
        std::vector<std::string> services;
        std::vector<std::string> entries;
        _session << "SELECT id, service, entry FROM logs ORDER BY id", into(ids), into(services), into(entries), now;
        content.entries.reserve(ids.size());
        for (std::size_t i = 0; i < ids.size(); ++i)
        {
            auto entry = std::make_shared<LogEntry>();
            entry->id = static_cast<std::uint64_t>(ids[i]);
            entry->service = std::move(services[i]);
            entry->json = std::move(entries[i]);
            content.entries.push_back(std::move(entry));
        }
        std::vector<Poco::Int64> last;
        _session << "SELECT value FROM meta WHERE key = 'last_id'", into(last), now;
        if (!last.empty()) content.lastId = static_cast<std::uint64_t>(last.front());
        if (!content.entries.empty() && content.entries.back()->id > content.lastId) content.lastId = content.entries.back()->id;
    }
    catch (const std::exception& e)
    {
        fail("cannot read the log database", e);
    }
    return content;
}

void LogDatabase::write(const std::vector<EntryPtr>& added, const std::vector<Clear>& clears, const std::map<std::string, std::uint64_t>& keepFrom,
                        std::uint64_t lastId)
{
    try
    {
        _session.begin();
        if (!added.empty())
        {
            std::vector<Poco::Int64> ids;
            std::vector<std::string> services;
            std::vector<std::string> entries;
            ids.reserve(added.size());
            services.reserve(added.size());
            entries.reserve(added.size());
            for (const auto& entry : added)
            {
                ids.push_back(static_cast<Poco::Int64>(entry->id));
                services.push_back(entry->service);
                entries.push_back(entry->json);
            }
            _session << "INSERT OR IGNORE INTO logs (id, service, entry) VALUES (?, ?, ?)", use(ids), use(services), use(entries), now;
        }
        for (const auto& clear : clears)
        {
            Poco::Int64 upTo = static_cast<Poco::Int64>(clear.upToId);
            std::string service = clear.service;
            if (service.empty())
                _session << "DELETE FROM logs WHERE id <= ?", use(upTo), now;
            else
                _session << "DELETE FROM logs WHERE service = ? AND id <= ?", use(service), use(upTo), now;
        }
        for (const auto& keep : keepFrom)
        {
            std::string service = keep.first;
            Poco::Int64 from = static_cast<Poco::Int64>(keep.second);
            _session << "DELETE FROM logs WHERE service = ? AND id < ?", use(service), use(from), now;
        }
        Poco::Int64 last = static_cast<Poco::Int64>(lastId);
        _session << "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_id', ?)", use(last), now;
        _session.commit();
    }
    catch (const std::exception& e)
    {
        try
        {
            if (_session.isTransaction()) _session.rollback();
        }
        catch (...)
        {
        }
        fail("cannot write to the log database", e);
    }
}

} // namespace logthon
