// terrariumctl against the real terrariumd: every command, --json, each exit code, and how it finds
// the host (flags, TERRARIUM_ADMIN_URL / TERRARIUM_ADMIN_TOKEN_FILE, the packaged layout's
// listeners.json and admin.token in the state directory, a Unix-socket admin listener).
#include "HttpTestClient.h"
#include "TempDir.h"
#include "TerrariumProcess.h"
#include "TestCertificate.h"
#include "ToolRun.h"

#include <catch2/catch.hpp>

#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <map>
#include <string>
#include <vector>

using namespace terrarium::test;
using Catch::Matchers::Contains;

namespace {

/// What one terrariumctl run printed and returned.
struct CtlRun
{
    int exitCode = -1;
    std::string out;
    std::string err;

    Poco::JSON::Object::Ptr json() const
    {
        INFO("stdout: " << out << "\nstderr: " << err);
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var parsed = parser.parse(out);
        REQUIRE(parsed.type() == typeid(Poco::JSON::Object::Ptr));
        return parsed.extract<Poco::JSON::Object::Ptr>();
    }
};

/// Runs terrariumctl with arguments and extra environment variables.
CtlRun runCtl(const std::vector<std::string>& arguments, const std::map<std::string, std::string>& environment = {})
{
    Poco::Pipe outPipe;
    Poco::Pipe errPipe;
    Poco::ProcessHandle handle = Poco::Process::launch(TERRARIUMCTL_PATH, arguments, std::string(), nullptr, &outPipe, &errPipe, environment);
    CtlRun run;
    Poco::PipeInputStream out(outPipe);
    Poco::PipeInputStream err(errPipe);
    Poco::StreamCopier::copyToString(out, run.out);
    Poco::StreamCopier::copyToString(err, run.err);
    run.exitCode = handle.wait();
    return run;
}

/// Runs terrariumctl against host, found through its state directory (the packaged layout).
CtlRun ctl(const TerrariumProcess& host, std::vector<std::string> arguments)
{
    arguments.insert(arguments.begin(), {"--state-dir", host.stateDir()});
    return runCtl(arguments);
}

/// A host with echo.so loaded at start and the watcher off.
TerrariumProcess::Options echoHost()
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch":{"enabled":false}})";
    return options;
}

#define REQUIRE_EXIT(run, code)                                                                \
    do                                                                                         \
    {                                                                                          \
        INFO("stdout: " << (run).out << "\nstderr: " << (run).err);                            \
        REQUIRE((run).exitCode == (code));                                                     \
    } while (false)

} // namespace

TEST_CASE("terrariumctl: status, plugins and plugin, as text and as JSON", "[terrariumctl]")
{
    TerrariumProcess host(echoHost());

    CtlRun status = ctl(host, {"status"});
    REQUIRE_EXIT(status, 0);
    CHECK_THAT(status.out, Contains("serving (ready)"));
    CHECK_THAT(status.out, Contains("http://" + host.adminAddress()));

    CtlRun statusJson = ctl(host, {"--json", "status"});
    REQUIRE_EXIT(statusJson, 0);
    CHECK(statusJson.json()->getValue<std::string>("state") == "serving");
    CHECK_THAT(statusJson.out, Contains("\n  \"state\""));   // indented

    CtlRun plugins = ctl(host, {"plugins"});
    REQUIRE_EXIT(plugins, 0);
    CHECK_THAT(plugins.out, Contains("NAME"));
    CHECK_THAT(plugins.out, Contains("echo"));
    CHECK_THAT(plugins.out, Contains("echo.so"));
    CtlRun pluginsJson = ctl(host, {"plugins", "--json"});
    REQUIRE_EXIT(pluginsJson, 0);
    CHECK(pluginsJson.json()->getArray("plugins")->size() == 1);

    CtlRun plugin = ctl(host, {"plugin", "echo"});
    REQUIRE_EXIT(plugin, 0);
    CHECK_THAT(plugin.out, Contains("generation:"));
    CHECK_THAT(plugin.out, Contains("sha256:"));
    CtlRun pluginJson = ctl(host, {"--json", "plugin", "echo"});
    REQUIRE_EXIT(pluginJson, 0);
    CHECK(pluginJson.json()->getValue<std::string>("name") == "echo");
}

