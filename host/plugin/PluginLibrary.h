#ifndef Terrarium_PluginLibrary_INCLUDED
#define Terrarium_PluginLibrary_INCLUDED

#include <boost/dll/shared_library.hpp>

#include <string>

namespace terrarium {

/// One dlopen()ed plugin file (Boost.DLL, RTLD_NOW | RTLD_LOCAL). Opening checks the file is an
/// ELF shared object first so that errors say what is wrong; closing reports whether the library
/// really left the process.
class PluginLibrary
{
public:
    /// Opens path; throws PluginError ("not_elf", "load_failed") with the loader's message.
    explicit PluginLibrary(const std::string& path);
    ~PluginLibrary();

    PluginLibrary(const PluginLibrary&) = delete;
    PluginLibrary& operator=(const PluginLibrary&) = delete;

    /// Address of an exported symbol, or nullptr.
    void* symbol(const char* name) const;

    /// Closes the library. Returns true when it is no longer mapped in the process (checked with
    /// dlopen(RTLD_NOLOAD)); false when something still holds it. Idempotent.
    bool close();

    /// True when a library with this path is currently loaded in the process.
    static bool isLoaded(const std::string& path);

    const std::string& path() const { return _path; }

private:
    std::string _path;
    boost::dll::shared_library _library;
};

} // namespace terrarium

#endif
