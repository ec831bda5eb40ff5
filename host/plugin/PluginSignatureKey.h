#ifndef Terrarium_PluginSignatureKey_INCLUDED
#define Terrarium_PluginSignatureKey_INCLUDED

#include <memory>
#include <string>

typedef struct evp_pkey_st EVP_PKEY;

namespace terrarium {

/// An Ed25519 key of plugin signatures (OpenSSL EVP_PKEY_ED25519): a public key verifies, a
/// private key also signs. Keys are stored as PEM (PKCS#8 private key, SubjectPublicKeyInfo public key).
class PluginSignatureKey
{
public:
    /// A fresh private key.
    static PluginSignatureKey generate();

    /// The key of a PEM text holding a public key (or a private key, when allowPrivate).
    /// Throws std::runtime_error naming what is wrong (also for a key that is not Ed25519).
    static PluginSignatureKey fromPem(const std::string& pem, bool allowPrivate);

    /// fromPem() of a file's content; throws std::runtime_error when it cannot be read.
    static PluginSignatureKey readFile(const std::string& path, bool allowPrivate);

    /// True when the key can sign.
    bool isPrivate() const { return _private; }

    /// The public key as PEM.
    std::string publicPem() const;

    /// The private key as PEM (unencrypted PKCS#8); throws std::logic_error for a public key.
    std::string privatePem() const;

    /// A short hash naming the key: the first 16 hex digits of the SHA-256 of its raw 32-byte public key.
    std::string keyId() const;

    /// The 64-byte Ed25519 signature of message; throws std::logic_error for a public key.
    std::string sign(const std::string& message) const;

    /// True when signature is this key's valid Ed25519 signature of message.
    bool verify(const std::string& message, const std::string& signature) const;

private:
    PluginSignatureKey(EVP_PKEY* key, bool isPrivate);

    std::shared_ptr<EVP_PKEY> _key;
    bool _private = false;
};

} // namespace terrarium

#endif
