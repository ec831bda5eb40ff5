// Start-up and command line: --help, --version, configuration errors, the precedence of
// defaults < file < TERRARIUM_* environment < flags, /health and /ready, the admin token file.
#include "TempDir.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <Poco/File.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <sys/stat.h>

using namespace terrarium::test;

namespace {

/// Runs terrariumd with args that make it exit on its own; returns its exit code and output.
std::pair<int, std::string> runToExit(TerrariumProcess::Options options)
{
    options.waitReady = false;
    TerrariumProcess process(options);
    int code = process.waitForExit(Poco::Timespan(30, 0));
    INFO(process.log());
    REQUIRE(code != -1);   // it exited by itself
    return {code, process.log()};
}

} // namespace

TEST_CASE("startup: --help prints every flag and exits 0", "[cli]")
{
    TerrariumProcess::Options options;
    options.extraArgs = {"--help"};
    auto [code, output] = runToExit(options);
    INFO(output);
    CHECK(code == 0);
    for (const char* flag : {"--listen", "--admin-listen", "--plugins-dir", "--state-dir", "--admin-token-file", "--config", "--daemon", "--pidfile",
                             "--threads", "--version", "--help"})
    {
        INFO(flag);
        CHECK(output.find(flag) != std::string::npos);
    }
    CHECK(output.find("usage: terrariumd") != std::string::npos);
}

TEST_CASE("startup: --version prints the version and the plugin ABI and exits 0", "[cli]")
{
    TerrariumProcess::Options options;
    options.extraArgs = {"--version"};
    auto [code, output] = runToExit(options);
    INFO(output);
    CHECK(code == 0);
    CHECK(output.find("terrariumd " TERRARIUM_EXPECTED_VERSION) != std::string::npos);
    CHECK(output.find("plugin ABI " TERRARIUM_EXPECTED_ABI) != std::string::npos);
}

TEST_CASE("startup: a stray positional argument is a usage error", "[cli]")
{
    TerrariumProcess::Options options;
    options.extraArgs = {"stray"};
    auto [code, output] = runToExit(options);
    INFO(output);
    CHECK(code == 64);   // EX_USAGE
    CHECK(output.find("unexpected argument 'stray'") != std::string::npos);
}

TEST_CASE("startup: configuration errors stop start-up with a message naming the key", "[cli][config]")
{
    struct Case
    {
        const char* what;
        std::string config;
        std::map<std::string, std::string> env;
        std::vector<std::string> args;
        std::vector<std::string> expected;   // substrings of the output
    };
    const Case cases[] = {
        {"negative limit", R"({"limits":{"max_body_bytes":-1}})", {}, {}, {"limits.max_body_bytes", "out of range", "-1"}},
        {"unknown key", R"({"limits":{"max_body_byte":1024}})", {}, {}, {"limits.max_body_byte", "unknown key", "did you mean limits.max_body_bytes"}},
        {"unknown root key", R"({"listn":"127.0.0.1:0"})", {}, {}, {"listn", "unknown key", "did you mean listen"}},
        {"wrong type", R"({"threads":"many"})", {}, {}, {"threads", "wrong type"}},
        {"invalid JSON", "{\n  \"threads\": 4,\n}", {}, {}, {"invalid JSON", "line"}},
        {"bad environment value", "", {{"TERRARIUM_MAX_BODY_BYTES", "lots"}}, {}, {"TERRARIUM_MAX_BODY_BYTES", "not an integer"}},
        {"unknown environment variable", "", {{"TERRARIUM_BOGUS", "1"}}, {}, {"TERRARIUM_BOGUS", "unknown environment variable"}},
        {"bad flag value", "", {}, {"--threads", "0"}, {"--threads", "out of range"}},
    };
    for (const Case& c : cases)
    {
        SECTION(c.what)
        {
            TerrariumProcess::Options options;
            options.configJson = c.config;
            options.env = c.env;
            options.extraArgs = c.args;
            options.waitReady = false;
            TerrariumProcess process(options);
            int code = process.waitForExit(Poco::Timespan(30, 0));
            std::string output = process.log();
            INFO(output);
            CHECK(code == 78);   // EX_CONFIG
            CHECK(output.find("terrariumd: configuration error: ") != std::string::npos);
            for (const auto& e : c.expected)
            {
                INFO(e);
                CHECK(output.find(e) != std::string::npos);
            }
            // It never listened.
            CHECK_FALSE(Poco::File(process.stateDir() + "/listeners.json").exists());
        }
    }
}

