#include "plugin/PluginSignatureKey.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <stdexcept>

namespace terrarium {

namespace {

std::string opensslError()
{
    unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return "unknown OpenSSL error";
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return text;
}

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

std::string bioText(BIO* bio)
{
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

} // namespace

PluginSignatureKey::PluginSignatureKey(EVP_PKEY* key, bool isPrivate) : _key(key, EVP_PKEY_free), _private(isPrivate)
{
}

PluginSignatureKey PluginSignatureKey::generate()
{
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    if (!key) throw std::runtime_error("cannot generate an Ed25519 key: " + opensslError());
    return PluginSignatureKey(key, true);
}

PluginSignatureKey PluginSignatureKey::fromPem(const std::string& pem, bool allowPrivate)
{
    const bool isPrivate = pem.find("PRIVATE KEY-----") != std::string::npos;
    if (isPrivate && !allowPrivate) throw std::runtime_error("a private key where a public key is expected");
    Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    if (!bio) throw std::runtime_error("out of memory");
    EVP_PKEY* key = isPrivate ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
    if (!key) throw std::runtime_error(std::string("not a PEM ") + (isPrivate ? "private" : "public") + " key: " + opensslError());
    PluginSignatureKey out(key, isPrivate);
    if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) throw std::runtime_error("not an Ed25519 key");
    return out;
}

PluginSignatureKey PluginSignatureKey::readFile(const std::string& path, bool allowPrivate)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::string pem(16 * 1024 + 1, '\0');
    in.read(&pem[0], static_cast<std::streamsize>(pem.size()));
    pem.resize(static_cast<std::size_t>(in.gcount()));
    if (pem.size() > 16 * 1024) throw std::runtime_error(path + " is too large for a key file");
    try
    {
        return fromPem(pem, allowPrivate);
    }
    catch (const std::runtime_error& e)
    {
        throw std::runtime_error(path + ": " + e.what());
    }
}

std::string PluginSignatureKey::publicPem() const
{
    Bio bio(BIO_new(BIO_s_mem()), BIO_free);
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), _key.get()) != 1) throw std::runtime_error("cannot write the public key: " + opensslError());
    return bioText(bio.get());
}

std::string PluginSignatureKey::privatePem() const
{
    if (!_private) throw std::logic_error("a public key has no private PEM");
    Bio bio(BIO_new(BIO_s_mem()), BIO_free);
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), _key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        throw std::runtime_error("cannot write the private key: " + opensslError());
    return bioText(bio.get());
}

std::string PluginSignatureKey::keyId() const
{
    unsigned char raw[32];
    std::size_t length = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(_key.get(), raw, &length) != 1) throw std::runtime_error("cannot read the raw public key: " + opensslError());
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(raw, static_cast<unsigned>(length));
    return Poco::DigestEngine::digestToHex(engine.digest()).substr(0, 16);
}

std::string PluginSignatureKey::sign(const std::string& message) const
{
    if (!_private) throw std::logic_error("a public key cannot sign");
    DigestContext context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    std::string signature(64, '\0');
    std::size_t length = signature.size();
    if (!context || EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, _key.get()) != 1
        || EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(&signature[0]), &length,
                          reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
        throw std::runtime_error("cannot sign: " + opensslError());
    signature.resize(length);
    return signature;
}

bool PluginSignatureKey::verify(const std::string& message, const std::string& signature) const
{
    DigestContext context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!context || EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, _key.get()) != 1) return false;
    int result = EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                                  reinterpret_cast<const unsigned char*>(message.data()), message.size());
    ERR_clear_error();
    return result == 1;
}

} // namespace terrarium
