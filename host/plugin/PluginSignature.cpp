#include "plugin/PluginSignature.h"

#include "plugin/PluginError.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace terrarium {

namespace {

PluginError malformed(const std::string& why) { return PluginError("signature_malformed", 422, "malformed signature file: " + why); }

std::string field(const Poco::JSON::Object& object, const std::string& key)
{
    if (!object.has(key)) throw malformed("\"" + key + "\" is missing");
    Poco::Dynamic::Var value = object.get(key);
    if (!value.isString()) throw malformed("\"" + key + "\" is not a string");
    std::string text = value.extract<std::string>();
    if (text.empty()) throw malformed("\"" + key + "\" is empty");
    if (text.find('\n') != std::string::npos || text.find('\0') != std::string::npos) throw malformed("\"" + key + "\" holds a newline or NUL");
    return text;
}

bool isLowerHex(const std::string& text, std::size_t length)
{
    if (text.size() != length) return false;
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

} // namespace

std::string PluginSignature::message(const std::string& name, const std::string& version, const std::string& sha256)
{
    return std::string(MESSAGE_PREFIX) + "\n" + name + "\n" + version + "\n" + sha256 + "\n";
}

std::string PluginSignature::message() const
{
    return message(name, version, sha256);
}

PluginSignature PluginSignature::parse(const std::string& text)
{
    Poco::JSON::Object::Ptr object;
    try
    {
        Poco::Dynamic::Var root = Poco::JSON::Parser().parse(text);
        if (root.type() != typeid(Poco::JSON::Object::Ptr)) throw malformed("not a JSON object");
        object = root.extract<Poco::JSON::Object::Ptr>();
    }
    catch (const Poco::Exception& e)
    {
        throw malformed("not JSON: " + e.displayText());
    }
    if (!object->has("format") || !object->get("format").isInteger() || object->get("format").convert<int>() != 1)
        throw malformed("\"format\" is not 1");
    if (field(*object, "algorithm") != "ed25519") throw malformed("\"algorithm\" is not \"ed25519\"");
    PluginSignature signature;
    signature.name = field(*object, "name");
    signature.version = field(*object, "version");
    signature.sha256 = field(*object, "sha256");
    if (!isLowerHex(signature.sha256, 64)) throw malformed("\"sha256\" is not 64 lower-case hex digits");
    signature.keyId = field(*object, "key_id");
    std::string encoded = field(*object, "signature");
    try
    {
        std::istringstream in(encoded);
        Poco::Base64Decoder decoder(in);
        signature.signature.assign(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
    }
    catch (const Poco::Exception& e)
    {
        throw malformed("\"signature\" is not base64: " + e.displayText());
    }
    if (signature.signature.size() != 64)
        throw malformed("\"signature\" holds " + std::to_string(signature.signature.size()) + " bytes, an Ed25519 signature has 64");
    return signature;
}

PluginSignature PluginSignature::readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        if (errno == ENOENT) throw PluginError("signature_missing", 403, "no signature file " + path);
        throw PluginError("signature_malformed", 422, "cannot read signature file " + path + ": " + std::strerror(errno));
    }
    std::string text(MAX_FILE_BYTES + 1, '\0');
    in.read(&text[0], static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > MAX_FILE_BYTES) throw malformed(path + " is larger than " + std::to_string(MAX_FILE_BYTES) + " bytes");
    try
    {
        return parse(text);
    }
    catch (const PluginError& e)
    {
        throw PluginError(e.code(), e.httpStatus(), std::string(e.what()) + " (" + path + ")");
    }
}

std::string PluginSignature::toJson() const
{
    std::ostringstream encoded;
    {
        Poco::Base64Encoder encoder(encoded);
        encoder.rdbuf()->setLineLength(0);
        encoder << signature;
        encoder.close();
    }
    Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("format", 1);
    object.set("algorithm", "ed25519");
    object.set("name", name);
    object.set("version", version);
    object.set("sha256", sha256);
    object.set("key_id", keyId);
    object.set("signature", encoded.str());
    std::ostringstream out;
    object.stringify(out);
    out << '\n';
    return out.str();
}

} // namespace terrarium
