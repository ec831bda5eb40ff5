#ifndef Terrarium_PluginCall_INCLUDED
#define Terrarium_PluginCall_INCLUDED

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace terrarium {

/// The request a plugin is asked to serve, as views into the connection's buffers.
struct PluginCall
{
    std::string_view method;
    std::string_view path;           /// as routed (prefix stripped when the route strips)
    std::string_view originalPath;   /// the whole path, dot segments resolved, without the query
    std::string_view target;         /// the request target exactly as sent
    std::string_view query;          /// without '?'
    std::string_view body;
    std::string_view bodyFile;       /// path of the spooled body (body is then empty), or empty
    std::string_view clientAddress;
    std::string_view listener;
    std::string_view routePrefix;
    std::string_view requestId;      /// X-Request-Id as sent, or made by the host
    const std::vector<std::pair<std::string, std::string>>* headers = nullptr;
};

} // namespace terrarium

#endif
