#include "SinkEngine.h"

#include "PluginSettings.h"
#include "SinkAnswer.h"
#include "Utf8Text.h"

#include <system_error>

namespace terrarium::sink {

SinkEngine::SinkEngine(const terrarium::Host& host, SinkIdentity identity) : _host(host), _identity(std::move(identity))
{
    PluginSettings settings(host);
    std::string directory = settings.text("request_log_dir", "/tmp/requests");
    auto retention = static_cast<std::size_t>(settings.integer("request_log_retention", 100, 1, 1000000));
    if (!directory.empty())
        _requestLog = std::make_unique<RequestLog>(directory, _identity.fileNamePrefix, _identity.fileTitle, retention);
}

void SinkEngine::answer(terrarium::Response& response, int status, const std::string& body) const
{
    response.status(status).header("Content-Type", "application/json").body(body);
}

void SinkEngine::handle(const terrarium::Request& request, terrarium::Response& response, const MessageFor& messageFor) const
{
    const std::time_t now = std::time(nullptr);
    const SinkRequest sinkRequest(request);
    const std::string clientIp = sinkRequest.clientIp();

    if (std::optional<std::string> problem = sinkRequest.malformation()) {
        const std::string cause = Utf8Text::repaired(*problem);
        _host.count("bad_requests");
        _host.log(terrarium::LogLevel::Warn, "Failed to parse request from " + clientIp + ": " + cause, {{"client", clientIp}, {"cause", cause}});
        answer(response, 400, SinkAnswer::badRequest(_identity.badRequestMessage, now, _identity.service));
        return;
    }

    if (sinkRequest.healthCheck()) {
        const std::string probe = sinkRequest.probeType();
        _host.count("health_checks");
        _host.log(terrarium::LogLevel::Info, "Health check: " + probe + " probe from " + clientIp, {{"probe", probe}, {"client", clientIp}});
        answer(response, 200, SinkAnswer::success(_identity.healthyMessage, now, _identity.service));
        return;
    }

    _host.count("requests");
    const std::string path = sinkRequest.pathWithQuery();
    const std::string query(sinkRequest.query().value_or("none"));
    const std::string bodyBytes = std::to_string(request.body().size());
    _host.log(terrarium::LogLevel::Info,
              Utf8Text::repaired("Request: " + std::string(request.method()) + " " + path + " from " + clientIp + " (Query: " + query +
                                 ", Body: " + bodyBytes + " bytes)"),
              {{"method", request.method()}, {"path", Utf8Text::repaired(path)}, {"client", clientIp}, {"body_bytes", bodyBytes}});
    writeRequestLog(sinkRequest, now);
    answer(response, 200, SinkAnswer::success(messageFor(sinkRequest), now, _identity.service));
}

void SinkEngine::writeRequestLog(const SinkRequest& request, std::time_t now) const
{
    if (!_requestLog)
        return;
    try {
        std::string file = _requestLog->write(request, now);
        _host.count("request_log_files");
        if (_host.logEnabled(terrarium::LogLevel::Debug))
            _host.log(terrarium::LogLevel::Debug, "Request logged to: " + file, {{"file", file}});
    } catch (const std::exception& e) {
        _host.count("request_log_failures");
        _host.log(terrarium::LogLevel::Warn, "Failed to write the request-log file", {{"error", e.what()}, {"dir", _requestLog->directory()}});
    }
}

} // namespace terrarium::sink
