#ifndef Terrarium_PluginIdentity_INCLUDED
#define Terrarium_PluginIdentity_INCLUDED

#include <string>

namespace terrarium {

/// A plugin's name and version as its descriptor declares them, read by opening the library
/// (dlopen) and calling its entry function with a host table that has no functions: only for
/// plugins the caller trusts (the signer's own).
struct PluginIdentity
{
    std::string name;
    std::string version;

    /// Reads them from the plugin file at path; throws PluginError ("not_elf", "load_failed",
    /// "no_entry", "no_descriptor", "invalid_descriptor") saying what is wrong.
    static PluginIdentity read(const std::string& path);
};

} // namespace terrarium

#endif