TEST_CASE("terrariumctl: load, reload and unload change the host", "[terrariumctl]")
{
    TerrariumProcess host(echoHost());

    CtlRun reload = ctl(host, {"reload", "echo", "--config", R"({"greeting":"from ctl"})"});
    REQUIRE_EXIT(reload, 0);
    CHECK_THAT(reload.out, Contains("reloaded echo: generation 2"));
    CHECK_THAT(host.get("/echo/").body, Contains("from ctl"));

    CtlRun unload = ctl(host, {"unload", "echo"});
    REQUIRE_EXIT(unload, 0);
    CHECK_THAT(unload.out, Contains("unloaded echo"));
    CHECK(host.get("/echo/").status == 404);

    CtlRun load = ctl(host, {"--json", "load", "echo.so", "--config", R"({"greeting":"loaded by ctl"})"});
    REQUIRE_EXIT(load, 0);
    CHECK(load.json()->getValue<std::string>("name") == "echo");
    CHECK_THAT(host.get("/echo/").body, Contains("loaded by ctl"));

    CtlRun dropped = ctl(host, {"reload", "echo", "--config", "null"});
    REQUIRE_EXIT(dropped, 0);
    CHECK_THAT(host.get("/echo/").body, !Contains("loaded by ctl"));
}

TEST_CASE("terrariumctl: services, log levels, metrics, config, endpoints, api", "[terrariumctl]")
{
    TerrariumProcess host(echoHost());

    REQUIRE_EXIT(ctl(host, {"services", "set", "billing", "http://127.0.0.1:9"}), 0);
    CtlRun services = ctl(host, {"services"});
    REQUIRE_EXIT(services, 0);
    CHECK_THAT(services.out, Contains("billing"));
    CHECK_THAT(services.out, Contains("http://127.0.0.1:9"));
    REQUIRE_EXIT(ctl(host, {"services", "forget", "billing"}), 0);
    CHECK_THAT(ctl(host, {"services"}).out, !Contains("billing"));

    REQUIRE_EXIT(ctl(host, {"log-level", "echo", "debug"}), 0);
    REQUIRE_EXIT(ctl(host, {"log-level", "--default", "warning"}), 0);
    CtlRun levels = ctl(host, {"--json", "log-level"});
    REQUIRE_EXIT(levels, 0);
    CHECK(levels.json()->getValue<std::string>("default") == "warn");
    CHECK(levels.json()->getObject("services")->getValue<std::string>("echo") == "debug");
    REQUIRE_EXIT(ctl(host, {"log-level", "echo", "default"}), 0);
    CHECK_FALSE(ctl(host, {"--json", "log-level"}).json()->getObject("services")->has("echo"));
    REQUIRE_EXIT(ctl(host, {"log-level", "echo", "loud"}), 5);

    REQUIRE(host.get("/echo/a").status == 200);
    REQUIRE(host.get("/echo/b").status == 200);
    CtlRun metrics = ctl(host, {"metrics", "--interval", "0"});
    REQUIRE_EXIT(metrics, 0);
    CHECK_THAT(metrics.out, Contains("PLUGIN"));
    CHECK_THAT(metrics.out, Contains("echo"));
    CtlRun metricsJson = ctl(host, {"metrics", "--json", "--interval", "0.1"});
    REQUIRE_EXIT(metricsJson, 0);
    Poco::JSON::Object::Ptr echo = metricsJson.json()->getObject("plugins")->getObject("echo");
    REQUIRE(echo);
    CHECK(echo->getValue<int>("requests") >= 2);
    CHECK(echo->has("requests_per_s"));

    CtlRun config = ctl(host, {"config"});
    REQUIRE_EXIT(config, 0);
    CHECK_THAT(config.out, Contains("admin.listen = 127.0.0.1:0  (flag:--admin-listen)"));
    CHECK_THAT(config.out, Contains("watch.enabled = false  (file:"));
    CHECK_THAT(config.out, Contains("queue_size = 1024  (default)"));

    CtlRun endpoints = ctl(host, {"endpoints"});
    REQUIRE_EXIT(endpoints, 0);
    CHECK_THAT(endpoints.out, Contains("/admin/plugins/{name}/reload"));

    CtlRun names = ctl(host, {"complete-names", "plugins"});
    REQUIRE_EXIT(names, 0);
    CHECK(names.out == "echo\n");

    CtlRun api = ctl(host, {"--json", "api", "GET", "/admin/status"});
    REQUIRE_EXIT(api, 0);
    CHECK(api.json()->getValue<std::string>("state") == "serving");
}

