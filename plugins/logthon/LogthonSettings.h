// logthon: the settings, from the plugin config (plugins.logthon.config) and the original's env names.
#ifndef Logthon_LogthonSettings_INCLUDED
#define Logthon_LogthonSettings_INCLUDED

#include <terrarium/plugin.hpp>

#include <cstddef>
#include <map>
#include <string>

namespace logthon {

/// Everything logthon reads at start. A config key wins over its environment variable; an unusable
/// value refuses the load with a message naming the key or variable.
struct LogthonSettings
{
    std::size_t defaultMaxLogs = 1000;                    /// ring size of a service without its own
    std::map<std::string, std::size_t> serviceMaxLogs;    /// max_logs.<service> from the config
    std::size_t initialLogs = 50;                         /// entries replayed to a new WebSocket
    std::size_t maxWebSocketConnections = 100;            /// more are closed with 1013
    std::size_t maxMessageBytes = 64 * 1024;              /// longer messages are answered 413
    std::size_t maxBatchRecords = 1000;                   /// longer batches are answered 413
    std::size_t writerQueueRecords = 200000;              /// entries waiting for the database; more are not persisted
    std::string database;                                 /// SQLite file; empty: memory only
    std::string databaseSource;                           /// where database came from (for the log)

    /// Reads the settings through host; throws std::invalid_argument on an unusable value.
    static LogthonSettings read(const terrarium::Host& host);

    /// The ring size of service: config max_logs.<service>, else LOGTHON_<SERVICE>_MAX_LOGS
    /// (upper case, '-' and '.' as '_'), else defaultMaxLogs. Reads the environment.
    std::size_t maxLogsFor(const std::string& service) const;

    /// "LOGTHON_<SERVICE>_MAX_LOGS" for service.
    static std::string maxLogsVariable(const std::string& service);
};

} // namespace logthon

#endif
