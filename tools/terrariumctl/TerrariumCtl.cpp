#include "TerrariumCtl.h"

#include "BashCompletion.h"
#include "CtlError.h"
#include "MetricsSummary.h"
#include "TextOutput.h"

#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>
#include <Poco/Path.h>
#include <Poco/StreamCopier.h>
#include <Poco/Thread.h>
#include <Poco/URI.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionException.h>
#include <Poco/Util/OptionProcessor.h>
#include <Poco/Util/OptionSet.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>

namespace terrarium::ctl {

namespace {

Poco::Util::OptionSet optionSet()
{
    Poco::Util::OptionSet options;
    auto flag = [&](const char* name, const char* description) {
        options.addOption(Poco::Util::Option(name, "", description).required(false).repeatable(false));
    };
    auto valued = [&](const char* name, const char* argument, const char* description) {
        options.addOption(Poco::Util::Option(name, "", description).required(false).repeatable(false).argument(argument));
    };
    flag("help", "print the usage and exit");
    flag("version", "print the version and exit");
    flag("json", "print the host's JSON answer (indented) instead of text");
    valued("url", "URL", "admin API: http://HOST:PORT or unix:/PATH");
    valued("token-file", "FILE", "file holding the admin token");
    valued("state-dir", "DIR", "the host's state directory (listeners.json, admin.token)");
    valued("ca-file", "FILE", "https: PEM CA bundle that signed the admin listener's certificate");
    valued("cert", "FILE", "https: client certificate (PEM) for an admin listener that requires one");
    valued("key", "FILE", "https: the client certificate's private key (PEM)");
    valued("config", "JSON", "plugin config overrides of load and reload");
    valued("name", "NAME", "plugin name of upload (default: the file's name without .so)");
    valued("to", "PEER", "the host a plugin moves to");
    valued("interval", "SECONDS", "metrics: seconds between the two samples of the rates (0: totals only)");
    valued("default", "LEVEL", "log-level: set the default level");
    return options;
}

std::string readLocalFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CtlError(EXIT_USAGE, "cannot read " + path + ": " + std::strerror(errno));
    std::string content;
    Poco::StreamCopier::copyToString(in, content);
    return content;
}

} // namespace

TerrariumCtl::TerrariumCtl(std::ostream& out, std::ostream& err, std::map<std::string, std::string> environment)
    : _out(out), _err(err), _environment(std::move(environment))
{
}

std::string TerrariumCtl::usage()
{
    std::ostringstream out;
    out << "usage: terrariumctl [--json] [--url URL] [--token-file FILE] [--state-dir DIR] [--ca-file FILE] [--cert FILE --key FILE]\n"
           "                    COMMAND [ARGUMENTS]\n\ncommands:\n";
    for (const CtlCommand& command : CtlCommands::all())
    {
        std::string line = std::string("  ") + command.name + (*command.arguments ? " " : "") + command.arguments;
        out << line << std::string(line.size() < 44 ? 44 - line.size() : 1, ' ') << command.summary << "\n";
    }
    out << "\nThe host is found from --url, TERRARIUM_ADMIN_URL, or <state dir>/listeners.json (state dir: --state-dir,\n"
           "TERRARIUM_STATE_DIR or /var/lib/terrarium); the token from --token-file, TERRARIUM_ADMIN_TOKEN_FILE or\n"
           "<state dir>/admin.token. Exit codes: 0 ok, 1 usage, 2 host not running, 3 unauthorised, 4 not found,\n"
           "5 refused by the host. See terrariumctl(1).\n";
    return out.str();
}

int TerrariumCtl::run(const std::vector<std::string>& arguments)
{
    try
    {
        parse(arguments);
        if (_options.count("help"))
        {
            _out << usage();
            return EXIT_OK;
        }
        if (_options.count("version"))
        {
            _out << "terrariumctl " TERRARIUM_VERSION "\n";
            return EXIT_OK;
        }
        if (_words.empty()) throw CtlError(EXIT_USAGE, "no command given\n" + usage());
        dispatch();
        return EXIT_OK;
    }
    catch (const CtlError& e)
    {
        _err << "terrariumctl: " << e.what() << "\n";
        return e.exitCode();
    }
}

void TerrariumCtl::parse(const std::vector<std::string>& arguments)
{
    Poco::Util::OptionSet options = optionSet();
    Poco::Util::OptionProcessor processor(options);
    processor.setUnixStyle(true);
    try
    {
        for (std::size_t i = 1; i < arguments.size(); ++i)
        {
            std::string name;
            std::string value;
            if (processor.process(arguments[i], name, value))
            {
                if (!name.empty()) _options[name] = value;
            }
            else
                _words.push_back(arguments[i]);
        }
        processor.checkRequired();
    }
    catch (const Poco::Util::OptionException& e)
    {
        throw CtlError(EXIT_USAGE, e.displayText() + " (see terrariumctl --help)");
    }
    _json = _options.count("json") > 0;
}

