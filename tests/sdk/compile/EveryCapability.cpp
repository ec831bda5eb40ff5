// expect: nothing (compiles without a warning)
// Every capability with the expected signature, overloads and const members included: the checks
// must not refuse what is right.
#include <terrarium/plugin.hpp>

#include <atomic>
#include <string>
#include <string_view>

class Complete {
public:
    static constexpr bool serveDuringRestore = true;

    explicit Complete(terrarium::Host& host) : _host(host) {}
    void handle(const terrarium::Request& request, terrarium::Response& response) { response.body(std::string(request.path())); }
    void drain() { _host.info("draining"); }
    std::string snapshot() const { return std::to_string(_count.load()); }
    void restore(std::string_view state) { _count += std::stoull(std::string(state)); }
    void restore(const std::string& state, bool merge) { _count = merge ? _count + std::stoull(state) : std::stoull(state); }
    bool healthy() const { return true; }

private:
    terrarium::Host& _host;
    std::atomic<unsigned long long> _count{0};
};

TERRARIUM_PLUGIN(Complete, "complete", "1.0.0", terrarium::route("/complete"))
