// expect: snapshot() and restore() go together
#include <terrarium/plugin.hpp>

#include <string>

class Keeper {
public:
    explicit Keeper(terrarium::Host&) {}
    void handle(const terrarium::Request&, terrarium::Response& response) { response.body(_state); }
    std::string snapshot() { return _state; }

private:
    std::string _state;
};

TERRARIUM_PLUGIN(Keeper, "keeper", "1.0.0", terrarium::route("/keeper"))
