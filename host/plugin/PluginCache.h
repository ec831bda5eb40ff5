#ifndef Terrarium_PluginCache_INCLUDED
#define Terrarium_PluginCache_INCLUDED

#include <string>

namespace terrarium {

/// The content-addressed store of private plugin copies (<stateDir>/cache/<stem>-<sha256>.so).
/// The host loads only from here, never from the drop-in path: a file that is overwritten while
/// mapped would crash the process, and the loader treats a known path as the same library.
class PluginCache
{
public:
    struct Entry
    {
        std::string path;     /// the private copy
        std::string sha256;   /// hex digest of its content
        std::size_t size = 0;
    };

    /// Uses directory (created if missing).
    explicit PluginCache(std::string directory);

    /// Copies source into the cache (written to a temporary name, then renamed: never half a file)
    /// and returns the copy. An existing copy with the same digest is reused.
    Entry store(const std::string& source) const;

    /// Removes a copy (ignores a missing file).
    void remove(const std::string& path) const;

    /// SHA-256 of a file's content, as hex.
    static std::string sha256(const std::string& path);

    const std::string& directory() const { return _directory; }

private:
    std::string _directory;
};

} // namespace terrarium

#endif
