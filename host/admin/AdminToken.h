#ifndef Terrarium_AdminToken_INCLUDED
#define Terrarium_AdminToken_INCLUDED

#include <string>
#include <string_view>

namespace terrarium {

/// The bearer token of the admin API: read from a file, or generated at first start into the
/// state directory (mode 0600) and kept across restarts.
class AdminToken
{
public:
    /// Reads tokenFile when given (must exist and be non-empty), else stateDir/admin.token,
    /// creating it with a fresh random token when missing. Throws std::runtime_error on failure.
    AdminToken(const std::string& tokenFile, const std::string& stateDir);

    /// Constant-time comparison with a presented token.
    bool matches(std::string_view presented) const;

    /// Where the token lives.
    const std::string& path() const { return _path; }

    /// True when this start generated the token.
    bool generated() const { return _generated; }

private:
    std::string _token;
    std::string _path;
    bool _generated = false;
};

} // namespace terrarium

#endif
