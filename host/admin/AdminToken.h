#ifndef Terrarium_AdminToken_INCLUDED
#define Terrarium_AdminToken_INCLUDED

#include <array>
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

    /// True when presented is the token. Compares the SHA-256 digests of both in constant time
    /// (CRYPTO_memcmp), so that neither the token's content nor its length shows in the timing.
    bool matches(std::string_view presented) const;

    /// True when other holds the same token.
    bool sameAs(const AdminToken& other) const { return other._digest == _digest; }

    /// Where the token lives.
    const std::string& path() const { return _path; }

    /// True when this start generated the token.
    bool generated() const { return _generated; }

private:
    using Digest = std::array<unsigned char, 32>;

    static Digest digest(std::string_view text);

    Digest _digest{};
    std::string _path;
    bool _generated = false;
};

} // namespace terrarium

#endif
