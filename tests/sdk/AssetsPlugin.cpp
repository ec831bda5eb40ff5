// The "assets" test plugin of sdk_assets_tests: GET /assets/<name> serves the embedded file
// <name> (terrarium_plugin_assets()), anything else is 404.
#include <terrarium/assets.hpp>

namespace {

class Assets {
public:
    explicit Assets(terrarium::Host&) {}

    void handle(const terrarium::Request& request, terrarium::Response& response)
    {
        if (request.path().size() > 1 && terrarium::serveAsset(request.path().substr(1), response)) return;
        response.json(404, R"({"error":"not_found","message":"no such asset"})");
    }
};

} // namespace

TERRARIUM_PLUGIN(Assets, "assets", "1.0.0", terrarium::route("/assets"))
