// expect: drain() is not usable: declare it public as `void drain()`
#include <terrarium/plugin.hpp>

class Drainer {
public:
    explicit Drainer(terrarium::Host&) {}
    void handle(const terrarium::Request&, terrarium::Response& response) { response.body("ok"); }
    void drain(int timeoutMs) { _timeoutMs = timeoutMs; }

private:
    int _timeoutMs = 0;
};

TERRARIUM_PLUGIN(Drainer, "drainer", "1.0.0", terrarium::route("/drainer"))
