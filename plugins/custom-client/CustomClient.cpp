// custom-client: the Edge-Terrarium client service (services.md §2). Answers every request
// ("processed" for the fake and example providers), logs it and writes it to a request-log file;
// GET /health answers that it is healthy. At start it reads its secrets through the host's secret
// cache and prints them (masked unless show_secrets) between the original's markers on stdout;
// then it creates a file in file-storage every file_interval_ms. The request engine is shared with
// service-sink (plugins/shared).
#include "ClientSecrets.h"
#include "FileCreator.h"
#include "PeriodicTask.h"
#include "PluginSettings.h"
#include "SinkEngine.h"

#include <terrarium/plugin.hpp>

#include <cstdio>
#include <string>

namespace {

using namespace terrarium::sink;

class CustomClient
{
public:
    explicit CustomClient(terrarium::Host& host)
        : _host(host),
          _engine(host, SinkIdentity{"Custom Client is healthy", "Bad Request", "", "request_", "=== HTTP Request Log ==="}),
          _settings(host),
          _secretsPath(_settings.text("secrets_path", "custom-client/config")),
          _showSecrets(_settings.flag("show_secrets", false)),
          _files(host, _settings.text("file_storage_service", "file-storage"),
                 static_cast<std::uint32_t>(_settings.integer("file_timeout_ms", 5000, 1, 600000))),
          _task(std::chrono::milliseconds(_settings.integer("file_interval_ms", 15000, 0, 86400000)), [this] { loadSecrets(); },
                [this] { _files.create(std::time(nullptr)); })
    {
    }

    void handle(const terrarium::Request& request, terrarium::Response& response)
    {
        _engine.handle(request, response, [](const SinkRequest& sinkRequest) {
            std::string_view path = sinkRequest.request().path();
            bool provider = path.find("/fake-provider/") != std::string_view::npos || path.find("/example-provider/") != std::string_view::npos;
            return std::string(provider ? "Custom Client processed request successfully" : "Custom Client received request");
        });
    }

private:
    /// Reads the secrets (one read of the path through the host's cache), prints the block on
    /// stdout and logs where the values came from; runs on the task's thread.
    void loadSecrets()
    {
        ClientSecrets secrets = ClientSecrets::read(_host, _secretsPath);
        if (secrets.allDefaults()) {
            _host.log(terrarium::LogLevel::Warn, "Failed to retrieve secrets, using default values",
                      {{"path", _secretsPath}, {"error", secrets.problems().empty() ? "" : secrets.problems().front()}});
        } else {
            for (const std::string& problem : secrets.problems())
                _host.log(terrarium::LogLevel::Warn, "Secret missing, using its default value", {{"path", _secretsPath}, {"error", problem}});
        }
        const std::string report = secrets.report(_showSecrets);
        std::fwrite(report.data(), 1, report.size(), stdout);
        std::fflush(stdout);
        _host.log(terrarium::LogLevel::Info, "Secrets loaded",
                  {{"path", _secretsPath}, {"source", secrets.allDefaults() ? "defaults" : secrets.complete() ? "secret store" : "partial"},
                   {"shown", _showSecrets ? "clear" : "masked"}});
    }

    terrarium::Host& _host;
    SinkEngine _engine;
    PluginSettings _settings;
    std::string _secretsPath;
    bool _showSecrets;
    FileCreator _files;
    PeriodicTask _task;   // last: its thread uses everything above, and is joined first on destruction
};

} // namespace

// /api/custom-client/<rest> arrives as /<rest>; the providers' paths arrive unchanged; requests
// for Host mycoolwebsite.company.com arrive unchanged whatever their path.
TERRARIUM_PLUGIN(CustomClient, "custom-client", "1.0.0", terrarium::route("/api/custom-client"),
                 terrarium::route("/api/fake-provider", terrarium::KeepPrefix), terrarium::route("/api/example-provider", terrarium::KeepPrefix),
                 terrarium::routeForHost("mycoolwebsite.company.com", "/"))
