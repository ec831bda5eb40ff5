// terrarium-sign: keygen writes a 0600 private key and refuses to overwrite, sign writes
// FILE.so.sig (name and version read from the plugin, or given), verify accepts it and refuses
// a changed file, an untrusted key and a missing or malformed signature; usage errors and exit codes.
#include "SignTool.h"

#include "plugin/PluginSignature.h"

#include "ScratchDir.h"

#include <Poco/File.h>

#include <catch2/catch.hpp>

#include <sstream>
#include <sys/stat.h>

using terrarium::PluginSignature;
using terrarium::SignTool;
using terrarium::test::ScratchDir;

namespace {

struct Run
{
    int code;
    std::string out;
    std::string err;
};

Run run(const std::vector<std::string>& args)
{
    std::ostringstream out, err;
    int code = SignTool::run(args, out, err);
    return Run{code, out.str(), err.str()};
}

unsigned modeOf(const std::string& path)
{
    struct stat st;
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

/// A key pair and a copy of echo.so in a scratch directory.
struct Fixture
{
    ScratchDir dir;
    std::string key = dir.file("release.key");
    std::string pub = dir.file("release.pub");
    std::string plugin = dir.file("echo.so");

    Fixture()
    {
        REQUIRE(run({"keygen", key, pub}).code == SignTool::OK);
        Poco::File(ECHO_PLUGIN_PATH).copyTo(plugin);
    }
};

} // namespace

TEST_CASE("terrarium-sign: keygen writes a private key of mode 0600 and a public key, and never overwrites", "[tools][sign]")
{
    ScratchDir dir;
    Run made = run({"keygen", dir.file("a.key"), dir.file("a.pub")});
    INFO(made.err);
    REQUIRE(made.code == SignTool::OK);
    CHECK(modeOf(dir.file("a.key")) == 0600);
    CHECK(dir.read("a.key").find("-----BEGIN PRIVATE KEY-----") == 0);
    CHECK(dir.read("a.pub").find("-----BEGIN PUBLIC KEY-----") == 0);
    std::string before = dir.read("a.key");

    Run again = run({"keygen", dir.file("a.key"), dir.file("b.pub")});
    CHECK(again.code == SignTool::FILE_ERROR);
    CHECK(again.err.find("exists; refusing to overwrite it") != std::string::npos);
    CHECK(dir.read("a.key") == before);
    CHECK_FALSE(Poco::File(dir.file("b.pub")).exists());
    CHECK(run({"keygen", dir.file("c.key"), dir.file("a.pub")}).code == SignTool::FILE_ERROR);
    CHECK_FALSE(Poco::File(dir.file("c.key")).exists());
    CHECK(dir.names() == std::vector<std::string>{"a.key", "a.pub"});   // no temporary file left
}

TEST_CASE("terrarium-sign: sign reads name and version from the plugin, verify accepts the signature", "[tools][sign]")
{
    Fixture f;
    Run signed_ = run({"sign", "--key", f.key, f.plugin});
    INFO(signed_.err);
    REQUIRE(signed_.code == SignTool::OK);
    PluginSignature signature = PluginSignature::parse(f.dir.read("echo.so.sig"));
    CHECK(signature.name == "echo");
    CHECK(signature.version == "1.0.0");
    CHECK(signature.keyId.size() == 16);
    CHECK(signed_.out.find(signature.keyId) != std::string::npos);

    Run verified = run({"verify", "--key", f.pub, f.plugin});
    INFO(verified.err);
    CHECK(verified.code == SignTool::OK);
    CHECK(verified.out.find("good signature of echo 1.0.0") != std::string::npos);
    CHECK(run({"verify", "--keys-dir", f.dir.path(), f.plugin}).code == SignTool::OK);   // release.key is skipped there

    Run given = run({"sign", "--key", f.key, "--name", "echo", "--version", "7.0.0", f.plugin});
    CHECK(given.code == SignTool::OK);
    CHECK(PluginSignature::parse(f.dir.read("echo.so.sig")).version == "7.0.0");
}

TEST_CASE("terrarium-sign: verify names the fault of a changed file, a foreign key, a missing or malformed signature", "[tools][sign]")
{
    Fixture f;
    REQUIRE(run({"sign", "--key", f.key, f.plugin}).code == SignTool::OK);

    SECTION("tampered")
    {
        Poco::File(ECHO_V2_PLUGIN_PATH).copyTo(f.plugin);
        Run r = run({"verify", "--key", f.pub, f.plugin});
        CHECK(r.code == SignTool::VERIFY_FAILED);
        CHECK(r.err.find("signature_tampered") != std::string::npos);
    }
    SECTION("another key")
    {
        REQUIRE(run({"keygen", f.dir.file("other.key"), f.dir.file("other.pub")}).code == SignTool::OK);
        Run r = run({"verify", "--key", f.dir.file("other.pub"), f.plugin});
        CHECK(r.code == SignTool::VERIFY_FAILED);
        CHECK(r.err.find("signature_untrusted_key") != std::string::npos);
    }
    SECTION("an edited signature file")
    {
        std::string text = f.dir.read("echo.so.sig");
        text.replace(text.find("\"echo\""), 6, "\"ecko\"");
        f.dir.write("echo.so.sig", text);
        Run r = run({"verify", "--key", f.pub, f.plugin});
        CHECK(r.code == SignTool::VERIFY_FAILED);
        CHECK(r.err.find("signature_invalid") != std::string::npos);
    }
    SECTION("missing")
    {
        Poco::File(f.plugin + ".sig").remove();
        Run r = run({"verify", "--key", f.pub, f.plugin});
        CHECK(r.code == SignTool::VERIFY_FAILED);
        CHECK(r.err.find("signature_missing") != std::string::npos);
    }
    SECTION("malformed")
    {
        f.dir.write("echo.so.sig", "{}");
        Run r = run({"verify", "--key", f.pub, f.plugin});
        CHECK(r.code == SignTool::VERIFY_FAILED);
        CHECK(r.err.find("signature_malformed") != std::string::npos);
    }
}

TEST_CASE("terrarium-sign: usage errors exit 2 with the usage, file and plugin errors have their own codes", "[tools][sign]")
{
    Fixture f;
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {}, {"frobnicate"}, {"keygen", "only-one"}, {"sign", f.plugin}, {"sign", "--key", f.key, "--name", "echo", f.plugin},
             {"sign", "--key", f.key, "--colour", "red", f.plugin}, {"sign", "--key"}, {"verify", f.plugin}, {"verify", "--key", f.pub}})
    {
        Run r = run(args);
        INFO(r.err);
        CHECK(r.code == SignTool::USAGE);
        CHECK(r.err.find("usage: terrarium-sign") != std::string::npos);
    }
    CHECK(run({"sign", "--key", f.pub, f.plugin}).code == SignTool::FILE_ERROR);               // a public key cannot sign
    CHECK(run({"sign", "--key", f.dir.file("none.key"), f.plugin}).code == SignTool::FILE_ERROR);
    CHECK(run({"verify", "--key", f.key, f.plugin}).code == SignTool::FILE_ERROR);             // a private key is no trusted key
    CHECK(run({"sign", "--key", f.key, f.dir.file("none.so")}).code == SignTool::PLUGIN_ERROR);
    f.dir.write("text.so", "not a plugin");
    CHECK(run({"sign", "--key", f.key, f.dir.file("text.so")}).code == SignTool::PLUGIN_ERROR);
    CHECK(run({"sign", "--key", f.key, "--name", "text", "--version", "1", f.dir.file("text.so")}).code == SignTool::OK);
    CHECK(run({"--help"}).code == SignTool::OK);
}
