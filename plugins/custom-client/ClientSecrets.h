// custom-client's secrets (services.md §2): read once per start through the host's secret cache.
#ifndef Terrarium_CustomClient_ClientSecrets_INCLUDED
#define Terrarium_CustomClient_ClientSecrets_INCLUDED

#include <terrarium/plugin.hpp>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace terrarium::sink {

/// The six values of the secret path (api_key, database_url, jwt_secret, encryption_key,
/// log_level, max_connections), each with its default when it could not be read.
class ClientSecrets
{
public:
    /// One value: its key, the label of the stdout block, and its default.
    struct Field
    {
        const char* key;
        const char* label;
        const char* fallback;
    };

    /// The keys in the order of the stdout block.
    static const std::array<Field, 6> Fields;

    /// Every value at its default.
    ClientSecrets();

    /// Reads every key of path through host (the host's cache reads the path once for all keys).
    /// When the path cannot be read (provider unreachable, forbidden, not found) every value keeps
    /// its default and problems() says why; a missing key keeps its default alone.
    static ClientSecrets read(const terrarium::Host& host, std::string_view path);

    /// The value of key ("" for a key that is none of Fields).
    const std::string& value(std::string_view key) const;

    /// True when every value came from the secret store.
    bool complete() const { return _fromStore == Fields.size(); }

    /// True when no value came from the secret store.
    bool allDefaults() const { return _fromStore == 0; }

    /// Why values fell back to their defaults (empty when none did).
    const std::vector<std::string>& problems() const { return _problems; }

    /// The block the original printed on stdout: "=== VAULT SECRETS RETRIEVED ===", one
    /// "<label>: <value>" line per field, "=== END VAULT SECRETS ==="; each value is "********"
    /// unless clear.
    std::string report(bool clear) const;

private:
    std::array<std::string, 6> _values;
    std::size_t _fromStore = 0;
    std::vector<std::string> _problems;
};

} // namespace terrarium::sink

#endif
