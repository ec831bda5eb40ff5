#ifndef Terrarium_SecretPath_INCLUDED
#define Terrarium_SecretPath_INCLUDED

#include <string>
#include <vector>

namespace terrarium {

/// The rule every secret path follows, whatever the provider: segments separated by '/', no
/// leading or trailing '/', no empty segment, no "." or "..", no control character, at most
/// 1024 bytes. So a path can never name anything above a provider's root.
class SecretPath
{
public:
    /// "" when path is valid, else why not (the message names the path, which is not secret).
    static std::string check(const std::string& path);

    /// "" when key is valid (non-empty, at most 256 bytes, no control character), else why not.
    static std::string checkKey(const std::string& key);

    /// The segments of a valid path.
    static std::vector<std::string> segments(const std::string& path);
};

} // namespace terrarium

#endif
