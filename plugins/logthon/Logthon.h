// logthon: the Edge-Terrarium log aggregator as a Terrarium plugin (services.md §5). Routes
// /api/logthon and /api/logs (prefix stripped); see README.md for every answer.
#ifndef Logthon_Logthon_INCLUDED
#define Logthon_Logthon_INCLUDED

#include "FilesProxy.h"
#include "LiveStream.h"
#include "LogApi.h"
#include "LogStore.h"
#include "LogthonSettings.h"
#include "PersistenceWriter.h"
#include "RecordParser.h"

#include <terrarium/plugin.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace logthon {

/// The plugin: keeps the entries (LogStore), persists them (PersistenceWriter, when a database is
/// configured and opens), streams them (LiveStream), and routes each request to the API, the
/// stream, the /files proxy or the web UI. State across a hot reload: snapshot() writes out what
/// is queued for the database and hands every entry and the last id to the next generation.
class Logthon
{
public:
    /// Reads the settings, opens and loads the database (a database that cannot be opened is
    /// logged and leaves logthon in memory only), starts the writer and the stream threads.
    explicit Logthon(terrarium::Host& host);

    /// Writes what is queued for the database and joins the threads.
    ~Logthon();

    /// Serves one request; never throws for bad input.
    void handle(const terrarium::Request& request, terrarium::Response& response);

    /// Every entry and the last id (after writing out what is queued for the database).
    std::string snapshot();

    /// Takes the previous generation's entries and ids in place of what was loaded at start.
    void restore(std::string_view state);

    /// The settings in force.
    const LogthonSettings& settings() const noexcept { return _settings; }

private:
    /// Opens the database and loads it into the store; logs and remembers why when it fails.
    void openDatabase();
    /// 405 with Allow.
    static void methodNotAllowed(terrarium::Response& response, const char* allow);

    terrarium::Host& _host;
    LogthonSettings _settings;
    RecordParser _parser;
    LogStore _store;
    std::unique_ptr<PersistenceWriter> _writer;
    std::string _persistenceError;
    std::unique_ptr<LiveStream> _stream;
    FilesProxy _files;
    std::unique_ptr<LogApi> _api;
};

} // namespace logthon

#endif
