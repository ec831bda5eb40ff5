// FakeHost and terrariumd must answer a plugin alike: the same plugin files run under both, and
// every handle() outcome that is not TRM_OK gives the same status, JSON error body, Content-Type
// and Retry-After. The plugins are the fixtures status-choice.so (returns the trm_status of its
// query) and handle-throws.so (throws from handle()), dlopen()ed for FakeHost; and files.so for
// file answers (Range included) and spooled bodies (ABI 1.3).
#include "HttpTestClient.h"
#include "TempDir.h"
#include "TerrariumProcess.h"

#include <terrarium/testing/fake_host.hpp>

#include <catch2/catch.hpp>

#include <dlfcn.h>

#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>

using namespace terrarium::test;
using terrarium::testing::FakeHost;
using terrarium::testing::FakeResponse;

namespace {

/// A fixture plugin dlopen()ed into this process; closed on destruction.
class PluginFile
{
public:
    explicit PluginFile(const std::string& path) : _handle(dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL))
    {
        INFO(path << ": " << (_handle ? "" : dlerror()));
        REQUIRE(_handle != nullptr);
    }
    ~PluginFile() { dlclose(_handle); }
    PluginFile(const PluginFile&) = delete;
    PluginFile& operator=(const PluginFile&) = delete;

    /// The plugin's entry function.
    trm_plugin_entry_fn entry() const
    {
        auto entry = reinterpret_cast<trm_plugin_entry_fn>(dlsym(_handle, TERRARIUM_PLUGIN_ENTRY_SYMBOL));
        REQUIRE(entry != nullptr);
        return entry;
    }

private:
    void* _handle;
};

/// Checks that the real answer and the fake one agree on everything a client reads.
void checkSame(const HttpResult& real, const FakeResponse& fake)
{
    CHECK(real.status == fake.status);
    CHECK(real.body == fake.body);
    CHECK(real.header("Content-Type") == fake.header("Content-Type").value_or(""));
    CHECK(real.header("Retry-After") == fake.header("Retry-After").value_or(""));
}

} // namespace

TEST_CASE("FakeHost and terrariumd answer every handle() status and a throwing handle() alike", "[sdk][agreement]")
{
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath("status-choice.so"), "status-choice.so"}, {fixturePath("handle-throws.so"), "handle-throws.so"}};
    options.configJson = R"({"watch": {"enabled": false}})";
    TerrariumProcess host(options);

    PluginFile statusChoice(fixturePath("status-choice.so"));
    FakeHost fake(statusChoice.entry());
    fake.start();
    for (int status : std::initializer_list<int>{TRM_OK, TRM_AGAIN, TRM_ERR_INTERNAL, TRM_ERR_INVALID, TRM_ERR_NOT_FOUND, TRM_ERR_NO_MEMORY, TRM_ERR_UNSUPPORTED,
                       TRM_ERR_TOO_LARGE, TRM_ERR_TIMEOUT, TRM_ERR_UNAVAILABLE, TRM_ERR_FORBIDDEN, TRM_ERR_BAD_REQUEST, 777, -777})
    {
        const std::string target = "/status-choice/x?status=" + std::to_string(status);
        INFO("handle() returned " << status);
        HttpResult real = host.get(target);
        FakeResponse simulated = fake.call("GET", target);
        checkSame(real, simulated);
        if (status != TRM_OK)
        {
            Poco::JSON::Object::Ptr body = real.json();
            CHECK(body->size() == 2);   // {"error":..., "message":...} and nothing else
            CHECK(body->has("error"));
            CHECK(body->has("message"));
        }
    }

    PluginFile throwing(fixturePath("handle-throws.so"));
    FakeHost fakeThrowing(throwing.entry());
    fakeThrowing.start();
    HttpResult real = host.get("/throws/x");
    CHECK(real.status == 500);
    checkSame(real, fakeThrowing.call("GET", "/throws/x"));
}

TEST_CASE("FakeHost and terrariumd answer a file and take a spooled body alike (ABI 1.3)", "[sdk][agreement][files]")
{
    TempDir storage;
    TempDir spool;
    std::string content(200000, '\0');
    for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>('a' + i % 26);
    std::ofstream(storage.file("letters.txt"), std::ios::binary) << content;
    const std::string config = "{\"dir\":\"" + storage.path() + "\"}";
    TerrariumProcess::Options options;
    options.plugins = {{fixturePath("files.so"), "files.so"}};
    options.configJson = R"({"watch": {"enabled": false}, "plugins": {"files": {"config": )" + config + R"(, "spool": {"threshold_bytes": 1000}}}})";
    TerrariumProcess host(options);

    PluginFile files(fixturePath("files.so"));
    FakeHost fake(files.entry(), config);
    fake.start();
    fake.spoolBodies(spool.path(), 1000);
    for (const std::string range : {"", "bytes=5-9", "bytes=-3", "bytes=300000-"})
    {
        INFO("Range: " << range);
        std::map<std::string, std::string> headers;
        terrarium::testing::Headers fakeHeaders;
        if (!range.empty())
        {
            headers["Range"] = range;
            fakeHeaders.emplace_back("Range", range);
        }
        HttpResult real = host.get("/files/letters.txt", headers);
        FakeResponse simulated = fake.call("GET", "/files/letters.txt", {}, fakeHeaders);
        checkSame(real, simulated);
        CHECK(real.header("Content-Range") == simulated.header("Content-Range").value_or(""));
        CHECK(real.header("Content-Length") == std::to_string(simulated.body.size()));
    }
    HttpResult stored = host.request("PUT", "/files/real.txt", content);
    FakeResponse simulated = fake.call("PUT", "/files/fake.txt", content);
    CHECK(stored.status == simulated.status);
    CHECK(stored.body == "{\"name\":\"real.txt\",\"bytes\":200000,\"renamed\":true}");
    CHECK(simulated.body == "{\"name\":\"fake.txt\",\"bytes\":200000,\"renamed\":true}");
    CHECK(readFile(storage.file("real.txt")) == content);
    CHECK(readFile(storage.file("fake.txt")) == content);
}
