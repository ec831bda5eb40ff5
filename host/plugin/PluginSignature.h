#ifndef Terrarium_PluginSignature_INCLUDED
#define Terrarium_PluginSignature_INCLUDED

#include <string>

namespace terrarium {

/// A plugin file's detached signature, the JSON file FILE.so.sig beside it:
///   {"format":1,"algorithm":"ed25519","name":...,"version":...,"sha256":...,"key_id":...,"signature":...}
/// The Ed25519 signature (base64) covers message(): the plugin's name and version as its
/// descriptor declares them and the SHA-256 of the file.
class PluginSignature
{
public:
    /// The first line of every signed message.
    static constexpr const char* MESSAGE_PREFIX = "terrarium-plugin-signature-v1";
    /// The largest .sig file read.
    static constexpr std::size_t MAX_FILE_BYTES = 64 * 1024;

    std::string name;        /// the plugin name the signer vouches for
    std::string version;     /// the plugin version the signer vouches for
    std::string sha256;      /// lower-case hex digest of the plugin file
    std::string keyId;       /// PluginSignatureKey::keyId() of the signing key
    std::string signature;   /// the raw 64-byte Ed25519 signature

    /// The signed bytes: "terrarium-plugin-signature-v1\n<name>\n<version>\n<sha256>\n".
    static std::string message(const std::string& name, const std::string& version, const std::string& sha256);

    /// message() of this signature's fields.
    std::string message() const;

    /// Parses a .sig file's text; throws PluginError("signature_malformed") saying what is wrong.
    static PluginSignature parse(const std::string& text);

    /// Reads and parses a .sig file; throws PluginError("signature_missing") when there is no
    /// such file, "signature_malformed" when it cannot be read or parsed.
    static PluginSignature readFile(const std::string& path);

    /// The JSON text of the .sig file (one line, ending in a newline).
    std::string toJson() const;
};

} // namespace terrarium

#endif
