#include "LogthonSettings.h"

#include <terrarium/json.hpp>

#include <Poco/Path.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <limits>
#include <optional>
#include <stdexcept>

namespace logthon {

namespace {

/// A value and where it came from ("config key 'initial_logs'", "LOGTHON_INITIAL_LOGS").
struct Setting
{
    std::string value;
    std::string source;
};

std::optional<Setting> lookUp(const terrarium::Host& host, const std::string& key, const char* variable)
{
    if (auto value = host.config(key)) return Setting{std::string(*value), "config key '" + key + "'"};
    if (variable != nullptr)
        if (const char* value = std::getenv(variable)) return Setting{value, variable};
    return std::nullopt;
}

std::size_t number(const Setting& setting, std::size_t minimum, std::size_t maximum)
{
    const std::string& text = setting.value;
    bool digits = !text.empty() && text.size() <= 12 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    std::size_t value = digits ? static_cast<std::size_t>(std::stoull(text)) : 0;
    if (!digits || value < minimum || value > maximum)
        throw std::invalid_argument(setting.source + ": expected an integer from " + std::to_string(minimum) + " to " + std::to_string(maximum) +
                                    ", got '" + text + "'");
    return value;
}

constexpr std::size_t maxRing = 10000000;

} // namespace

LogthonSettings LogthonSettings::read(const terrarium::Host& host)
{
    LogthonSettings settings;
    if (auto maxLogs = host.config("max_logs"))
    {
        if (!maxLogs->empty() && maxLogs->front() == '{')
        {
            terrarium::json::ObjectPtr perService = terrarium::json::parseObject(*maxLogs, "config key 'max_logs'");
            for (const auto& member : *perService)
            {
                Setting setting{member.second.isEmpty() ? std::string() : member.second.convert<std::string>(), "config key 'max_logs." + member.first + "'"};
                std::size_t value = number(setting, 1, maxRing);
                if (member.first == "default") settings.defaultMaxLogs = value;
                else settings.serviceMaxLogs[member.first] = value;
            }
        }
        else
        {
            settings.defaultMaxLogs = number(Setting{std::string(*maxLogs), "config key 'max_logs'"}, 1, maxRing);
        }
    }
    if (auto initial = lookUp(host, "initial_logs", "LOGTHON_INITIAL_LOGS")) settings.initialLogs = number(*initial, 0, 100000);
    if (auto connections = lookUp(host, "max_ws_connections", "LOGTHON_MAX_WS_CONNECTIONS"))
        settings.maxWebSocketConnections = number(*connections, 0, 100000);
    if (auto message = lookUp(host, "max_message_bytes", "LOGTHON_MAX_MESSAGE_BYTES"))
        settings.maxMessageBytes = number(*message, 1, 64 * 1024 * 1024);
    if (auto batch = lookUp(host, "max_batch_records", "LOGTHON_MAX_BATCH_RECORDS")) settings.maxBatchRecords = number(*batch, 1, 1000000);
    if (auto queue = lookUp(host, "writer_queue_records", nullptr)) settings.writerQueueRecords = number(*queue, 1, 100000000);

    if (auto database = lookUp(host, "database", "LOGTHON_DATABASE"))
    {
        settings.database = database->value;
        settings.databaseSource = database->source;
    }
    else if (auto stateDir = host.config("terrarium.state_dir"); stateDir && !stateDir->empty())
    {
        settings.database = Poco::Path(std::string(*stateDir)).makeDirectory().append("data/logthon/logthon.db").toString();
        settings.databaseSource = "the host's state directory (terrarium.state_dir)";
    }
    if (!settings.database.empty()) settings.database = Poco::Path(settings.database).makeAbsolute().toString();
    return settings;
}

std::size_t LogthonSettings::maxLogsFor(const std::string& service) const
{
    auto own = serviceMaxLogs.find(service);
    if (own != serviceMaxLogs.end()) return own->second;
    const std::string variable = maxLogsVariable(service);
    if (const char* value = std::getenv(variable.c_str()))
    {
        try
        {
            return number(Setting{value, variable}, 1, maxRing);
        }
        catch (const std::invalid_argument&)
        {
            return defaultMaxLogs;
        }
    }
    return defaultMaxLogs;
}

std::string LogthonSettings::maxLogsVariable(const std::string& service)
{
    std::string name = "LOGTHON_";
    for (char c : service) name += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : '_';
    return name + "_MAX_LOGS";
}

} // namespace logthon
