// expect: restore() is not usable: declare it public as `void restore(std::string_view state)`
#include <terrarium/plugin.hpp>

#include <string>

class Keeper {
public:
    explicit Keeper(terrarium::Host&) {}
    void handle(const terrarium::Request&, terrarium::Response& response) { response.body(_state); }
    std::string snapshot() { return _state; }
    void restore(std::string state) { _state = std::move(state); }

private:
    std::string _state;
};

TERRARIUM_PLUGIN(Keeper, "keeper", "1.0.0", terrarium::route("/keeper"))