std::string TerrariumCtl::option(const std::string& name) const
{
    auto found = _options.find(name);
    return found == _options.end() ? std::string() : found->second;
}

const AdminClient& TerrariumCtl::client()
{
    if (!_client)
    {
        AdminTarget::Settings settings;
        settings.url = option("url");
        settings.tokenFile = option("token-file");
        settings.stateDir = option("state-dir");
        settings.caFile = option("ca-file");
        settings.certFile = option("cert");
        settings.keyFile = option("key");
        settings.environment = _environment;
        _client = std::make_unique<AdminClient>(AdminTarget::locate(settings));
    }
    return *_client;
}

void TerrariumCtl::require(std::size_t count, const CtlCommand& command) const
{
    std::size_t words = std::string(command.name).find(' ') == std::string::npos ? 1 : 2;
    if (_words.size() != words + count)
        throw CtlError(EXIT_USAGE, std::string("usage: terrariumctl ") + command.name + (*command.arguments ? " " : "") + command.arguments);
}

std::string TerrariumCtl::path(const CtlCommand& command, const std::string& name) const
{
    std::string path = command.path;
    std::string encoded;
    Poco::URI::encode(name, "/?#%", encoded);
    std::string::size_type at = path.find("{name}");
    if (at != std::string::npos) path.replace(at, 6, encoded);
    return path;
}

std::string TerrariumCtl::jsonQuery() const
{
    return _json ? "?pretty" : "";
}

void TerrariumCtl::print(const AdminAnswer& answer, std::string (*text)(const Poco::JSON::Object&))
{
    Poco::JSON::Object::Ptr json = answer.json();
    if (_json || !json || !text)
        _out << answer.body << (answer.body.empty() || answer.body.back() == '\n' ? "" : "\n");
    else
        _out << text(*json);
}

void TerrariumCtl::printMutation(const AdminAnswer& answer, const std::string& done)
{
    if (_json)
        print(answer, nullptr);
    else
        _out << done << "\n";
}

std::string TerrariumCtl::configBody(const std::string& config, bool allowNull)
{
    if (config == "null" && allowNull) return "null";
    try
    {
        Poco::JSON::Parser parser;
        if (parser.parse(config).type() == typeid(Poco::JSON::Object::Ptr)) return config;
    }
    catch (const Poco::Exception&)
    {
    }
    throw CtlError(EXIT_USAGE, "--config '" + config + "' is not a JSON object" + (allowNull ? " (or null)" : ""));
}

void TerrariumCtl::dispatch()
{
    std::string name = _words[0];
    const CtlCommand* command = CtlCommands::find(name);
    if (_words.size() >= 2 && CtlCommands::find(name + " " + _words[1])) command = CtlCommands::find(name + " " + _words[1]);
    if (name == "complete-names") return completeNames();
    if (!command) throw CtlError(EXIT_USAGE, "unknown command '" + name + "'\n" + usage());
    std::string full = command->name;
    if (full == "completion")
    {
        require(1, *command);
        if (_words[1] != "bash") throw CtlError(EXIT_USAGE, "completion scripts exist for bash only");
        _out << BashCompletion::script();
        return;
    }
    if (full == "status")
    {
        require(0, *command);
        AdminAnswer answer = client().expect("GET", command->path + jsonQuery());
        Poco::JSON::Object::Ptr status = answer.json();
        if (_json || !status)
            print(answer, nullptr);
        else
            _out << TextOutput::status(*status, client().target().url());
        return;
    }
    if (full == "plugins" || full == "services" || full == "config" || full == "endpoints")
    {
        require(0, *command);
        std::string (*text)(const Poco::JSON::Object&) = full == "plugins" ? &TextOutput::plugins
                                                         : full == "services" ? &TextOutput::services
                                                         : full == "config" ? &TextOutput::config
                                                                            : &TextOutput::endpoints;
        return print(client().expect("GET", command->path + jsonQuery()), text);
    }
    if (full == "plugin")
    {
        require(1, *command);
        return print(client().expect("GET", path(*command, _words[1]) + jsonQuery()), &TextOutput::plugin);
    }
    if (full == "unload")
    {
        require(1, *command);
        AdminAnswer answer = client().expect("DELETE", path(*command, _words[1]) + jsonQuery());
        Poco::JSON::Object::Ptr json = answer.json();
        bool closed = json && json->optValue<bool>("library_closed", false);
        return printMutation(answer, "unloaded " + _words[1] + (closed ? " (library closed)" : " (library still mapped)"));
    }
    if (full == "load") return load(*command);
    if (full == "reload") return reload(*command);
    if (full == "upload") return upload(*command);
    if (full == "move") return move(*command);
    if (full == "services set")
    {
        require(2, *command);
        Poco::JSON::Object body;
        body.set("url", _words[3]);
        std::ostringstream text;
        body.stringify(text);
        AdminAnswer answer = client().expect("POST", path(*command, _words[2]) + jsonQuery(), text.str());
        return printMutation(answer, "calls to " + _words[2] + " now go to " + _words[3]);
    }
    if (full == "services forget")
    {
        require(1, *command);
        AdminAnswer answer = client().expect("DELETE", path(*command, _words[2]) + jsonQuery());
        return printMutation(answer, "forgot the base URL of " + _words[2]);
    }
    if (full == "log-level") return logLevel(*command);
    if (full == "metrics")
    {
        require(0, *command);
        return metrics();
    }
    if (full == "api") return api();
    throw CtlError(EXIT_USAGE, "unknown command '" + name + "'");
}

