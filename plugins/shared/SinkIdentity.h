// What tells custom-client's answers and files from service-sink's.
#ifndef Terrarium_Sink_SinkIdentity_INCLUDED
#define Terrarium_Sink_SinkIdentity_INCLUDED

#include <string>

namespace terrarium::sink {

/// The texts and names a SinkEngine uses for one plugin.
struct SinkIdentity
{
    std::string healthyMessage;     ///< message of GET /health
    std::string badRequestMessage;  ///< message of a 400
    std::string service;            ///< added to every answer as "service" when not empty
    std::string fileNamePrefix;     ///< request-log files: <prefix><epoch>_<ip>_<sequence>.txt
    std::string fileTitle;          ///< first line of a request-log file
};

} // namespace terrarium::sink

#endif