TEST_CASE("terrariumctl: the bash completion comes from the command and endpoint tables", "[terrariumctl]")
{
    CtlRun completion = runCtl({"completion", "bash"});
    REQUIRE_EXIT(completion, 0);
    CHECK_THAT(completion.out, Contains("complete -F _terrariumctl terrariumctl"));
    for (const char* word : {"status", "plugins", "reload", "upload", "move", "log-level", "metrics", "set forget", "/admin/config",
                             "/admin/plugins/{name}/reload", "--json"})
        CHECK_THAT(completion.out, Contains(word));
    std::string installed = readFile(TERRARIUMCTL_COMPLETION_PATH);
    CHECK(installed == completion.out);
}

TEST_CASE("terrariumctl: bash completes commands, subcommands, levels and the running host's plugin names", "[terrariumctl]")
{
    TerrariumProcess host(echoHost());
    std::string ctlDir = std::string(TERRARIUMCTL_PATH).substr(0, std::string(TERRARIUMCTL_PATH).rfind('/'));
    auto complete = [&](const std::string& words) {
        std::string script = "source '" + std::string(TERRARIUMCTL_COMPLETION_PATH) + "'; COMP_WORDS=(" + words +
                             "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _terrariumctl; echo \"${COMPREPLY[*]}\"";
        Poco::Pipe outPipe;
        Poco::ProcessHandle handle = Poco::Process::launch("/bin/bash", {"-c", script}, std::string(), nullptr, &outPipe, nullptr,
                                                           {{"PATH", ctlDir + ":/usr/bin:/bin"}});
        Poco::PipeInputStream out(outPipe);
        std::string text;
        Poco::StreamCopier::copyToString(out, text);
        REQUIRE(handle.wait() == 0);
        return text;
    };
    CHECK(complete("terrariumctl se") == "services\n");
    CHECK(complete("terrariumctl services ''") == "set forget\n");
    CHECK(complete("terrariumctl log-level echo de") == "debug default\n");
    CHECK(complete("terrariumctl --state-dir '" + host.stateDir() + "' reload ''") == "echo\n");
    CHECK(complete("terrariumctl api GET /admin/c") == "/admin/config\n");
}

TEST_CASE("terrariumctl: finds the host from the environment and from the packaged layout", "[terrariumctl]")
{
    TerrariumProcess host(echoHost());
    std::string token = host.stateDir() + "/admin.token";

    CtlRun fromEnvironment = runCtl({"status"}, {{"TERRARIUM_ADMIN_URL", "http://" + host.adminAddress()}, {"TERRARIUM_ADMIN_TOKEN_FILE", token}});
    REQUIRE_EXIT(fromEnvironment, 0);
    CHECK_THAT(fromEnvironment.out, Contains("serving"));

    CtlRun fromFlags = runCtl({"--url", host.adminAddress(), "--token-file", token, "plugins"});
    REQUIRE_EXIT(fromFlags, 0);
    CHECK_THAT(fromFlags.out, Contains("echo"));

    // A copy of the packaged layout: listeners.json and admin.token in a state directory.
    TempDir layout;
    layout.write("listeners.json", readFile(host.stateDir() + "/listeners.json"));
    layout.write("admin.token", host.token() + "\n");
    CtlRun fromStateDirVariable = runCtl({"plugins"}, {{"TERRARIUM_STATE_DIR", layout.path()}});
    REQUIRE_EXIT(fromStateDirVariable, 0);
    CHECK_THAT(fromStateDirVariable.out, Contains("echo"));
    CtlRun fromStateDirFlag = runCtl({"--state-dir", layout.path(), "status"});
    REQUIRE_EXIT(fromStateDirFlag, 0);
}

TEST_CASE("terrariumctl: a Unix-socket admin listener needs no token", "[terrariumctl]")
{
    TempDir socketDir;
    TerrariumProcess::Options options = echoHost();
    std::string path = socketDir.file("admin.sock");
    options.extraArgs = {"--admin-listen", "unix:" + path};
    TerrariumProcess host(options);

    TempDir layout;
    layout.write("listeners.json", readFile(host.stateDir() + "/listeners.json"));
    CtlRun plugins = runCtl({"--state-dir", layout.path(), "plugins"});
    REQUIRE_EXIT(plugins, 0);
    CHECK_THAT(plugins.out, Contains("echo"));
    CtlRun status = runCtl({"--url", "unix:" + path, "status"});
    REQUIRE_EXIT(status, 0);
    CHECK_THAT(status.out, Contains("unix:" + path));
}

