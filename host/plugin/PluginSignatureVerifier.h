#ifndef Terrarium_PluginSignatureVerifier_INCLUDED
#define Terrarium_PluginSignatureVerifier_INCLUDED

#include "plugin/PluginSignatureKey.h"
#include "plugin/PluginSignatureStatus.h"

#include <map>
#include <string>

namespace terrarium {

/// Applies the plugins.signatures policy to a plugin file, in two steps:
///   1. before dlopen: the .sig beside the file must be a valid Ed25519 signature, by a key of the
///      trusted keys directory (read again at every check, so a removed key file revokes its key),
///      of the name, version and SHA-256 it states, and that SHA-256 must be the private copy's;
///   2. after dlopen, before create: the descriptor's name and version must be the signed ones.
/// "require" refuses any failure (PluginError "signature_*"), "warn" logs it and loads the file
/// unsigned, "off" checks nothing.
class PluginSignatureVerifier
{
public:
    /// policy is "off", "warn" or "require".
    PluginSignatureVerifier(std::string policy, std::string trustedKeysDir);

    /// Step 1 for the private copy copyPath (whose SHA-256 is sha256) of the plugins-directory file
    /// file, with its signature in signaturePath. Throws PluginError under "require".
    PluginSignatureStatus checkFile(const std::string& file, const std::string& signaturePath, const std::string& copyPath) const;

    /// Step 2: the descriptor's name and version against the signed ones (status from checkFile()).
    /// Throws PluginError("signature_mismatch") under "require"; under "warn" marks status unsigned.
    void checkDescriptor(const std::string& file, PluginSignatureStatus& status, const std::string& name, const std::string& version) const;

    /// The keys of the trusted keys directory now, by key id (files that hold no public key are
    /// skipped with a warning), with the file each came from.
    std::map<std::string, std::pair<PluginSignatureKey, std::string>> trustedKeys() const;

    /// Trusts key too (besides the directory's keys); label names it in messages.
    void addTrustedKey(const PluginSignatureKey& key, const std::string& label);

    const std::string& policy() const { return _policy; }
    const std::string& trustedKeysDir() const { return _trustedKeysDir; }

private:
    PluginSignatureStatus verify(const std::string& signaturePath, const std::string& copyPath) const;
    void tolerate(const std::string& file, PluginSignatureStatus& status, const std::string& code, const std::string& reason) const;

    std::string _policy;
    std::string _trustedKeysDir;
    std::map<std::string, std::pair<PluginSignatureKey, std::string>> _extraKeys;
};

} // namespace terrarium

#endif