TEST_CASE("startup: /health answers alive and /ready answers ready while serving", "[cli][http]")
{
    TerrariumProcess host;
    HttpResult health = host.get("/health");
    CHECK(health.status == 200);
    CHECK(health.header("Content-Type").find("application/json") == 0);
    CHECK(health.json()->getValue<std::string>("status") == "alive");

    HttpResult ready = host.get("/ready");
    CHECK(ready.status == 200);
    auto body = ready.json();
    CHECK(body->getValue<bool>("ready"));
    CHECK(body->getValue<std::string>("state") == "serving");

    auto status = host.admin("GET", "/admin/status").json();
    CHECK(status->getValue<std::string>("state") == "serving");
    CHECK(status->getValue<bool>("ready"));
    CHECK(status->getValue<std::string>("version") == TERRARIUM_EXPECTED_VERSION);

    // listeners.json holds exactly the two bound loopback addresses.
    auto listeners = Poco::JSON::Parser().parse(readFile(host.stateDir() + "/listeners.json")).extract<Poco::JSON::Object::Ptr>();
    CHECK(listeners->size() == 2);
    CHECK(host.mainAddress().rfind("127.0.0.1:", 0) == 0);
    CHECK(host.adminAddress().rfind("127.0.0.1:", 0) == 0);
    CHECK(host.mainAddress() != host.adminAddress());

    // Unknown paths are a JSON 404 from the router.
    HttpResult missing = host.get("/nothing/here");
    CHECK(missing.status == 404);
    CHECK(missing.json()->getValue<std::string>("error") == "no_route");
}

TEST_CASE("startup: a TERRARIUM_* environment variable overrides the built-in default and the config file", "[cli][config]")
{
    SECTION("over the default")
    {
        TerrariumProcess::Options options;
        options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
        options.env = {{"TERRARIUM_MAX_BODY_BYTES", "16"}};
        TerrariumProcess host(options);
        CHECK(host.request("POST", "/echo/", std::string(16, 'a')).status == 200);
        HttpResult tooLarge = host.request("POST", "/echo/", std::string(17, 'a'));
        CHECK(tooLarge.status == 413);
        CHECK(tooLarge.json()->getValue<std::string>("error") == "payload_too_large");
    }
    SECTION("over the file")
    {
        TerrariumProcess::Options options;
        options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
        options.configJson = R"({"limits":{"max_body_bytes":1048576}})";
        options.env = {{"TERRARIUM_MAX_BODY_BYTES", "16"}};
        TerrariumProcess host(options);
        HttpResult tooLarge = host.request("POST", "/echo/", std::string(100, 'a'));
        CHECK(tooLarge.status == 413);
        CHECK(tooLarge.json()->getValue<std::string>("error") == "payload_too_large");
    }
    SECTION("TERRARIUM_CONFIG names the config file when --config is absent")
    {
        TempDir elsewhere;
        std::string config = elsewhere.write("config.json", R"({"plugins":{"echo":{"config":{"greeting":"from TERRARIUM_CONFIG"}}}})");
        TerrariumProcess::Options options;
        options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
        options.env = {{"TERRARIUM_CONFIG", config}};
        TerrariumProcess host(options);
        HttpResult answer = host.get("/echo/");
        REQUIRE(answer.status == 200);
        CHECK(answer.json()->getValue<std::string>("greeting") == "from TERRARIUM_CONFIG");
    }
}

TEST_CASE("startup: command-line flags override the config file and the environment", "[cli][config]")
{
    // The config file and the environment point plugins_dir at an empty directory; the flag
    // --plugins-dir (always given by TerrariumProcess) points at the one holding echo.so.
    TempDir elsewhere;
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    SECTION("over the file")
    {
        options.configJson = R"({"plugins_dir":")" + elsewhere.file("from-file") + R"("})";
    }
    SECTION("over the environment")
    {
        options.env = {{"TERRARIUM_PLUGINS_DIR", elsewhere.file("from-env")}};
    }
    TerrariumProcess host(options);
    CHECK(host.get("/echo/").status == 200);
    CHECK(host.waitForLog("plugins dir " + host.pluginsDir()));
    CHECK_FALSE(Poco::File(elsewhere.file("from-file")).exists());
    CHECK_FALSE(Poco::File(elsewhere.file("from-env")).exists());
}

