// logthon: the JSON routes of services.md §5 (ingestion, query, clear, health, storage, stream info).
#ifndef Logthon_LogApi_INCLUDED
#define Logthon_LogApi_INCLUDED

#include "LiveStream.h"
#include "LogStore.h"
#include "PersistenceWriter.h"
#include "RecordParser.h"

#include <terrarium/plugin.hpp>

#include <cstddef>
#include <string>

namespace logthon {

/// What the API reports about persistence.
struct PersistenceStatus
{
    std::string database;                /// the file; empty: persistence is off
    const PersistenceWriter* writer;     /// null: off, or the file could not be opened
    const std::string* openError;        /// why it could not be opened (empty otherwise)
};

/// Answers the JSON routes. Every answer is application/json; every refusal is
/// {"error","message"} (plus "index" for a batch record) and is logged with its cause.
class LogApi
{
public:
    /// The largest limit of GET /logs.
    static constexpr std::size_t maxQueryLimit = 10000;
    /// The limit of GET /logs without one.
    static constexpr std::size_t defaultQueryLimit = 100;

    /// The routes over store, checking submissions with parser; stream and persistence for the reports.
    LogApi(const terrarium::Host& host, const RecordParser& parser, LogStore& store, const LiveStream& stream, PersistenceStatus persistence);

    /// POST /logs, /api/logs, /: one record or a batch.
    void ingest(const terrarium::Request& request, terrarium::Response& response);

    /// GET /logs?service=&limit=.
    void query(const terrarium::Request& request, terrarium::Response& response) const;

    /// DELETE /logs?service=.
    void clear(const terrarium::Request& request, terrarium::Response& response);

    /// GET /health.
    void health(terrarium::Response& response) const;

    /// GET /storage/info.
    void storageInfo(terrarium::Response& response) const;

    /// GET /websocket/info.
    void webSocketInfo(terrarium::Response& response) const;

    /// The server's time as ISO 8601 UTC with microseconds ("2025-01-12T10:30:00.123456Z").
    static std::string now();

private:
    /// Answers status {"error":code,"message":message[,"index":index]} and logs it.
    void refuse(const terrarium::Request& request, terrarium::Response& response, int status, const std::string& code, const std::string& message,
                long index = -1) const;

    const terrarium::Host& _host;
    const RecordParser& _parser;
    LogStore& _store;
    const LiveStream& _stream;
    PersistenceStatus _persistence;
};

} // namespace logthon

#endif