TEST_CASE("terrariumctl: an admin listener with TLS and client certificates over an https URL", "[terrariumctl]")
{
    TestCertificate server;
    TestCertificate client("terrariumctl");
    TerrariumProcess::Options options = echoHost();
    options.configJson = R"({"watch":{"enabled":false},"admin":{"tls":{"cert_file":")" + server.certFile() + R"(","key_file":")" +
                         server.keyFile() + R"(","ca_file":")" + client.certFile() + R"(","client_certs":"required"}}})";
    options.waitReady = false;
    TerrariumProcess host(options);
    REQUIRE(waitUntil([&] { return !host.adminAddress().empty() && host.get("/ready").status == 200; }));
    std::string url = "https://" + host.adminAddress();
    std::string token = host.stateDir() + "/admin.token";

    CtlRun plugins = runCtl({"--url", url, "--token-file", token, "--ca-file", server.certFile(), "--cert", client.certFile(), "--key",
                             client.keyFile(), "plugins"});
    REQUIRE_EXIT(plugins, 0);
    CHECK_THAT(plugins.out, Contains("echo"));

    CtlRun untrusted = runCtl({"--url", url, "--token-file", token, "--cert", client.certFile(), "--key", client.keyFile(), "plugins"});
    REQUIRE_EXIT(untrusted, 2);
    CHECK_THAT(untrusted.err, Contains("--ca-file"));
    CtlRun noClientCertificate = runCtl({"--url", url, "--token-file", token, "--ca-file", server.certFile(), "plugins"});
    REQUIRE_EXIT(noClientCertificate, 2);
}

TEST_CASE("terrariumctl: upload brings a plugin and its signature to a host that requires signatures, move takes both to a peer",
          "[terrariumctl][signatures][move]")
{
    TempDir keys;
    Poco::File(keys.file("trusted")).createDirectories();
    Poco::File(keys.file("plain")).createDirectories();
    REQUIRE(runTool(TERRARIUM_SIGN_PATH, {"keygen", keys.file("release.key"), keys.file("trusted/release.pub")}) == 0);
    const std::string library = keys.file("echo.so");
    Poco::File(ECHO_PLUGIN_PATH).copyTo(library);
    REQUIRE(runTool(TERRARIUM_SIGN_PATH, {"sign", "--key", keys.file("release.key"), library}) == 0);
    const std::string unsignedLibrary = keys.file("plain/echo.so");
    Poco::File(ECHO_PLUGIN_PATH).copyTo(unsignedLibrary);

    const std::string requireSignatures = R"("watch":{"enabled":false},"log":{"logthon":{"enabled":false}},)"
                                          R"("plugins":{"signatures":"require","trusted_keys_dir":")" + keys.file("trusted") + R"("})";
    TerrariumProcess::Options optionsB;
    optionsB.configJson = "{" + requireSignatures + "}";
    TerrariumProcess b(optionsB);
    TerrariumProcess::Options optionsA;
    optionsA.configJson = "{" + requireSignatures + R"(,"peers":{"b":{"admin_url":"http://)" + b.adminAddress() + R"(","token_file":")" +
                          b.stateDir() + R"(/admin.token","url":"http://)" + b.mainAddress() + R"("}}})";
    TerrariumProcess a(optionsA);

    CtlRun refused = ctl(a, {"upload", unsignedLibrary});
    REQUIRE_EXIT(refused, 5);
    CHECK_THAT(refused.err, Contains("signature_missing"));
    CHECK(a.get("/echo/").status == 404);

    CtlRun upload = ctl(a, {"upload", library});
    REQUIRE_EXIT(upload, 0);
    CHECK_THAT(upload.out, Contains("uploaded " + library + " and its signature as echo: loaded, generation 1"));
    CHECK(a.get("/echo/").status == 200);
    CHECK(a.admin("GET", "/admin/plugins/echo").json()->getObject("signature")->getValue<std::string>("state") == "signed");

    CtlRun moved = ctl(a, {"move", "echo", "--to", "b"});
    REQUIRE_EXIT(moved, 0);
    CHECK_THAT(moved.out, Contains("moved echo to b"));
    HttpResult onB = b.admin("GET", "/admin/plugins/echo");
    REQUIRE(onB.status == 200);
    CHECK(onB.json()->getObject("signature")->getValue<std::string>("state") == "signed");
    CHECK(a.get("/echo/").status == 200);   // forwarded to B
    CHECK(a.admin("GET", "/admin/plugins/echo").status == 404);
}

