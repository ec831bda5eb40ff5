// expect: a plugin class needs a public constructor taking the host: explicit T(terrarium::Host& host)
#include <terrarium/plugin.hpp>

class Greeter {
public:
    Greeter() = default;
    void handle(const terrarium::Request&, terrarium::Response& response) { response.body("hi"); }
};

TERRARIUM_PLUGIN(Greeter, "greeter", "1.0.0", terrarium::route("/greeter"))
