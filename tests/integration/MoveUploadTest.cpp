// The admin API's plugin transfer resources on one host: PUT /admin/plugins/{name}/library
// (stored atomically, then loaded or reloaded), PUT .../signature, GET and PUT .../snapshot, and
// the refusals: bad names, broken libraries (nothing left behind), size limits, plugins without
// snapshot/restore.
#include "FileTransfer.h"
#include "HttpTestClient.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>
#include <string>
#include <vector>

using namespace terrarium::test;

namespace {

const std::map<std::string, std::string> Binary = {{"Content-Type", "application/octet-stream"}};

/// A host with the watcher off and the plugins given.
TerrariumProcess::Options transferHost(std::vector<std::pair<std::string, std::string>> plugins = {}, const std::string& admin = "{}")
{
    TerrariumProcess::Options options;
    options.plugins = std::move(plugins);
    options.configJson = R"({"watch":{"enabled":false},"admin":)" + admin + "}";
    return options;
}

std::string errorCode(const HttpResult& result)
{
    INFO(result.body);
    auto json = result.json();
    REQUIRE(json->has("error"));
    REQUIRE(json->has("message"));
    return json->getValue<std::string>("error");
}

/// The names in the plugins directory, hidden ones included.
std::vector<std::string> pluginFiles(const TerrariumProcess& host)
{
    std::vector<std::string> names = entries(host.pluginsDir());
    std::sort(names.begin(), names.end());
    return names;
}

std::uint64_t served(const TerrariumProcess& host)
{
    HttpResult answer = host.get("/echo");
    REQUIRE(answer.status == 200);
    return answer.json()->getValue<std::uint64_t>("served");
}

} // namespace

TEST_CASE("upload: PUT library loads a new plugin (201), uploading again reloads it (200), the file is stored under its name",
          "[transfer][upload]")
{
    TerrariumProcess host(transferHost());
    HttpResult loaded = host.admin("PUT", "/admin/plugins/echo/library", readFile(ECHO_PLUGIN_PATH), true, Binary);
    INFO(loaded.body);
    REQUIRE(loaded.status == 201);
    CHECK(loaded.json()->getValue<std::string>("action") == "loaded");
    CHECK(loaded.json()->getObject("plugin")->getValue<std::string>("name") == "echo");
    CHECK(host.get("/echo").status == 200);
    CHECK(pluginFiles(host) == std::vector<std::string>{"echo.so"});
    CHECK(sha256OfFile(host.pluginsDir() + "/echo.so") == sha256OfFile(ECHO_PLUGIN_PATH));

    served(host);
    HttpResult reloaded = host.admin("PUT", "/admin/plugins/echo/library", readFile(ECHO_V2_PLUGIN_PATH), true, Binary);
    INFO(reloaded.body);
    REQUIRE(reloaded.status == 200);
    CHECK(reloaded.json()->getValue<std::string>("action") == "reloaded");
    CHECK(reloaded.json()->getObject("plugin")->getValue<int>("generation") == 2);
    CHECK(sha256OfFile(host.pluginsDir() + "/echo.so") == sha256OfFile(ECHO_V2_PLUGIN_PATH));
    CHECK(pluginFiles(host) == std::vector<std::string>{"echo.so"});
    CHECK(served(host) >= 2);   // the state came along with the reload
}

TEST_CASE("upload: a bad name is 400, a broken or misnamed library is refused and nothing is left behind", "[transfer][upload]")
{
    TerrariumProcess host(transferHost({{ECHO_PLUGIN_PATH, "echo.so"}}));
    const std::string echoSha = sha256OfFile(host.pluginsDir() + "/echo.so");

    HttpResult badName = host.admin("PUT", "/admin/plugins/Not.A.Name/library", readFile(ECHO_PLUGIN_PATH), true, Binary);
    CHECK(badName.status == 400);
    CHECK(errorCode(badName) == "invalid_name");

    HttpResult empty = host.admin("PUT", "/admin/plugins/good/library", "", true, Binary);
    CHECK(empty.status == 400);
    CHECK(errorCode(empty) == "empty_body");

    HttpResult notElf = host.admin("PUT", "/admin/plugins/good/library", std::string(4096, 'x'), true, Binary);
    CHECK(notElf.status == 422);
    CHECK(errorCode(notElf) == "not_elf");

    HttpResult misnamed = host.admin("PUT", "/admin/plugins/other/library", readFile(fixturePath("good.so")), true, Binary);
    CHECK(misnamed.status == 400);
    CHECK(errorCode(misnamed) == "name_mismatch");

    HttpResult createFails = host.admin("PUT", "/admin/plugins/create-fails/library", readFile(fixturePath("create-fails.so")), true, Binary);
    CHECK(createFails.status >= 400);
    CHECK(host.admin("GET", "/admin/plugins/create-fails").status == 404);

    HttpResult brokenOverEcho = host.admin("PUT", "/admin/plugins/echo/library", std::string(4096, 'x'), true, Binary);
    CHECK(brokenOverEcho.status == 422);
    CHECK(host.get("/echo").status == 200);
    CHECK(sha256OfFile(host.pluginsDir() + "/echo.so") == echoSha);
    CHECK(host.admin("GET", "/admin/plugins/echo").json()->getValue<int>("generation") == 1);

    CHECK(pluginFiles(host) == std::vector<std::string>{"echo.so"});
    CHECK(host.get("/echo").status == 200);
}

