// Terrarium plugin SDK, part of the fake host (include <terrarium/testing/fake_host.hpp>, not this):
// the checks the host makes on the descriptor a plugin's entry function returns.
#ifndef TERRARIUM_TESTING_FAKE_HOST_DESCRIPTOR_CHECK_HPP
#define TERRARIUM_TESTING_FAKE_HOST_DESCRIPTOR_CHECK_HPP

#include "terrarium/plugin.h"

#include <cstddef>
#include <string>
#include <utility>

namespace terrarium {
namespace testing {
namespace detail {

/// True when name matches [a-z0-9][a-z0-9_-]*.
inline bool validPluginName(const char* name) noexcept
{
    if (name == nullptr || *name == '\0') return false;
    for (const char* p = name; *p; ++p) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (p != name && (c == '_' || c == '-'));
        if (!ok) return false;
    }
    return true;
}

/// Checks descriptor d (nullptr when the entry function returned NULL) as the host does for the
/// host table api, routes aside: TRM_OK, or the status the plugin is refused with and why in error.
inline trm_status checkDescriptor(const trm_plugin_descriptor* d, const trm_host_api& api, std::string& error)
{
    auto refuse = [&error](trm_status status, std::string message) {
        error = std::move(message);
        return status;
    };
    if (d == nullptr) return refuse(TRM_ERR_UNSUPPORTED, "the entry function returned NULL: the plugin cannot run on this host");
    if (d->struct_size < offsetof(trm_plugin_descriptor, handle) + sizeof(d->handle))
        return refuse(TRM_ERR_INVALID, "descriptor struct_size " + std::to_string(d->struct_size) + " is too small");
    std::string versions = "plugin ABI " + std::to_string(d->abi_major) + "." + std::to_string(d->abi_minor) + ", host ABI " +
                           std::to_string(api.abi_major) + "." + std::to_string(api.abi_minor);
    if (d->abi_major != api.abi_major) return refuse(TRM_ERR_UNSUPPORTED, "ABI major version mismatch: " + versions);
    if (d->abi_minor > api.abi_minor) return refuse(TRM_ERR_UNSUPPORTED, "the plugin needs a newer host: " + versions);
    if (!validPluginName(d->name)) return refuse(TRM_ERR_INVALID, "invalid plugin name (must match [a-z0-9][a-z0-9_-]*)");
    if (d->version == nullptr) return refuse(TRM_ERR_INVALID, "the descriptor has no version");
    if (d->create == nullptr || d->destroy == nullptr || d->handle == nullptr)
        return refuse(TRM_ERR_INVALID, "the descriptor lacks create, destroy or handle");
    return TRM_OK;
}

} // namespace detail
} // namespace testing
} // namespace terrarium

#endif // TERRARIUM_TESTING_FAKE_HOST_DESCRIPTOR_CHECK_HPP
