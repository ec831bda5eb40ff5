// expect: healthy() is not usable: declare it public as `bool healthy()`
#include <terrarium/plugin.hpp>

class Checker {
public:
    explicit Checker(terrarium::Host&) {}
    void handle(const terrarium::Request&, terrarium::Response& response) { response.body("ok"); }
    void healthy() {}
};

TERRARIUM_PLUGIN(Checker, "checker", "1.0.0", terrarium::route("/checker"))