void TerrariumCtl::load(const CtlCommand& command)
{
    require(1, command);
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("file", _words[1]);
    std::string config = option("config");
    std::ostringstream text;
    body.stringify(text);
    std::string json = text.str();
    if (!config.empty()) json = json.substr(0, json.size() - 1) + ",\"config\":" + configBody(config, false) + "}";
    AdminAnswer answer = client().expect("POST", std::string(command.path) + jsonQuery(), json);
    Poco::JSON::Object::Ptr loaded = answer.json();
    printMutation(answer, "loaded " + (loaded ? TextOutput::scalar(loaded->get("name")) + " " + TextOutput::scalar(loaded->get("version")) +
                                                    " (generation " + TextOutput::scalar(loaded->get("generation")) + ")"
                                              : _words[1]) +
                              " from " + _words[1]);
}

void TerrariumCtl::reload(const CtlCommand& command)
{
    require(1, command);
    std::string config = option("config");
    std::string body = config.empty() ? std::string() : "{\"config\":" + configBody(config, true) + "}";
    AdminAnswer answer = client().expect("POST", path(command, _words[1]) + jsonQuery(), body);
    Poco::JSON::Object::Ptr reloaded = answer.json();
    printMutation(answer, "reloaded " + _words[1] +
                              (reloaded ? ": generation " + TextOutput::scalar(reloaded->get("generation")) + ", version " +
                                              TextOutput::scalar(reloaded->get("version"))
                                        : std::string()));
}

void TerrariumCtl::upload(const CtlCommand& command)
{
    require(1, command);
    std::string file = _words[1];
    std::string name = option("name");
    if (name.empty()) name = Poco::Path(file).getBaseName();
    std::string library = readLocalFile(file);
    std::string target = path(command, name);
    const bool signedFile = Poco::File(file + ".sig").exists();
    if (signedFile)
    {
        const std::string signatureTarget = "/admin/plugins/" + name + "/signature";
        AdminAnswer stored = client().call("PUT", signatureTarget, readLocalFile(file + ".sig"), "application/octet-stream");
        if (stored.status >= 400) throw AdminClient::refusal("PUT", signatureTarget, stored);
    }
    AdminAnswer answer = client().call("PUT", target + jsonQuery(), library, "application/octet-stream");
    if (answer.status == 413 && !listed("PUT", command.path))
        throw CtlError(EXIT_REFUSED, "refused by the host: it has no PUT " + target + " (GET /admin does not list " + command.path +
                                         "; it answered 413 to the upload); this call needs a newer terrariumd");
    if (answer.status >= 400) throw AdminClient::refusal("PUT", target, answer);
    if (_json)
        print(answer, nullptr);
    else
    {
        Poco::JSON::Object::Ptr json = answer.json();
        Poco::JSON::Object::Ptr plugin = json ? json->getObject("plugin") : nullptr;
        _out << "uploaded " << file << (signedFile ? " and its signature" : "") << " as " << name
             << (json ? ": " + json->optValue<std::string>("action", "stored") : std::string())
             << (plugin ? ", generation " + TextOutput::scalar(plugin->get("generation")) + ", version " + TextOutput::scalar(plugin->get("version"))
                        : std::string())
             << "\n";
    }
}

