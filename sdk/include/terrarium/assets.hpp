// Terrarium plugin SDK: static files embedded into the plugin's .so at build time.
//
// In CMake, terrarium_plugin_assets(<target> [BASE_DIR <dir>] FILES <file>...) (or the ASSETS
// argument of terrarium_add_plugin) turns the files into a generated source of byte arrays that
// is linked into the plugin, so the .so stays self-contained wherever it is copied. In C++:
//
//     #include <terrarium/assets.hpp>
//
//     if (terrarium::serveAsset(request.path().substr(1), response)) return;   // "index.html"
//     const terrarium::Asset* logo = terrarium::findAsset("img/logo.png");
//
// An asset's name is its path below BASE_DIR ("index.html", "css/site.css"); its content type
// follows the file's extension. One set of assets per plugin.
#ifndef TERRARIUM_ASSETS_HPP
#define TERRARIUM_ASSETS_HPP

#include "terrarium/plugin.hpp"

#include <cstddef>
#include <string_view>

namespace terrarium {

/// One embedded file: its name, content type and bytes (static: valid while the plugin is loaded).
struct Asset {
    std::string_view name;
    std::string_view contentType;
    std::string_view data;
};

/// The embedded files, sorted by name; count receives their number. Defined by the source that
/// terrarium_plugin_assets() generates for the plugin.
const Asset* embeddedAssets(std::size_t& count) noexcept;

/// The embedded file called name, or nullptr.
inline const Asset* findAsset(std::string_view name) noexcept {
    std::size_t count = 0;
    const Asset* assets = embeddedAssets(count);
    std::size_t low = 0, high = count;
    while (low < high) {
        std::size_t middle = low + (high - low) / 2;
        int order = assets[middle].name.compare(name);
        if (order == 0) return &assets[middle];
        if (order < 0) low = middle + 1; else high = middle;
    }
    return nullptr;
}

/// Answers 200 with the embedded file called name (its content type and bytes); false, with the
/// response untouched, when there is none.
inline bool serveAsset(std::string_view name, Response& response) {
    const Asset* asset = findAsset(name);
    if (!asset) return false;
    response.send(200, asset->contentType, asset->data);
    return true;
}

} // namespace terrarium

#endif
