#ifndef Terrarium_EnvSecretProvider_INCLUDED
#define Terrarium_EnvSecretProvider_INCLUDED

#include "secrets/SecretProvider.h"

#include <string>

namespace terrarium {

/// Secrets from environment variables named `<prefix><PATH>_<KEY>`, where PATH and KEY are
/// upper-cased with every character that is not a letter or digit replaced by '_'
/// (prefix "SECRET_", path "custom-client/config", key "api_key":
/// SECRET_CUSTOM_CLIENT_CONFIG_API_KEY).
///
/// read(path) collects every variable that starts with `<prefix><PATH>_` and returns the rest
/// of each name, lower-cased, as the key; canonicalKey() spells a requested key the same way
/// ("API-Key" → "api_key"). The mapping is not one to one, and the rule for ambiguity is: a
/// variable belongs to EVERY path whose mapped name is a prefix of it. SECRET_A_B_C is key "b_c"
/// of path "a" and key "c" of path "a_b" (and of "a/b", "a-b"); paths and keys that differ only
/// in case or punctuation read the same variables. Pick paths that do not extend one another
/// when using this provider. The environment is read at each read(), never written.
class EnvSecretProvider : public SecretProvider
{
public:
    /// Reads variables starting with prefix (e.g. "SECRET_").
    explicit EnvSecretProvider(const std::string& prefix);

    SecretRead read(const std::string& path) override;

    /// "env".
    std::string name() const override { return "env"; }

    /// key lower-cased, every non-alphanumeric character as '_'.
    std::string canonicalKey(const std::string& key) const override;

    /// The variable name prefix for path: `<prefix><PATH>_`.
    std::string variablePrefix(const std::string& path) const;

private:
    std::string _prefix;
};

} // namespace terrarium

#endif
