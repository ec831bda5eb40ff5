#include "ClientSecrets.h"

namespace terrarium::sink {

const std::array<ClientSecrets::Field, 6> ClientSecrets::Fields{{
    {"api_key", "API Key", "default-api-key"},
    {"database_url", "Database URL", "default-database-url"},
    {"jwt_secret", "JWT Secret", "default-jwt-secret"},
    {"encryption_key", "Encryption Key", "default-encryption-key"},
    {"log_level", "Log Level", "INFO"},
    {"max_connections", "Max Connections", "100"},
}};

ClientSecrets::ClientSecrets()
{
    for (std::size_t i = 0; i < Fields.size(); ++i)
        _values[i] = Fields[i].fallback;
}

ClientSecrets ClientSecrets::read(const terrarium::Host& host, std::string_view path)
{
    ClientSecrets secrets;
    std::vector<std::string> missing;
    for (std::size_t i = 0; i < Fields.size(); ++i) {
        std::optional<std::string> value;
        try {
            value = host.findSecret(path, Fields[i].key);
        } catch (const terrarium::Error& e) {
            // The path itself cannot be read: the rest would fail alike (and cost a read each).
            ClientSecrets defaults;
            defaults._problems.push_back(e.what());
            return defaults;
        }
        if (value) {
            secrets._values[i] = std::move(*value);
            ++secrets._fromStore;
        } else {
            missing.push_back(Fields[i].key);
        }
    }
    if (secrets._fromStore == 0) {
        secrets._problems.push_back("secret path \"" + std::string(path) + "\" not found");
    } else {
        for (const std::string& key : missing)
            secrets._problems.push_back("secret path \"" + std::string(path) + "\" has no key \"" + key + "\"");
    }
    return secrets;
}

const std::string& ClientSecrets::value(std::string_view key) const
{
    static const std::string none;
    for (std::size_t i = 0; i < Fields.size(); ++i) {
        if (key == Fields[i].key)
            return _values[i];
    }
    return none;
}

std::string ClientSecrets::report(bool clear) const
{
    std::string text = "=== VAULT SECRETS RETRIEVED ===\n";
    for (std::size_t i = 0; i < Fields.size(); ++i) {
        text += Fields[i].label;
        text += ": ";
        text += clear ? _values[i] : std::string("********");
        text += '\n';
    }
    text += "=== END VAULT SECRETS ===\n";
    return text;
}

} // namespace terrarium::sink
