#ifndef Terrarium_AtomicFile_INCLUDED
#define Terrarium_AtomicFile_INCLUDED

#include <string>
#include <sys/types.h>

namespace terrarium {

/// Writes a whole file or nothing: the content goes to a temporary name in the same directory,
/// is fsync()ed, then takes the final name (and the directory is fsync()ed).
class AtomicFile
{
public:
    /// Writes content to path with mode, replacing an existing file (rename). Throws std::runtime_error.
    static void replace(const std::string& path, const std::string& content, mode_t mode);

    /// Writes content to path with mode; refuses (std::runtime_error) when path exists: the
    /// temporary file is link()ed to the final name, which never replaces a file.
    static void create(const std::string& path, const std::string& content, mode_t mode);

private:
    static std::string writeTemporary(const std::string& path, const std::string& content, mode_t mode);
    static void syncDirectory(const std::string& path);
};

} // namespace terrarium

#endif
