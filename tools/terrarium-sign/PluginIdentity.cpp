#include "PluginIdentity.h"

#include "plugin/PluginError.h"
#include "plugin/PluginLibrary.h"

#include <terrarium/plugin.h>

#include <cstddef>

namespace terrarium {

PluginIdentity PluginIdentity::read(const std::string& path)
{
    static trm_host_api host = [] {
        trm_host_api api{};
        api.struct_size = static_cast<std::uint32_t>(offsetof(trm_host_api, log));   // no functions
        api.abi_major = TERRARIUM_ABI_MAJOR;
        api.abi_minor = TERRARIUM_ABI_MINOR;
        return api;
    }();
    PluginLibrary library(path);
    void* entry = library.symbol(TERRARIUM_PLUGIN_ENTRY_SYMBOL);
    if (!entry) throw PluginError("no_entry", 422, std::string("the library does not export '") + TERRARIUM_PLUGIN_ENTRY_SYMBOL + "'");
    const trm_plugin_descriptor* descriptor = reinterpret_cast<trm_plugin_entry_fn>(entry)(&host);
    if (!descriptor) throw PluginError("no_descriptor", 422, "the entry function returned no descriptor");
    if (descriptor->struct_size < offsetof(trm_plugin_descriptor, version) + sizeof(descriptor->version) || !descriptor->name || !*descriptor->name)
        throw PluginError("invalid_descriptor", 422, "the descriptor has no name");
    PluginIdentity identity;
    identity.name = descriptor->name;
    identity.version = descriptor->version ? descriptor->version : "";
    return identity;
}

} // namespace terrarium
