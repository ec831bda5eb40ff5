#include "CtlCommands.h"

namespace terrarium::ctl {

const std::vector<CtlCommand>& CtlCommands::all()
{
    static const std::vector<CtlCommand> commands = {
        {"status", "", "host state, version and in-flight requests", "GET", "/admin/status", {}, {}},
        {"plugins", "", "list the loaded plugins and the files that failed", "GET", "/admin/plugins", {}, {}},
        {"plugin", "NAME", "one plugin: version, generation, file, routes, requests", "GET", "/admin/plugins/{name}", {"plugin"}, {}},
        {"load", "FILE [--config JSON]", "load a file of the host's plugins directory", "POST", "/admin/plugins", {"file"}, {"--config"}},
        {"unload", "NAME", "unload a plugin", "DELETE", "/admin/plugins/{name}", {"plugin"}, {}},
        {"reload", "NAME [--config JSON|null]", "hot reload a plugin from its file", "POST", "/admin/plugins/{name}/reload", {"plugin"}, {"--config"}},
        {"upload", "FILE.so [--name NAME]", "upload a plugin library (.so) to the host", "PUT", "/admin/plugins/{name}/library", {"so"},
         {"--name"}},
        {"move", "NAME --to PEER", "move a plugin to another host, with its snapshot", "POST", "/admin/plugins/{name}/move", {"plugin"}, {"--to"}},
        {"services", "", "the service directory: service names and base URLs", "GET", "/admin/services", {}, {}},
        {"services set", "NAME URL", "send calls to a service to URL", "POST", "/admin/services/{name}", {"service", ""}, {}},
        {"services forget", "NAME", "forget a service's base URL", "DELETE", "/admin/services/{name}", {"service"}, {}},
        {"log-level", "[SERVICE LEVEL | --default LEVEL]", "show log levels, or set one (LEVEL default: follow the default)", "POST",
         "/admin/log-levels", {"plugin", "level"}, {"--default"}},
        {"metrics", "[--interval SECONDS]", "requests, request rate and errors per plugin", "GET", "/metrics", {}, {"--interval"}},
        {"config", "", "the host's effective configuration, each setting with its source", "GET", "/admin/config", {}, {}},
        {"endpoints", "", "the admin API's calls", "GET", "/admin", {}, {}},
        {"api", "METHOD PATH [BODY]", "any admin call; prints the answer", "", "", {"method", "endpoint", ""}, {}},
        {"completion", "bash", "print the bash completion script", "", "", {""}, {}},
    };
    return commands;
}

const CtlCommand* CtlCommands::find(const std::string& name)
{
    for (const CtlCommand& command : all())
        if (name == command.name) return &command;
    return nullptr;
}

const std::vector<std::string>& CtlCommands::globalOptions()
{
    static const std::vector<std::string> options = {"--json", "--url", "--token-file", "--state-dir", "--ca-file", "--cert", "--key", "--help", "--version"};
    return options;
}

} // namespace terrarium::ctl
