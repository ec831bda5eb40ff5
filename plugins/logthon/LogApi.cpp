#include "LogApi.h"

#include "QueryParameters.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include <algorithm>

namespace logthon {

namespace {

void respond(terrarium::Response& response, int status, std::string&& body)
{
    response.status(status).header("Content-Type", "application/json").body(std::move(body));
}

std::string successBody(const std::string& message)
{
    std::string body = "{\"status\":\"success\",\"message\":";
    terrarium::appendJsonString(body, message);
    body += '}';
    return body;
}

} // namespace

LogApi::LogApi(const terrarium::Host& host, const RecordParser& parser, LogStore& store, const LiveStream& stream, PersistenceStatus persistence)
    : _host(host), _parser(parser), _store(store), _stream(stream), _persistence(persistence)
{
}

std::string LogApi::now()
{
    return Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y-%m-%dT%H:%M:%S.%FZ");
}

void LogApi::refuse(const terrarium::Request& request, terrarium::Response& response, int status, const std::string& code,
                    const std::string& message, long index) const
{
    std::string body = "{\"error\":";
    terrarium::appendJsonString(body, code);
    body += ",\"message\":";
    terrarium::appendJsonString(body, message);
    if (index >= 0) body += ",\"index\":" + std::to_string(index);
    body += '}';
    respond(response, status, std::move(body));
    _host.log(terrarium::LogLevel::Warn, "request refused",
              {{"method", request.method()}, {"path", request.path()}, {"status", std::to_string(status)}, {"error", code}, {"reason", message}});
}

void LogApi::ingest(const terrarium::Request& request, terrarium::Response& response)
{
    std::vector<IncomingRecord> records;
    try
    {
        records = _parser.parse(request.body());
    }
    catch (const IngestError& e)
    {
        _host.count("submissions_refused");
        refuse(request, response, e.status(), e.code(), e.what(), e.index());
        return;
    }
    _store.append(records, now());
    _host.count("entries_ingested", records.size());
    if (RecordParser::isBatch(request.body()))
        respond(response, 200,
                "{\"status\":\"success\",\"message\":\"Log entries added\",\"count\":" + std::to_string(records.size()) + "}");
    else
        respond(response, 200, "{\"status\":\"success\",\"message\":\"Log entry added\"}");
}

void LogApi::query(const terrarium::Request& request, terrarium::Response& response) const
{
    QueryParameters parameters(request.query());
    std::size_t limit = defaultQueryLimit;
    if (auto text = parameters.get("limit"))
    {
        bool digits = !text->empty() && text->size() <= 9 && std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; });
        std::size_t value = digits ? static_cast<std::size_t>(std::stoul(*text)) : 0;
        if (!digits || value < 1 || value > maxQueryLimit)
        {
            refuse(request, response, 422, "invalid_parameter",
                   "limit must be an integer from 1 to " + std::to_string(maxQueryLimit) + ", got '" + *text + "'");
            return;
        }
        limit = value;
    }
    std::vector<EntryPtr> entries = _store.latest(parameters.get("service").value_or(""), limit);
    std::size_t size = 32;
    for (const auto& entry : entries) size += entry->json.size() + 1;
    std::string body;
    body.reserve(size);
    body += "{\"logs\":[";
    for (std::size_t i = 0; i < entries.size(); ++i)
    {
        if (i) body += ',';
        body += entries[i]->json;
    }
    body += "],\"count\":" + std::to_string(entries.size()) + "}";
    respond(response, 200, std::move(body));
}

void LogApi::clear(const terrarium::Request& request, terrarium::Response& response)
{
    const std::string service = QueryParameters(request.query()).get("service").value_or("");
    std::size_t removed = _store.clear(service);
    _host.log(terrarium::LogLevel::Info, "logs cleared", {{"service", service.empty() ? std::string("*") : service}, {"removed", std::to_string(removed)}});
    respond(response, 200, successBody("Logs cleared for " + (service.empty() ? std::string("all services") : service)));
}

void LogApi::health(terrarium::Response& response) const
{
    const bool enabled = !_persistence.database.empty();
    PersistenceWriter::Stats writer;
    if (_persistence.writer) writer = _persistence.writer->stats();
    const bool persistenceHealthy = !enabled || (_persistence.writer && writer.healthy);

    std::string body = "{\"status\":";
    body += persistenceHealthy ? "\"healthy\"" : "\"degraded\"";
    body += ",\"service\":\"logthon\",\"timestamp\":";
    terrarium::appendJsonString(body, now());
    body += ",\"connected_clients\":" + std::to_string(_stream.active());
    body += ",\"log_counts\":{";
    bool first = true;
    for (const auto& count : _store.counts())
    {
        if (!first) body += ',';
        first = false;
        terrarium::appendJsonString(body, count.first);
        body += ':' + std::to_string(count.second);
    }
    body += "},\"persistence\":{\"enabled\":";
    body += enabled ? "true" : "false";
    body += ",\"healthy\":";
    body += persistenceHealthy ? "true" : "false";
    if (enabled)
    {
        body += ",\"database\":";
        terrarium::appendJsonString(body, _persistence.database);
        body += ",\"persisted\":" + std::to_string(writer.persisted) + ",\"queued\":" + std::to_string(writer.queued) +
                ",\"dropped\":" + std::to_string(writer.dropped) + ",\"failures\":" + std::to_string(writer.failures);
        const std::string& error = !_persistence.writer ? *_persistence.openError : writer.lastError;
        if (!persistenceHealthy && !error.empty())
        {
            body += ",\"error\":";
            terrarium::appendJsonString(body, error);
        }
    }
    body += "}}";
    respond(response, 200, std::move(body));
}

void LogApi::storageInfo(terrarium::Response& response) const
{
    std::string body = "{";
    bool first = true;
    for (const auto& service : _store.info())
    {
        if (!first) body += ',';
        first = false;
        terrarium::appendJsonString(body, service.service);
        body += ":{\"count\":" + std::to_string(service.count) + ",\"max_size\":" + std::to_string(service.maxSize) +
                ",\"is_full\":" + (service.full ? "true" : "false") + "}";
    }
    body += '}';
    respond(response, 200, std::move(body));
}

void LogApi::webSocketInfo(terrarium::Response& response) const
{
    const std::size_t active = _stream.active();
    respond(response, 200,
            "{\"active_connections\":" + std::to_string(active) + ",\"max_connections\":" + std::to_string(_stream.maxConnections()) +
                ",\"connection_limit_reached\":" + (active >= _stream.maxConnections() ? "true" : "false") + "}");
}

} // namespace logthon
