// expect: nothing (compiles without a warning)
// The smallest plugin: no optional capability, a final class, a handle that returns a value.
#include <terrarium/plugin.hpp>

class Minimal final {
public:
    explicit Minimal(const terrarium::Host&) {}
    int handle(const terrarium::Request&, terrarium::Response& response)
    {
        response.body("ok");
        return 0;
    }
};

TERRARIUM_PLUGIN(Minimal, "minimal", "1.0.0")