TEST_CASE("terrariumctl: exit codes for host not running, unauthorised, not found, refused, usage", "[terrariumctl]")
{
    TempDir empty;
    CtlRun notRunning = runCtl({"--state-dir", empty.path(), "status"});
    REQUIRE_EXIT(notRunning, 2);
    CHECK_THAT(notRunning.err, Contains("does not seem to be running"));

    std::string stoppedAddress;
    {
        TerrariumProcess stopped;
        stoppedAddress = stopped.adminAddress();
        REQUIRE(stopped.terminate() == 0);
    }
    CtlRun unreachable = runCtl({"--url", "http://" + stoppedAddress, "status"});
    REQUIRE_EXIT(unreachable, 2);
    CHECK_THAT(unreachable.err, Contains("cannot reach the host's admin API at http://" + stoppedAddress));

    CtlRun noSocket = runCtl({"--url", "unix:" + empty.file("admin.sock"), "status"});
    REQUIRE_EXIT(noSocket, 2);
    CHECK_THAT(noSocket.err, Contains("is terrariumd running?"));

    TempDir tokens;
    std::string readOnlyToken = tokens.write("read-only.token", "read-only-token-of-the-ctl-test\n");
    TerrariumProcess::Options options = echoHost();
    options.configJson = R"({"watch":{"enabled":false},"admin":{"read_only_token_file":")" + readOnlyToken + R"("}})";
    TerrariumProcess host(options);
    CtlRun readOnlyList = ctl(host, {"--token-file", readOnlyToken, "plugins"});
    REQUIRE_EXIT(readOnlyList, 0);
    CtlRun readOnlyChange = ctl(host, {"--token-file", readOnlyToken, "unload", "echo"});
    REQUIRE_EXIT(readOnlyChange, 3);
    CHECK_THAT(readOnlyChange.err, Contains("read_only"));

    TempDir wrong;
    std::string wrongToken = wrong.write("token", "not-the-token\n");
    CtlRun forbidden = runCtl({"--url", host.adminAddress(), "--token-file", wrongToken, "plugins"});
    REQUIRE_EXIT(forbidden, 3);
    CHECK_THAT(forbidden.err, Contains("unauthorised"));
    CtlRun noToken = runCtl({"--url", host.adminAddress(), "--state-dir", empty.path(), "plugins"});
    REQUIRE_EXIT(noToken, 3);
    CHECK_THAT(noToken.err, Contains("sudo"));
    CtlRun missingTokenFile = runCtl({"--url", host.adminAddress(), "--token-file", empty.file("absent"), "plugins"});
    REQUIRE_EXIT(missingTokenFile, 3);
    CHECK_THAT(missingTokenFile.err, Contains("cannot read the admin token file"));

    CtlRun noPlugin = ctl(host, {"plugin", "nosuch"});
    REQUIRE_EXIT(noPlugin, 4);
    CHECK_THAT(noPlugin.err, Contains("not found: no plugin named 'nosuch'"));
    REQUIRE_EXIT(ctl(host, {"unload", "nosuch"}), 4);
    REQUIRE_EXIT(ctl(host, {"load", "nosuch.so"}), 4);

    CtlRun twice = ctl(host, {"load", "echo.so"});
    REQUIRE_EXIT(twice, 5);
    CHECK_THAT(twice.err, Contains("refused by the host (409 already_loaded:"));

    // A broken library and a move to a peer nobody listens on: refused with the host's reason.
    TempDir small;
    CtlRun smallUpload = ctl(host, {"upload", small.write("tiny.so", "\x7f" "ELF"), "--name", "echo"});
    REQUIRE_EXIT(smallUpload, 5);
    CHECK_THAT(smallUpload.err, Contains("refused by the host (422"));
    CtlRun move = ctl(host, {"move", "echo", "--to", "http://127.0.0.1:9"});
    REQUIRE_EXIT(move, 5);
    CHECK_THAT(move.err, Contains("refused by the host"));
    CHECK(host.get("/echo/").status == 200);

    REQUIRE_EXIT(runCtl({"frobnicate"}), 1);
    REQUIRE_EXIT(runCtl({}), 1);
    REQUIRE_EXIT(ctl(host, {"plugin"}), 1);
    REQUIRE_EXIT(ctl(host, {"load", "echo.so", "--config", "{not json"}), 1);
    REQUIRE_EXIT(ctl(host, {"move", "echo"}), 1);
    REQUIRE_EXIT(runCtl({"--no-such-option", "status"}), 1);
    CtlRun help = runCtl({"--help"});
    REQUIRE_EXIT(help, 0);
    CHECK_THAT(help.out, Contains("services forget NAME"));
}
