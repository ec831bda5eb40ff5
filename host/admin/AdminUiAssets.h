#ifndef Terrarium_AdminUiAssets_INCLUDED
#define Terrarium_AdminUiAssets_INCLUDED

#include <cstddef>
#include <string_view>

/// The admin dashboard's files (host/admin/ui/), embedded into terrariumd at build time by
/// sdk/cmake/TerrariumEmbedAssets.cmake (host/CMakeLists.txt): nothing is read from disk at run time.
namespace terrarium::adminui {

/// One embedded file: its name ("index.html"), content type and bytes (static).
struct Asset
{
    std::string_view name;
    std::string_view contentType;
    std::string_view data;
};

/// The embedded files, sorted by name; count receives their number (defined by the generated source).
const Asset* embeddedAssets(std::size_t& count) noexcept;

} // namespace terrarium::adminui

#endif