TEST_CASE("startup: the generated admin token file has mode 0600 and its path is logged", "[cli][admin]")
{
    TerrariumProcess host;
    std::string path = host.stateDir() + "/admin.token";
    struct stat st;
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    std::string token = host.token();
    CHECK(token.size() == 64);
    CHECK(token.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(host.waitForLog("generated a new admin token in " + path));
    CHECK(host.admin("GET", "/admin/plugins").status == 200);
}

TEST_CASE("startup: --admin-token-file supplies the admin token", "[cli][admin]")
{
    TempDir secrets;
    std::string tokenFile = secrets.write("token", "integration-test-token-1234\n");
    TerrariumProcess::Options options;
    options.extraArgs = {"--admin-token-file", tokenFile};
    TerrariumProcess host(options);
    CHECK(host.token() == "integration-test-token-1234");
    CHECK(host.waitForLog("admin token read from " + tokenFile));
    CHECK_FALSE(Poco::File(host.stateDir() + "/admin.token").exists());

    CHECK(host.admin("GET", "/admin/plugins").status == 200);
    HttpResult wrong = host.admin("GET", "/admin/plugins", "", false, {{"Authorization", "Bearer integration-test-token-12345"}});
    CHECK(wrong.status == 403);
    CHECK(wrong.json()->getValue<std::string>("error") == "forbidden");
}

TEST_CASE("startup: an empty --admin-token-file stops start-up", "[cli][admin]")
{
    TempDir secrets;
    std::string tokenFile = secrets.write("token", "\n");
    TerrariumProcess::Options options;
    options.extraArgs = {"--admin-token-file", tokenFile};
    options.waitReady = false;
    TerrariumProcess process(options);
    int code = process.waitForExit(Poco::Timespan(30, 0));
    INFO(process.log());
    CHECK(code == 78);
    CHECK(process.log().find("admin token file " + tokenFile + " is empty") != std::string::npos);
}

TEST_CASE("startup: a bad command line is a usage error (64) naming the option", "[cli]")
{
    struct Case
    {
        const char* what;
        std::vector<std::string> args;
        const char* expected;
    };
    const Case cases[] = {
        {"unknown option", {"--bogus"}, "bogus"},
        {"unknown option with a value", {"--listn=127.0.0.1:0"}, "listn"},
        {"missing argument", {"--threads"}, "threads"},
        {"repeated option", {"--listen", "127.0.0.1:0", "--listen", "127.0.0.1:0"}, "listen"},
    };
    for (const Case& c : cases)
    {
        SECTION(c.what)
        {
            TerrariumProcess::Options options;
            options.extraArgs = c.args;
            auto [code, output] = runToExit(options);
            INFO(output);
            CHECK(code == 64);   // EX_USAGE, as the man page says
            CHECK(output.find("terrariumd: ") != std::string::npos);
            CHECK(output.find(c.expected) != std::string::npos);
            CHECK(output.find("--help") != std::string::npos);
            CHECK(output.find("configuration error") == std::string::npos);
        }
    }
}

namespace {

/// The entries of a directory ("." and ".." left out).
std::vector<std::string> entriesOf(const std::string& dir)
{
    std::vector<std::string> names;
    Poco::File(dir).list(names);
    return names;
}

} // namespace

TEST_CASE("startup: --check-config validates a good configuration and exits 0 without binding or writing anything", "[cli][config]")
{
    // Holding the main address ourselves: a check that tried to bind it would fail.
    Poco::Net::ServerSocket held(Poco::Net::SocketAddress("127.0.0.1", 0));
    const std::string address = held.address().toString();
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"threads": 4, "limits": {"max_body_bytes": 1024}, "plugins": {"echo": {"config": {"greeting": "hi"}}}})";
    options.extraArgs = {"--check-config", "--listen", address};
    auto [code, output] = runToExit(options);
    INFO(output);
    CHECK(code == 0);
    CHECK(output.find("configuration OK") != std::string::npos);
    CHECK(output.find("listener 'main' on " + address) != std::string::npos);
    CHECK(output.find("ready") == std::string::npos);   // the host never started
}

TEST_CASE("startup: --check-config refuses a bad configuration with start-up's message and exit code 78", "[cli][config]")
{
    struct Case
    {
        const char* what;
        std::string config;
        std::vector<std::string> expected;
    };
    const Case cases[] = {
        {"unknown key", R"({"limits":{"max_body_byte":1024}})", {"limits.max_body_byte", "unknown key", "did you mean limits.max_body_bytes"}},
        {"out of range", R"({"threads":0})", {"threads", "out of range"}},
        {"certificate that cannot be used", R"({"tls":{"cert_file":"/nonexistent/cert.pem","key_file":"/nonexistent/key.pem"}})",
         {"/nonexistent/cert.pem"}},
        {"buffered body bound below the body limit", R"({"limits":{"max_body_bytes":2048,"max_buffered_body_bytes":1024}})",
         {"limits.max_buffered_body_bytes", "smaller than limits.max_body_bytes"}},
    };
    for (const Case& c : cases)
    {
        SECTION(c.what)
        {
            TerrariumProcess::Options options;
            options.configJson = c.config;
            options.extraArgs = {"--check-config"};
            TerrariumProcess::Options started = options;
            started.extraArgs.clear();
            auto [code, output] = runToExit(options);
            auto [startCode, startOutput] = runToExit(started);
            INFO("--check-config said: " << output);
            INFO("start-up said: " << startOutput);
            CHECK(code == 78);
            CHECK(startCode == 78);
            CHECK(output.find("terrariumd: configuration error: ") != std::string::npos);
            for (const auto& e : c.expected)
            {
                INFO(e);
                CHECK(output.find(e) != std::string::npos);
                CHECK(startOutput.find(e) != std::string::npos);
            }
        }
    }
}

TEST_CASE("startup: --check-config writes nothing into the state directory", "[cli][config]")
{
    TerrariumProcess::Options options;
    options.extraArgs = {"--check-config"};
    options.waitReady = false;
    TerrariumProcess process(options);
    REQUIRE(process.waitForExit(Poco::Timespan(30, 0)) == 0);
    INFO(process.log());
    CHECK(entriesOf(process.stateDir()).empty());   // no admin.token, cache/ or listeners.json
    CHECK(entriesOf(process.pluginsDir()).empty());
}
