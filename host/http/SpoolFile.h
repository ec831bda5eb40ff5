#ifndef Terrarium_SpoolFile_INCLUDED
#define Terrarium_SpoolFile_INCLUDED

#include <cstddef>
#include <cstdint>
#include <string>

namespace terrarium {

/// One request body written to the spool directory as it arrives, mode 0600. Where the
/// filesystem allows it the file is created without a name (O_TMPFILE) and linked under a unique
/// name only once the body is complete (publish()), so that a partial body never has a name;
/// elsewhere it is created under a unique name at once. Whatever is still at its name when
/// discard() is called or the object goes is unlinked and the descriptor closed: a body the plugin
/// did not take, or a partial one, never stays behind. Names are "body-<pid>-<n>-<random>", which
/// SpoolDirectory::removeStale() recognises. Not thread-safe (one connection uses it).
class SpoolFile
{
public:
    /// Creates an empty file in directory. Throws Poco::FileException (code: the errno) when it cannot.
    explicit SpoolFile(const std::string& directory);
    ~SpoolFile();

    SpoolFile(const SpoolFile&) = delete;
    SpoolFile& operator=(const SpoolFile&) = delete;

    /// Appends size bytes. Throws Poco::FileException (code: the errno, e.g. ENOSPC) when it cannot.
    void write(const char* data, std::size_t size);

    /// The bytes written so far.
    std::uint64_t size() const { return _size; }

    /// Gives the complete file its name (when it has none yet) and returns its path. Throws
    /// Poco::FileException when it cannot.
    const std::string& publish();

    /// The file's path ("" while an unnamed file is not published).
    const std::string& path() const { return _path; }

    /// Unlinks whatever is at path() now (nothing when the plugin renamed it away) and closes the
    /// file. Idempotent.
    void discard();

    /// The prefix of every spool file's name.
    static const char* namePrefix() { return "body-"; }

private:
    std::string uniquePath() const;

    std::string _directory;
    std::string _path;
    int _descriptor = -1;
    bool _named = false;
    std::uint64_t _size = 0;
};

} // namespace terrarium

#endif
