#ifndef Terrarium_SecretProvider_INCLUDED
#define Terrarium_SecretProvider_INCLUDED

#include "secrets/SecretRead.h"

#include <string>

namespace terrarium {

/// A source of secrets (Vault, a directory of files, the environment). One read() returns every
/// key of one path. Implementations are called from several threads at once (different paths in
/// parallel) and never put values or tokens into messages or logs.
class SecretProvider
{
public:
    virtual ~SecretProvider() = default;

    /// Reads every key of path (already checked by SecretPath::check). Never throws for provider
    /// failures: they come back as NotFound, Forbidden or Unavailable with a message.
    virtual SecretRead read(const std::string& path) = 0;

    /// The provider's name for stats and messages ("vault", "files", "env").
    virtual std::string name() const = 0;

    /// The spelling of key under which read() returns it (the env provider lower-cases keys).
    virtual std::string canonicalKey(const std::string& key) const { return key; }
};

} // namespace terrarium

#endif