bool TerrariumCtl::listed(const std::string& method, const std::string& pattern)
{
    AdminAnswer answer = client().call("GET", "/admin");
    Poco::JSON::Object::Ptr list = answer.status == 200 ? answer.json() : nullptr;
    Poco::JSON::Array::Ptr endpoints = list ? list->getArray("endpoints") : nullptr;
    for (unsigned i = 0; endpoints && i < endpoints->size(); ++i)
    {
        Poco::JSON::Object::Ptr endpoint = endpoints->getObject(i);
        if (endpoint->optValue<std::string>("method", "") == method && endpoint->optValue<std::string>("path", "") == pattern) return true;
    }
    return false;
}

void TerrariumCtl::move(const CtlCommand& command)
{
    require(1, command);
    std::string peer = option("to");
    if (peer.empty()) throw CtlError(EXIT_USAGE, "usage: terrariumctl move NAME --to PEER");
    Poco::JSON::Object body;
    body.set("to", peer);
    std::ostringstream text;
    body.stringify(text);
    AdminAnswer answer = client().expect("POST", path(command, _words[1]) + jsonQuery(), text.str());
    Poco::JSON::Object::Ptr report = answer.json();
    if (_json || !report)
        print(answer, nullptr);
    else
        _out << "moved " << _words[1] << " to " << peer << ":\n" << TextOutput::pretty(report);
}

void TerrariumCtl::logLevel(const CtlCommand& command)
{
    std::string level = option("default");
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    std::string done;
    if (!level.empty() && _words.size() == 1)
    {
        body.set("default", level);
        done = "default log level: " + level;
    }
    else if (_words.size() == 3 && level.empty())
    {
        body.set("service", _words[1]);
        if (_words[2] == "default")
            body.set("level", Poco::Dynamic::Var());
        else
            body.set("level", _words[2]);
        done = "log level of " + _words[1] + ": " + (_words[2] == "default" ? "the default" : _words[2]);
    }
    else if (_words.size() == 1 && level.empty())
        return print(client().expect("GET", command.path + jsonQuery()), &TextOutput::logLevels);
    else
        throw CtlError(EXIT_USAGE, std::string("usage: terrariumctl log-level ") + command.arguments);
    std::ostringstream text;
    body.stringify(text);
    printMutation(client().expect("POST", command.path + jsonQuery(), text.str()), done);
}

void TerrariumCtl::metrics()
{
    double seconds = 1.0;
    std::string interval = option("interval");
    if (!interval.empty() && (!Poco::NumberParser::tryParseFloat(interval, seconds) || seconds < 0 || seconds > 3600))
        throw CtlError(EXIT_USAGE, "--interval '" + interval + "': expected seconds from 0 to 3600");
    MetricsSummary first = MetricsSummary::parse(client().expect("GET", "/metrics").body);
    std::unique_ptr<MetricsSummary> second;
    if (seconds > 0)
    {
        Poco::Thread::sleep(static_cast<long>(seconds * 1000));
        second = std::make_unique<MetricsSummary>(MetricsSummary::parse(client().expect("GET", "/metrics").body));
    }
    const MetricsSummary& now = second ? *second : first;
    const MetricsSummary* earlier = second ? &first : nullptr;
    if (_json)
        _out << TextOutput::pretty(now.json(earlier, seconds));
    else
        _out << now.text(earlier, seconds);
}

void TerrariumCtl::api()
{
    if (_words.size() < 3 || _words.size() > 4) throw CtlError(EXIT_USAGE, "usage: terrariumctl api METHOD PATH [BODY]");
    std::string method = Poco::toUpper(_words[1]);
    std::string target = _words[2];
    if (target.empty() || target[0] != '/') throw CtlError(EXIT_USAGE, "api: PATH must start with '/' (e.g. /admin/plugins)");
    if (_json) target += target.find('?') == std::string::npos ? "?pretty" : "&pretty";
    AdminAnswer answer = client().call(method, target, _words.size() == 4 ? _words[3] : std::string());
    if (answer.status >= 400) throw AdminClient::refusal(method, target.substr(0, target.find('?')), answer);
    print(answer, nullptr);
}

void TerrariumCtl::completeNames()
{
    if (_words.size() != 2) throw CtlError(EXIT_USAGE, "usage: terrariumctl complete-names plugins|services");
    Poco::JSON::Object::Ptr json = client().expect("GET", _words[1] == "services" ? "/admin/services" : "/admin/plugins").json();
    if (!json) return;
    if (_words[1] == "services")
    {
        if (Poco::JSON::Object::Ptr services = json->getObject("services"))
            for (const std::string& name : services->getNames()) _out << name << "\n";
        return;
    }
    if (Poco::JSON::Array::Ptr plugins = json->getArray("plugins"))
        for (unsigned i = 0; i < plugins->size(); ++i) _out << plugins->getObject(i)->optValue<std::string>("name", "") << "\n";
}

} // namespace terrarium::ctl
