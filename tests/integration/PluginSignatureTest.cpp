// Signed plugins through the real terrariumd: with plugins.signatures "require" a plugin loads
// only with a good signature by a trusted key (admin load, admin reload, drop-in), each refusal
// answers its own error code, a refused reload leaves the old generation serving, a signature
// that arrives after its plugin loads it, removing a key file revokes it at the next load, and
// "warn" loads unsigned plugins with a warning. Keys and signatures are made with terrarium-sign.
#include "TempDir.h"
#include "TerrariumProcess.h"
#include "ToolRun.h"

#include <Poco/File.h>

#include <catch2/catch.hpp>

#include <fstream>

using namespace terrarium::test;

namespace {

/// Runs terrarium-sign with args; its exit code.
int signTool(const std::vector<std::string>& args)
{
    return runTool(TERRARIUM_SIGN_PATH, args);
}

/// A key pair in keys/ (public key in keys/trusted/) and signed copies of plugins, in a scratch directory.
struct Signer
{
    TempDir dir;

    Signer()
    {
        Poco::File(dir.file("trusted")).createDirectories();
        REQUIRE(signTool({"keygen", dir.file("release.key"), dir.file("trusted/release.pub")}) == 0);
    }

    std::string trustedDir() const { return dir.file("trusted"); }

    /// A copy of source named name, signed (extra: e.g. {"--name", "x", "--version", "y"}).
    std::string signedCopy(const std::string& source, const std::string& name, std::vector<std::string> extra = {}) const
    {
        std::string copy = dir.file(name);
        Poco::File(source).copyTo(copy);
        std::vector<std::string> args = {"sign", "--key", dir.file("release.key")};
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back(copy);
        REQUIRE(signTool(args) == 0);
        return copy;
    }

    /// The host config requiring (or with policy) signatures by this signer's keys.
    std::string config(const std::string& policy = "require", bool watch = true) const
    {
        return R"({"watch": {"enabled": )" + std::string(watch ? "true" : "false") + R"(, "interval_ms": 50}, "plugins": {"signatures": ")" + policy +
               R"(", "trusted_keys_dir": ")" + trustedDir() + R"("}})";
    }
};

void put(const TerrariumProcess& host, const std::string& source, const std::string& name)
{
    host.dropPlugin(source, name);
}

/// The error recorded for the only file with one under "errors" of GET /admin/plugins ("" when none).
std::string fileError(const TerrariumProcess& host)
{
    auto errors = host.admin("GET", "/admin/plugins").json()->getArray("errors");
    return errors->size() == 1 ? errors->getObject(0)->getValue<std::string>("error") : std::string();
}

void expectRefused(const HttpResult& result, int status, const std::string& code)
{
    INFO(result.body);
    CHECK(result.status == status);
    if (result.status == status) CHECK(result.json()->getValue<std::string>("error") == code);
}

} // namespace

TEST_CASE("signatures: require loads a plugin signed by a trusted key and shows the key", "[signatures]")
{
    Signer signer;
    std::string echo = signer.signedCopy(ECHO_PLUGIN_PATH, "echo.so");
    TerrariumProcess::Options options;
    options.configJson = signer.config();
    options.plugins = {{echo + ".sig", "echo.so.sig"}, {echo, "echo.so"}};
    TerrariumProcess host(options);

    CHECK(host.get("/echo/").status == 200);
    auto signature = host.admin("GET", "/admin/plugins/echo").json()->getObject("signature");
    REQUIRE(signature);
    CHECK(signature->getValue<std::string>("state") == "signed");
    CHECK(signature->getValue<std::string>("key_file") == "release.pub");
    CHECK(signature->getValue<std::string>("key_id").size() == 16);
}

TEST_CASE("signatures: require refuses each fault of an admin load with its own code", "[signatures]")
{
    Signer signer;
    TerrariumProcess::Options options;
    options.configJson = signer.config("require", false);
    TerrariumProcess host(options);
    auto load = [&](const std::string& file) { return host.admin("POST", "/admin/plugins", R"({"file":")" + file + R"("})"); };

    SECTION("unsigned")
    {
        put(host, ECHO_PLUGIN_PATH, "echo.so");
        expectRefused(load("echo.so"), 403, "signature_missing");
        CHECK(host.waitForLog("cannot load echo.so: no signature file"));
    }
    SECTION("tampered: the file is not the signed one")
    {
        std::string echo = signer.signedCopy(ECHO_PLUGIN_PATH, "echo.so");
        put(host, echo + ".sig", "echo.so.sig");
        put(host, ECHO_V2_PLUGIN_PATH, "echo.so");
        expectRefused(load("echo.so"), 403, "signature_tampered");
        CHECK(host.waitForLog("(signature_tampered)"));
    }
    SECTION("signed by a key that is not trusted")
    {
        Signer stranger;
        std::string echo = stranger.signedCopy(ECHO_PLUGIN_PATH, "echo.so");
        put(host, echo + ".sig", "echo.so.sig");
        put(host, echo, "echo.so");
        expectRefused(load("echo.so"), 403, "signature_untrusted_key");
        CHECK(host.waitForLog("(signature_untrusted_key)"));
    }
    SECTION("a signature that does not verify: the signed version was edited")
    {
        std::string echo = signer.signedCopy(ECHO_PLUGIN_PATH, "echo.so");
        std::string text = readFile(echo + ".sig");
        text.replace(text.find("\"1.0.0\""), 7, "\"1.0.1\"");
        put(host, echo, "echo.so");
        host.dropPlugin(TempDir().write("echo.so.sig", text), "echo.so.sig");
        expectRefused(load("echo.so"), 403, "signature_invalid");
        CHECK(host.waitForLog("(signature_invalid)"));
    }
    SECTION("signed for another name or version: refused after dlopen, before create")
    {
        std::string version = signer.signedCopy(ECHO_PLUGIN_PATH, "echo.so", {"--name", "echo", "--version", "9.9.9"});
        put(host, version + ".sig", "echo.so.sig");
        put(host, version, "echo.so");
        expectRefused(load("echo.so"), 403, "signature_mismatch");
        std::string name = signer.signedCopy(ECHO_PLUGIN_PATH, "other.so", {"--name", "other", "--version", "1.0.0"});
        put(host, name + ".sig", "other.so.sig");
        put(host, name, "other.so");
        expectRefused(load("other.so"), 403, "signature_mismatch");
        CHECK(host.waitForLog("the signature is for plugin 'other' 1.0.0, the file declares 'echo' 1.0.0"));
        CHECK(host.log().find("loaded plugin") == std::string::npos);
    }
    SECTION("malformed signature file")
    {
        put(host, ECHO_PLUGIN_PATH, "echo.so");
        host.dropPlugin(TempDir().write("echo.so.sig", "{\"format\":1"), "echo.so.sig");
        expectRefused(load("echo.so"), 422, "signature_malformed");
        CHECK(host.waitForLog("(signature_malformed)"));
    }
    CHECK(host.admin("GET", "/admin/plugins").json()->getArray("plugins")->size() == 0);
    CHECK(host.get("/echo/").status == 404);
}

