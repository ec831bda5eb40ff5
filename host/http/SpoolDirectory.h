#ifndef Terrarium_SpoolDirectory_INCLUDED
#define Terrarium_SpoolDirectory_INCLUDED

#include <cstddef>
#include <string>

namespace terrarium {

/// The directory where request bodies are spooled (spool_dir, by default <state_dir>/spool).
class SpoolDirectory
{
public:
    /// Creates path (and its parents) when missing, mode 0700. Throws Poco::Exception when it cannot.
    static void prepare(const std::string& path);

    /// Removes the spool files left in path by processes that are gone (a host that crashed or was
    /// killed mid-request): files named like SpoolFile's whose process id is not running, or is
    /// this process's own. Other files are left alone. Returns how many were removed.
    static std::size_t removeStale(const std::string& path);
};

} // namespace terrarium

#endif
