#include "FilesProxy.h"

#include <terrarium/json.hpp>

#include <string>

namespace logthon {

void FilesProxy::forward(const terrarium::Request& request, terrarium::Response& response) const
{
    const std::string_view method = request.method();
    if (method != "GET" && method != "HEAD" && method != "DELETE")
    {
        response.header("Allow", "GET, HEAD, DELETE");
        terrarium::json::respondError(response, 405, "method_not_allowed", "/files takes GET, HEAD and DELETE");
        return;
    }
    std::string target(request.path());
    if (!request.query().empty())
    {
        target += '?';
        target += request.query();
    }
    try
    {
        terrarium::ServiceResponse answer = _host.call("file-storage", method, target, {}, {{"Accept", "application/json"}});
        response.status(answer.status());
        response.header("Content-Type", answer.header("Content-Type").value_or("application/json"));
        response.body(answer.body());
    }
    catch (const terrarium::Error& e)
    {
        _host.log(terrarium::LogLevel::Warn, "file-storage did not answer", {{"path", target}, {"error", e.what()}});
        _host.count("files_proxy_failures");
        if (e.status() == TRM_ERR_TIMEOUT)
            terrarium::json::respondError(response, 504, "file_storage_timeout", std::string("file-storage did not answer in time: ") + e.what());
        else if (e.status() == TRM_ERR_NOT_FOUND || e.status() == TRM_ERR_UNAVAILABLE)
            terrarium::json::respondError(response, 503, "file_storage_unavailable", std::string("file-storage is not reachable: ") + e.what());
        else
            terrarium::json::respondError(response, 502, "bad_gateway", std::string("file-storage call failed: ") + e.what());
    }
}

} // namespace logthon
