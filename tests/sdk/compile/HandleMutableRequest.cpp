// expect: a plugin class needs a public `void handle(const terrarium::Request& request, terrarium::Response& response)`
#include <terrarium/plugin.hpp>

class Greeter {
public:
    explicit Greeter(terrarium::Host&) {}
    void handle(terrarium::Request&, terrarium::Response& response) { response.body("hi"); }
};

TERRARIUM_PLUGIN(Greeter, "greeter", "1.0.0", terrarium::route("/greeter"))