TEST_CASE("upload: a library above admin.max_upload_bytes is refused with 413, a smaller one above max_body_bytes is taken",
          "[transfer][upload]")
{
    const std::size_t echoSize = readFile(ECHO_PLUGIN_PATH).size();
    REQUIRE(echoSize > 64 * 1024);   // above admin.max_body_bytes: spooled, not refused
    TerrariumProcess host(transferHost({}, R"({"max_upload_bytes":)" + std::to_string(echoSize + 1024) + "}"));
    HttpResult tooLarge = host.admin("PUT", "/admin/plugins/echo/library", std::string(echoSize + 4096, 'x'), true, Binary);
    CHECK(tooLarge.status == 413);
    CHECK(pluginFiles(host).empty());
    HttpResult loaded = host.admin("PUT", "/admin/plugins/echo/library", readFile(ECHO_PLUGIN_PATH), true, Binary);
    INFO(loaded.body);
    CHECK(loaded.status == 201);
    CHECK(host.get("/echo").status == 200);
}

TEST_CASE("upload: PUT signature stores NAME.so.sig beside the library, raw or as JSON", "[transfer][upload]")
{
    TerrariumProcess host(transferHost());
    HttpResult raw = host.admin("PUT", "/admin/plugins/echo/signature", "raw-signature-bytes", true, Binary);
    INFO(raw.body);
    REQUIRE(raw.status == 200);
    CHECK(readFile(host.pluginsDir() + "/echo.so.sig") == "raw-signature-bytes");
    HttpResult json = host.admin("PUT", "/admin/plugins/echo/signature", R"({"signature":"json-signature"})", true,
                                 {{"Content-Type", "application/json"}});
    REQUIRE(json.status == 200);
    CHECK(readFile(host.pluginsDir() + "/echo.so.sig") == "json-signature");
    HttpResult bad = host.admin("PUT", "/admin/plugins/echo/signature", R"({"sig":1})", true, {{"Content-Type", "application/json"}});
    CHECK(bad.status == 400);
    CHECK(pluginFiles(host) == std::vector<std::string>{"echo.so.sig"});
}

TEST_CASE("snapshot: GET returns the plugin's snapshot bytes, PUT restores bytes into the loaded instance", "[transfer][snapshot]")
{
    TerrariumProcess host(transferHost({{ECHO_PLUGIN_PATH, "echo.so"}}));
    for (int i = 0; i < 3; ++i) served(host);
    HttpResult snapshot = host.admin("GET", "/admin/plugins/echo/snapshot");
    REQUIRE(snapshot.status == 200);
    CHECK(snapshot.header("Content-Type") == "application/octet-stream");
    CHECK(snapshot.body == "3");

    HttpResult restored = host.admin("PUT", "/admin/plugins/echo/snapshot", "100", true, Binary);
    INFO(restored.body);
    REQUIRE(restored.status == 200);
    CHECK(served(host) == 104);

    CHECK(errorCode(host.admin("GET", "/admin/plugins/nothing/snapshot")) == "not_found");
    HttpResult wrongMethod = host.admin("POST", "/admin/plugins/echo/snapshot", "1");
    CHECK(wrongMethod.status == 405);
}

