#include "IncomingRecord.h"

#include <terrarium/plugin.hpp>

namespace logthon {

std::string IncomingRecord::entryTail(const std::string& timestamp) const
{
    std::string json;
    json.reserve(96 + service.size() + level.size() + message.size() + metadataJson.size() + clientTimestamp.size() + requestId.size());
    json += ",\"timestamp\":";
    terrarium::appendJsonString(json, timestamp);
    json += ",\"service\":";
    terrarium::appendJsonString(json, service);
    json += ",\"level\":";
    terrarium::appendJsonString(json, level);
    json += ",\"message\":";
    terrarium::appendJsonString(json, message);
    json += ",\"metadata\":";
    json += metadataJson;
    if (!clientTimestamp.empty())
    {
        json += ",\"client_timestamp\":";
        json += clientTimestamp;
    }
    if (!requestId.empty())
    {
        json += ",\"request_id\":";
        terrarium::appendJsonString(json, requestId);
    }
    json += '}';
    return json;
}

} // namespace logthon
