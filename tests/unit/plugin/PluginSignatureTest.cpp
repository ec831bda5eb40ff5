// Plugin signatures: the signed message, the .sig format (parse, malformed files), Ed25519 keys
// (PEM round trip, key id, sign/verify) and the verifier's two steps under off, warn and require.
#include "plugin/PluginCache.h"
#include "plugin/PluginError.h"
#include "plugin/PluginSignature.h"
#include "plugin/PluginSignatureKey.h"
#include "plugin/PluginSignatureVerifier.h"

#include "ScratchDir.h"

#include <catch2/catch.hpp>

using namespace terrarium;
using terrarium::test::ScratchDir;

namespace {

std::string codeOf(const std::function<void()>& call)
{
    try
    {
        call();
    }
    catch (const PluginError& e)
    {
        return e.code();
    }
    return "";
}

/// A "plugin" file and its signature by key, in dir.
std::string signedFile(ScratchDir& dir, const PluginSignatureKey& key, const std::string& content = "plugin bytes")
{
    std::string path = dir.write("p.so", content);
    PluginSignature signature;
    signature.name = "echo";
    signature.version = "1.0.0";
    signature.sha256 = PluginCache::sha256(path);
    signature.keyId = key.keyId();
    signature.signature = key.sign(signature.message());
    dir.write("p.so.sig", signature.toJson());
    return path;
}

} // namespace

TEST_CASE("plugin signature: the signed message is four lines under a version prefix", "[plugin][signature]")
{
    CHECK(PluginSignature::message("echo", "1.0.0", "ab") == "terrarium-plugin-signature-v1\necho\n1.0.0\nab\n");
}