TEST_CASE("snapshot: a plugin without snapshot/restore is 409, a restore above admin.max_upload_bytes 413", "[transfer][snapshot]")
{
    TerrariumProcess host(transferHost({{ECHO_PLUGIN_PATH, "echo.so"}, {fixturePath("good.so"), "good.so"}}, R"({"max_upload_bytes":100000})"));
    HttpResult get = host.admin("GET", "/admin/plugins/good/snapshot");
    CHECK(get.status == 409);
    CHECK(errorCode(get) == "no_snapshot");
    HttpResult put = host.admin("PUT", "/admin/plugins/good/snapshot", "state", true, Binary);
    CHECK(put.status == 409);
    CHECK(errorCode(put) == "no_snapshot");
    HttpResult tooLarge = host.admin("PUT", "/admin/plugins/echo/snapshot", std::string(200000, '1'), true, Binary);
    CHECK(tooLarge.status == 413);
    CHECK(host.get("/good").status == 200);
    CHECK(host.get("/echo").status == 200);
}

TEST_CASE("upload: with ?hold=restore a new plugin holds its requests until PUT snapshot restored its state", "[transfer][upload][snapshot]")
{
    TerrariumProcess::Options options = transferHost();
    options.configJson = R"({"watch":{"enabled":false},"restore_hold_ms":60000})";
    TerrariumProcess host(options);
    HttpResult loaded = host.admin("PUT", "/admin/plugins/echo/library?hold=restore", readFile(ECHO_PLUGIN_PATH), true, Binary);
    INFO(loaded.body);
    REQUIRE(loaded.status == 201);

    HttpResult held;
    std::thread client([&] { held = host.get("/echo"); });
    bool waiting = waitUntil([&] { return host.admin("GET", "/admin/plugins/echo").json()->getObject("requests")->getValue<int>("held") == 1; });
    HttpResult restored = host.admin("PUT", "/admin/plugins/echo/snapshot", "41", true, Binary);
    client.join();
    REQUIRE(waiting);
    REQUIRE(restored.status == 200);
    REQUIRE(held.status == 200);
    CHECK(held.json()->getValue<std::uint64_t>("served") == 42);

    HttpResult again = host.admin("PUT", "/admin/plugins/echo/library?hold=restore", readFile(ECHO_PLUGIN_PATH), true, Binary);
    CHECK(again.status == 409);
    CHECK(errorCode(again) == "already_loaded");
}

TEST_CASE("upload: DELETE library unloads the plugin loaded from NAME.so and removes the file and its signature", "[transfer][upload]")
{
    TerrariumProcess host(transferHost({{ECHO_PLUGIN_PATH, "echo.so"}}));
    REQUIRE(host.admin("PUT", "/admin/plugins/echo/signature", "sig", true, Binary).status == 200);
    HttpResult removed = host.admin("DELETE", "/admin/plugins/echo/library");
    INFO(removed.body);
    REQUIRE(removed.status == 200);
    CHECK(removed.json()->getValue<bool>("unloaded"));
    CHECK(removed.json()->getValue<bool>("file_existed"));
    CHECK(pluginFiles(host).empty());
    CHECK(host.get("/echo").status != 200);
    HttpResult again = host.admin("DELETE", "/admin/plugins/echo/library");
    CHECK(again.status == 200);
    CHECK_FALSE(again.json()->getValue<bool>("file_existed"));
}

TEST_CASE("upload: with the directory watcher on, the uploaded file is not loaded a second time and no error is recorded",
          "[transfer][upload]")
{
    TerrariumProcess::Options options;
    options.configJson = R"({"watch":{"enabled":true,"interval_ms":50}})";
    TerrariumProcess host(options);
    for (int round = 0; round < 5; ++round)
    {
        HttpResult uploaded = host.admin("PUT", "/admin/plugins/echo/library", readFile(round % 2 ? ECHO_V2_PLUGIN_PATH : ECHO_PLUGIN_PATH), true, Binary);
        INFO(uploaded.body);
        REQUIRE(uploaded.status == (round == 0 ? 201 : 200));
    }
    host.dropPlugin(fixturePath("good.so"), "good.so");   // once the watcher loaded it, it has seen echo.so too
    REQUIRE(waitUntil([&] { return host.admin("GET", "/admin/plugins/good").status == 200; }));
    Poco::JSON::Object::Ptr list = host.admin("GET", "/admin/plugins").json();
    INFO(host.admin("GET", "/admin/plugins").body);
    CHECK(list->getArray("errors")->size() == 0);
    CHECK(host.admin("GET", "/admin/plugins/echo").json()->getValue<int>("generation") == 5);
    CHECK(metricSample(host.admin("GET", "/metrics").body, "terrarium_plugin_load_failures_total{operation=\"load\"}") == 0);
}
