#include "plugin/PluginSignatureVerifier.h"

#include "plugin/PluginCache.h"
#include "plugin/PluginError.h"
#include "plugin/PluginSignature.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/Logger.h>

namespace terrarium {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("plugin"); }

} // namespace

PluginSignatureVerifier::PluginSignatureVerifier(std::string policy, std::string trustedKeysDir)
    : _policy(std::move(policy)), _trustedKeysDir(std::move(trustedKeysDir))
{
}

void PluginSignatureVerifier::addTrustedKey(const PluginSignatureKey& key, const std::string& label)
{
    _extraKeys.emplace(key.keyId(), std::make_pair(key, label));
}

std::map<std::string, std::pair<PluginSignatureKey, std::string>> PluginSignatureVerifier::trustedKeys() const
{
    std::map<std::string, std::pair<PluginSignatureKey, std::string>> keys = _extraKeys;
    try
    {
        if (_trustedKeysDir.empty() || !Poco::File(_trustedKeysDir).isDirectory()) return keys;
        for (Poco::DirectoryIterator it(_trustedKeysDir), end; it != end; ++it)
        {
            if (it.name().empty() || it.name()[0] == '.' || !it->isFile()) continue;
            try
            {
                PluginSignatureKey key = PluginSignatureKey::readFile(it.path().toString(), false);
                keys.emplace(key.keyId(), std::make_pair(key, it.name()));
            }
            catch (const std::exception& e)
            {
                logger().warning("trusted keys directory %s: skipping %s: %s", _trustedKeysDir, it.name(), std::string(e.what()));
            }
        }
    }
    catch (const Poco::Exception& e)
    {
        logger().error("cannot read the trusted keys directory %s: %s", _trustedKeysDir, e.displayText());
    }
    return keys;
}

PluginSignatureStatus PluginSignatureVerifier::verify(const std::string& signaturePath, const std::string& copyPath) const
{
    PluginSignature signature = PluginSignature::readFile(signaturePath);
    auto keys = trustedKeys();
    auto key = keys.find(signature.keyId);
    if (key == keys.end())
        throw PluginError("signature_untrusted_key", 403, signaturePath + " is signed by key " + signature.keyId + ", which is not in the trusted keys directory " +
                                                               (_trustedKeysDir.empty() ? std::string("(none given)") : _trustedKeysDir));
    if (!key->second.first.verify(signature.message(), signature.signature))
        throw PluginError("signature_invalid", 403, "the signature in " + signaturePath + " does not verify with key " + signature.keyId + " (" +
                                                        key->second.second + "): it was not made by that key over the name, version and sha256 it states");
    std::string actual = PluginCache::sha256(copyPath);
    if (actual != signature.sha256)
        throw PluginError("signature_tampered", 403, "the file's SHA-256 " + actual + " is not the signed " + signature.sha256 + " of " + signaturePath +
                                                         ": the file was changed after it was signed");
    PluginSignatureStatus status;
    status.state = "signed";
    status.keyId = signature.keyId;
    status.keyFile = key->second.second;
    status.name = signature.name;
    status.version = signature.version;
    return status;
}

void PluginSignatureVerifier::tolerate(const std::string& file, PluginSignatureStatus& status, const std::string& code, const std::string& reason) const
{
    logger().warning("plugin file %s is loaded unsigned (plugins.signatures is \"warn\"): %s (%s)", file, reason, code);
    status = PluginSignatureStatus();
    status.state = "unsigned";
    status.problem = code;
    status.reason = reason;
}

PluginSignatureStatus PluginSignatureVerifier::checkFile(const std::string& file, const std::string& signaturePath, const std::string& copyPath) const
{
    if (_policy == "off") return PluginSignatureStatus();
    try
    {
        return verify(signaturePath, copyPath);
    }
    catch (const PluginError& e)
    {
        if (_policy == "require") throw;
        PluginSignatureStatus status;
        tolerate(file, status, e.code(), e.what());
        return status;
    }
}

void PluginSignatureVerifier::checkDescriptor(const std::string& file, PluginSignatureStatus& status, const std::string& name,
                                              const std::string& version) const
{
    if (status.state != "signed" || (status.name == name && status.version == version)) return;
    std::string reason = "the signature is for plugin '" + status.name + "' " + status.version + ", the file declares '" + name + "' " + version;
    if (_policy == "require") throw PluginError("signature_mismatch", 403, reason);
    tolerate(file, status, "signature_mismatch", reason);
}

} // namespace terrarium
