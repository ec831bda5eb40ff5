#ifndef Terrarium_AdminEndpoints_INCLUDED
#define Terrarium_AdminEndpoints_INCLUDED

#include <string>
#include <vector>

namespace terrarium {

/// One call of the admin API.
struct AdminEndpoint
{
    const char* method;      /// "GET", "POST", "PUT", "DELETE"
    const char* path;        /// pattern: "/admin/plugins/{name}" ({...} matches one path segment)
    const char* summary;     /// one line: what the call does
    bool mutates;            /// changes the host or hands out a plugin's state (audited; the read-only token may not call it)
    bool tokenNeeded;        /// false for /metrics (scrapers)
};

/// The one table of the admin API's calls: GET /admin lists it, 405 answers name the allowed
/// methods from it, and terrariumctl's bash completion is generated from it.
class AdminEndpoints
{
public:
    /// Every call, in the order GET /admin lists them.
    static const std::vector<AdminEndpoint>& all();

    /// True when path (no query) matches pattern segment by segment.
    static bool matches(const std::string& pattern, const std::string& path);

    /// The methods of the calls whose pattern matches path ("GET, POST"); "" when none does.
    static std::string allowedMethods(const std::string& path);

    /// True when method on path changes the host or hands out a plugin's state (the table's
    /// mutates; a call not in the table: any method but GET and HEAD).
    static bool mutates(const std::string& method, const std::string& path);

    /// The table as the JSON answer of GET /admin: {"endpoints":[{"method","path","summary","mutates","read_only_token"}...]}.
    static std::string listJson();
};

} // namespace terrarium

#endif