TEST_CASE("plugin signature: keys round-trip through PEM, sign and verify, key ids are 16 hex digits", "[plugin][signature]")
{
    PluginSignatureKey key = PluginSignatureKey::generate();
    CHECK(key.isPrivate());
    CHECK(key.keyId().size() == 16);
    PluginSignatureKey publicKey = PluginSignatureKey::fromPem(key.publicPem(), false);
    CHECK_FALSE(publicKey.isPrivate());
    CHECK(publicKey.keyId() == key.keyId());
    CHECK(PluginSignatureKey::fromPem(key.privatePem(), true).keyId() == key.keyId());
    std::string signature = key.sign("message");
    CHECK(signature.size() == 64);
    CHECK(publicKey.verify("message", signature));
    CHECK_FALSE(publicKey.verify("messagE", signature));
    CHECK_FALSE(PluginSignatureKey::generate().verify("message", signature));
    CHECK_THROWS(PluginSignatureKey::fromPem(key.privatePem(), false));
    CHECK_THROWS(PluginSignatureKey::fromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", false));
    CHECK_THROWS(publicKey.sign("message"));
}

TEST_CASE("plugin signature: a .sig file round-trips, malformed ones say what is wrong", "[plugin][signature]")
{
    PluginSignatureKey key = PluginSignatureKey::generate();
    PluginSignature signature;
    signature.name = "echo";
    signature.version = "1.0.0";
    signature.sha256 = std::string(64, 'a');
    signature.keyId = key.keyId();
    signature.signature = key.sign(signature.message());
    PluginSignature parsed = PluginSignature::parse(signature.toJson());
    CHECK(parsed.name == "echo");
    CHECK(parsed.version == "1.0.0");
    CHECK(parsed.sha256 == signature.sha256);
    CHECK(parsed.keyId == key.keyId());
    CHECK(parsed.signature == signature.signature);

    for (const char* text : {"", "[]", "not json", R"({"format":2,"algorithm":"ed25519"})",
                             R"({"format":1,"algorithm":"rsa","name":"a","version":"1","sha256":"00","key_id":"k","signature":"AA=="})",
                             R"({"format":1,"algorithm":"ed25519","version":"1","sha256":"00","key_id":"k","signature":"AA=="})"})
        CHECK(codeOf([&] { PluginSignature::parse(text); }) == "signature_malformed");
    std::string shortSha = signature.toJson();
    shortSha.replace(shortSha.find(signature.sha256), 64, "abc");
    CHECK(codeOf([&] { PluginSignature::parse(shortSha); }) == "signature_malformed");
}

TEST_CASE("plugin signature: require accepts a good signature by a trusted key and refuses each fault with its code", "[plugin][signature]")
{
    ScratchDir dir;
    PluginSignatureKey key = PluginSignatureKey::generate();
    dir.write("keys/release.pub", key.publicPem());
    PluginSignatureVerifier verifier("require", dir.file("keys"));
    std::string plugin = signedFile(dir, key);

    PluginSignatureStatus status = verifier.checkFile("p.so", plugin + ".sig", plugin);
    CHECK(status.state == "signed");
    CHECK(status.keyId == key.keyId());
    CHECK(status.keyFile == "release.pub");
    CHECK_NOTHROW(verifier.checkDescriptor("p.so", status, "echo", "1.0.0"));
    CHECK(codeOf([&] { verifier.checkDescriptor("p.so", status, "echo", "2.0.0"); }) == "signature_mismatch");
    CHECK(codeOf([&] { verifier.checkDescriptor("p.so", status, "other", "1.0.0"); }) == "signature_mismatch");

    dir.write("tampered.so", "plugin bytes!");
    CHECK(codeOf([&] { verifier.checkFile("p.so", plugin + ".sig", dir.file("tampered.so")); }) == "signature_tampered");
    CHECK(codeOf([&] { verifier.checkFile("p.so", dir.file("none.sig"), plugin); }) == "signature_missing");
    dir.write("bad.sig", "{");
    CHECK(codeOf([&] { verifier.checkFile("p.so", dir.file("bad.sig"), plugin); }) == "signature_malformed");

    std::string text = dir.read("p.so.sig");
    PluginSignature forged = PluginSignature::parse(text);
    forged.version = "9.9.9";
    dir.write("forged.sig", forged.toJson());
    CHECK(codeOf([&] { verifier.checkFile("p.so", dir.file("forged.sig"), plugin); }) == "signature_invalid");

    PluginSignatureKey stranger = PluginSignatureKey::generate();
    ScratchDir other;
    std::string strangers = signedFile(other, stranger);
    CHECK(codeOf([&] { verifier.checkFile("p.so", strangers + ".sig", strangers); }) == "signature_untrusted_key");

    Poco::File(dir.file("keys/release.pub")).remove();
    CHECK(codeOf([&] { verifier.checkFile("p.so", plugin + ".sig", plugin); }) == "signature_untrusted_key");
}

TEST_CASE("plugin signature: warn loads unsigned files with the reason, off checks nothing", "[plugin][signature]")
{
    ScratchDir dir;
    dir.write("p.so", "bytes");
    PluginSignatureVerifier warn("warn", dir.file("keys"));
    PluginSignatureStatus status = warn.checkFile("p.so", dir.file("p.so.sig"), dir.file("p.so"));
    CHECK(status.state == "unsigned");
    CHECK(status.problem == "signature_missing");
    CHECK_FALSE(status.reason.empty());

    PluginSignatureVerifier off("off", dir.file("keys"));
    CHECK(off.checkFile("p.so", dir.file("p.so.sig"), dir.file("p.so")).state == "not_checked");
}

TEST_CASE("plugin signature: files of the keys directory that hold no public key are skipped", "[plugin][signature]")
{
    ScratchDir dir;
    PluginSignatureKey key = PluginSignatureKey::generate();
    dir.write("keys/good.pub", key.publicPem());
    dir.write("keys/notes.txt", "not a key");
    dir.write("keys/private.pem", key.privatePem());
    dir.write("keys/.hidden.pub", PluginSignatureKey::generate().publicPem());
    auto keys = PluginSignatureVerifier("require", dir.file("keys")).trustedKeys();
    REQUIRE(keys.size() == 1);
    CHECK(keys.begin()->first == key.keyId());
    CHECK(PluginSignatureVerifier("require", dir.file("missing")).trustedKeys().empty());
}
