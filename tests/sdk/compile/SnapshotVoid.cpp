// expect: snapshot() is not usable: declare it public as `std::string snapshot()`
#include <terrarium/plugin.hpp>

#include <string>
#include <string_view>

class Keeper {
public:
    explicit Keeper(terrarium::Host&) {}
    void handle(const terrarium::Request&, terrarium::Response& response) { response.body(_state); }
    void snapshot() {}
    void restore(std::string_view state) { _state = std::string(state); }

private:
    std::string _state;
};

TERRARIUM_PLUGIN(Keeper, "keeper", "1.0.0", terrarium::route("/keeper"))