TEST_CASE("signatures: a refused reload keeps the old generation serving, also after the key was removed", "[signatures][reload]")
{
    Signer signer;
    std::string echo = signer.signedCopy(ECHO_PLUGIN_PATH, "echo.so");
    TerrariumProcess::Options options;
    options.configJson = signer.config("require", false);
    options.plugins = {{echo + ".sig", "echo.so.sig"}, {echo, "echo.so"}};
    TerrariumProcess host(options);   // loads echo.so at start-up
    REQUIRE(host.get("/echo/").status == 200);

    SECTION("the file is replaced by unsigned bytes")
    {
        put(host, ECHO_V2_PLUGIN_PATH, "echo.so");
        expectRefused(host.admin("POST", "/admin/plugins/echo/reload"), 403, "signature_tampered");
        CHECK(host.waitForLog("generation 1 keeps serving"));
    }
    SECTION("the signing key's file is removed from the trusted keys directory")
    {
        Poco::File(signer.dir.file("trusted/release.pub")).remove();
        expectRefused(host.admin("POST", "/admin/plugins/echo/reload"), 403, "signature_untrusted_key");
    }
    HttpResult served = host.get("/echo/");
    CHECK(served.status == 200);
    CHECK(served.header("X-Echo-Version") == "1.0.0");
    CHECK(host.admin("GET", "/admin/plugins/echo").json()->getValue<std::int64_t>("generation") == 1);
}

TEST_CASE("signatures: a dropped-in plugin waits for its signature, and a new signed build reloads it", "[signatures][watch]")
{
    Signer signer;
    TerrariumProcess::Options options;
    options.configJson = signer.config();
    TerrariumProcess host(options);

    std::string echo = signer.signedCopy(ECHO_PLUGIN_PATH, "echo.so");
    put(host, echo, "echo.so");
    REQUIRE(host.waitForLog("cannot load echo.so: no signature file"));
    CHECK(host.get("/echo/").status == 404);
    CHECK(waitUntil([&] { return fileError(host) == "signature_missing"; }));

    put(host, echo + ".sig", "echo.so.sig");
    REQUIRE(waitUntil([&] { return host.get("/echo/").status == 200; }));
    CHECK(host.admin("GET", "/admin/plugins/echo").json()->getObject("signature")->getValue<std::string>("state") == "signed");

    // The new build with its signature written first, then the file renamed in (the operator order).
    std::string v2 = signer.signedCopy(ECHO_V2_PLUGIN_PATH, "echo-v2.so");
    put(host, v2 + ".sig", "echo.so.sig");
    put(host, v2, "echo.so");
    REQUIRE(waitUntil([&] { return host.get("/echo/").header("X-Echo-Version") == "2.0.0"; }));
    CHECK(host.admin("GET", "/admin/plugins/echo").json()->getValue<std::int64_t>("generation") == 2);

    // Other bytes dropped in under the same name without their signature: refused, generation 2 serves on.
    put(host, ECHO_PLUGIN_PATH, "echo.so");
    REQUIRE(host.waitForLog("(signature_tampered); generation 2 keeps serving"));
    CHECK(host.get("/echo/").header("X-Echo-Version") == "2.0.0");
    CHECK(waitUntil([&] { return fileError(host) == "signature_tampered"; }));
}

TEST_CASE("signatures: warn loads an unsigned plugin and logs why", "[signatures]")
{
    Signer signer;
    TerrariumProcess::Options options;
    options.configJson = signer.config("warn");
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    TerrariumProcess host(options);

    CHECK(host.get("/echo/").status == 200);
    CHECK(host.waitForLog("plugin file echo.so is loaded unsigned (plugins.signatures is "));
    CHECK(host.log().find("no signature file") != std::string::npos);
    auto signature = host.admin("GET", "/admin/plugins/echo").json()->getObject("signature");
    CHECK(signature->getValue<std::string>("state") == "unsigned");
    CHECK(signature->getValue<std::string>("problem") == "signature_missing");
}

TEST_CASE("signatures: off (the default) loads unsigned plugins without looking for signatures", "[signatures]")
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    TerrariumProcess host(options);
    CHECK(host.get("/echo/").status == 200);
    CHECK(host.admin("GET", "/admin/plugins/echo").json()->getObject("signature")->getValue<std::string>("state") == "not_checked");
}
