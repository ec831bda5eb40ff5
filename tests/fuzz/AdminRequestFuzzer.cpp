// The admin API's request bodies (load, reload with config overrides, log levels, service
// directory changes), authorised, through the real AdminHandler over an empty plugins directory:
// bad input is a 4xx with a JSON error, never a 5xx or a crash. The first byte picks the request.
#include "FuzzCheck.h"

#include "admin/AdminHandler.h"
#include "admin/AdminToken.h"
#include "client/HttpClient.h"
#include "client/ServiceDirectory.h"
#include "config/Config.h"
#include "http/HttpReply.h"
#include "http/IncomingRequest.h"
#include "http/ServerState.h"
#include "lifecycle/PluginLifecycle.h"
#include "logging/LogPipeline.h"
#include "metrics/MetricsRegistry.h"
#include "router/RoutingSnapshot.h"

#include <Poco/AutoPtr.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Logger.h>
#include <Poco/NullChannel.h>
#include <Poco/StreamCopier.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace {

struct Admin
{
    terrarium::Config config;
    terrarium::RoutingState routing;
    std::unique_ptr<terrarium::PluginLifecycle> lifecycle;
    std::unique_ptr<terrarium::AdminToken> token;
    terrarium::ServerState state;
    terrarium::MetricsRegistry metrics;
    terrarium::LogPipeline log;
    std::unique_ptr<terrarium::HttpClient> client;
    std::unique_ptr<terrarium::ServiceDirectory> directory;
    std::unique_ptr<terrarium::AdminHandler> handler;
    std::string bearer;

    Admin()
    {
        Poco::Logger::root().setChannel(Poco::AutoPtr<Poco::NullChannel>(new Poco::NullChannel));
        std::string base = fuzzScratchDirectory();
        config.pluginsDir = base + "/plugins";
        config.stateDir = base + "/state";
        Poco::File(config.pluginsDir).createDirectories();
        Poco::File(config.stateDir).createDirectories();
        lifecycle = std::make_unique<terrarium::PluginLifecycle>(config, routing);
        token = std::make_unique<terrarium::AdminToken>("", config.stateDir);
        client = std::make_unique<terrarium::HttpClient>(config.client);
        directory = std::make_unique<terrarium::ServiceDirectory>(*client, std::map<std::string, std::string>{});
        handler = std::make_unique<terrarium::AdminHandler>(*lifecycle, *token, state, metrics, &log, directory.get());
        handler->allowHosts("127.0.0.1:8081", {});
        log.start();   // audit records are taken off the queue (no sinks: dropped), not left to look like a leak
        Poco::FileInputStream in(config.stateDir + "/admin.token");
        std::string value;
        Poco::StreamCopier::copyToString(in, value);
        bearer = "Bearer " + value;
        while (!bearer.empty() && (bearer.back() == '\n' || bearer.back() == '\r')) bearer.pop_back();
    }
};

struct Route
{
    const char* method;
    const char* path;
};

const Route routes[] = {
    {"POST", "/admin/plugins"},           {"POST", "/admin/plugins/echo/reload"}, {"POST", "/admin/log-levels"},
    {"PUT", "/admin/services/logthon"},   {"POST", "/admin/services/logthon"},    {"DELETE", "/admin/services/logthon"},
    {"GET", "/admin/services"},           {"DELETE", "/admin/plugins/echo"},      {"GET", "/admin/log-levels"},
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static Admin admin;
    if (size < 1) return 0;
    const Route& route = routes[data[0] % (sizeof routes / sizeof routes[0])];
    terrarium::IncomingRequest request;
    request.method = route.method;
    request.target = route.path;
    request.path = route.path;
    request.version = "HTTP/1.1";
    request.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
    request.headers = {{"Host", "localhost"}, {"Authorization", admin.bearer}, {"Content-Type", "application/json"}};
    request.clientAddress = "127.0.0.1:1";
    request.listener = "admin";
    terrarium::HttpReply reply;
    admin.handler->handle(request, reply);
    FUZZ_CHECK(reply.status() >= 200 && reply.status() < 500);
    return 0;
}
