#include "Logthon.h"

#include "StateCodec.h"

#include <terrarium/assets.hpp>
#include <terrarium/json.hpp>

#include <algorithm>
#include <set>

namespace logthon {

namespace {

/// Entries the live stream may have waiting for its thread; more are not streamed (counted).
constexpr std::size_t streamQueueLimit = 100000;

bool isRead(std::string_view method) { return method == "GET" || method == "HEAD"; }

} // namespace

Logthon::Logthon(terrarium::Host& host)
    : _host(host),
      _settings(LogthonSettings::read(host)),
      _parser(_settings.maxMessageBytes, _settings.maxBatchRecords),
      _store([this](const std::string& service) { return _settings.maxLogsFor(service); }),
      _files(host)
{
    if (!_settings.database.empty()) openDatabase();
    else
        _host.log(terrarium::LogLevel::Warn, "no log database configured (config 'database', LOGTHON_DATABASE, or a host that answers "
                                             "terrarium.state_dir): logs are kept in memory only");
    _stream = std::make_unique<LiveStream>(host, _store, _settings.initialLogs, _settings.maxWebSocketConnections, streamQueueLimit);
    _api = std::make_unique<LogApi>(host, _parser, _store, *_stream, PersistenceStatus{_settings.database, _writer.get(), &_persistenceError});
    LogStore::Listeners listeners;
    PersistenceWriter* writer = _writer.get();
    LiveStream* stream = _stream.get();
    listeners.added = [writer, stream](const std::vector<EntryPtr>& entries) {
        if (writer) writer->added(entries);
        stream->added(entries);
    };
    if (writer) listeners.cleared = [writer](const std::string& service, std::uint64_t upToId) { writer->cleared(service, upToId); };
    _store.setListeners(std::move(listeners));
    _host.log(terrarium::LogLevel::Info, "logthon ready",
              {{"database", _settings.database.empty() ? std::string("none (memory only)") : _settings.database},
               {"persistence", _writer ? "on" : "off"},
               {"entries_loaded", std::to_string(_store.all().size())},
               {"last_id", std::to_string(_store.lastId())},
               {"max_logs", std::to_string(_settings.defaultMaxLogs)},
               {"max_ws_connections", std::to_string(_settings.maxWebSocketConnections)}});
}

Logthon::~Logthon()
{
    _stream.reset();
    _writer.reset();
}

void Logthon::openDatabase()
{
    try
    {
        auto database = std::make_unique<LogDatabase>(_settings.database);
        LogDatabase::Content content = database->load();
        _store.replace(content.entries, content.lastId);
        _writer = std::make_unique<PersistenceWriter>(
            std::move(database), [this](const std::string& service) { return _store.oldestId(service); }, [this] { return _store.lastId(); },
            _settings.writerQueueRecords, _host);
        std::set<std::string> services;
        for (const auto& entry : content.entries) services.insert(entry->service);
        _writer->prune(std::vector<std::string>(services.begin(), services.end()));
    }
    catch (const std::exception& e)
    {
        _persistenceError = e.what();
        _writer.reset();
        _store.replace({}, 0);
        _host.log(terrarium::LogLevel::Error, "log database unavailable: logs are kept in memory only",
                  {{"database", _settings.database}, {"source", _settings.databaseSource}, {"error", _persistenceError}});
    }
}

void Logthon::handle(const terrarium::Request& request, terrarium::Response& response)
{
    const std::string_view method = request.method();
    const std::string_view path = request.path();
    if (path == "/logs" || path == "/api/logs")
    {
        if (method == "POST") return _api->ingest(request, response);
        if (isRead(method)) return _api->query(request, response);
        if (method == "DELETE") return _api->clear(request, response);
        return methodNotAllowed(response, "GET, HEAD, POST, DELETE");
    }
    if (path == "/" || path == "/index.html")
    {
        if (method == "POST" && path == "/") return _api->ingest(request, response);
        if (isRead(method) && terrarium::serveAsset("index.html", response)) return;
        return methodNotAllowed(response, path == "/" ? "GET, HEAD, POST" : "GET, HEAD");
    }
    if (path == "/ws")
    {
        if (method != "GET") return methodNotAllowed(response, "GET");
        try
        {
            _stream->accept(_host, request, response);
        }
        catch (const terrarium::Error& e)
        {
            if (e.status() != TRM_ERR_BAD_REQUEST) throw;
            terrarium::json::respondError(response, 400, "not_websocket", "GET /ws needs a WebSocket upgrade (Upgrade: websocket)");
        }
        return;
    }
    if (path == "/files" || path.substr(0, 7) == "/files/") return _files.forward(request, response);
    if (path == "/health" || path == "/storage/info" || path == "/websocket/info")
    {
        if (!isRead(method)) return methodNotAllowed(response, "GET, HEAD");
        if (path == "/health") return _api->health(response);
        if (path == "/storage/info") return _api->storageInfo(response);
        return _api->webSocketInfo(response);
    }
    if (isRead(method) && (path == "/app.js" || path == "/style.css") && terrarium::serveAsset(path.substr(1), response)) return;
    terrarium::json::respondError(response, 404, "not_found", "no route " + std::string(path) + " on logthon");
}

std::string Logthon::snapshot()
{
    if (_writer) _writer->flush();
    std::vector<EntryPtr> entries = _store.all();
    std::uint64_t lastId = _store.lastId();
    _host.log(terrarium::LogLevel::Info, "handing over the log entries", {{"entries", std::to_string(entries.size())}, {"last_id", std::to_string(lastId)}});
    return StateCodec::encode(entries, lastId);
}

void Logthon::restore(std::string_view state)
{
    StateCodec::State previous = StateCodec::decode(state);
    std::vector<EntryPtr> entries = std::move(previous.entries);
    for (const auto& own : _store.all())
        if (own->id > previous.lastId) entries.push_back(own);
    _store.replace(entries, std::max(previous.lastId, _store.lastId()));
    _host.log(terrarium::LogLevel::Info, "log entries taken over", {{"entries", std::to_string(entries.size())}, {"last_id", std::to_string(_store.lastId())}});
}

void Logthon::methodNotAllowed(terrarium::Response& response, const char* allow)
{
    response.header("Allow", allow);
    terrarium::json::respondError(response, 405, "method_not_allowed", std::string("allowed: ") + allow);
}

} // namespace logthon

TERRARIUM_PLUGIN(logthon::Logthon, "logthon", "1.0.0", terrarium::route("/api/logthon"), terrarium::route("/api/logs"))
