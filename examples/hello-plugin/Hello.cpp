// hello: a minimal out-of-tree Terrarium plugin.
// GET /hello/anything answers {"plugin":"hello","message":"hello from an out-of-tree plugin","path":"/anything"}.
#include <terrarium/plugin.hpp>

#include <string>
#include <string_view>

namespace {

class Hello {
public:
    /// Called once per instance (on load and on every hot reload).
    explicit Hello(terrarium::Host& host) : _host(host) {}

    /// Answers every request under the route with a JSON greeting and the routed path.
    void handle(const terrarium::Request& request, terrarium::Response& response)
    {
        _host.count("greetings");
        std::string out = "{\"plugin\":\"hello\",\"message\":\"hello from an out-of-tree plugin\",\"path\":";
        terrarium::appendJsonString(out, request.path());
        out += '}';
        response.status(200).header("Content-Type", "application/json").body(std::move(out));
    }

private:
    terrarium::Host& _host;
};

} // namespace

TERRARIUM_PLUGIN(Hello, "hello", "1.0.0", terrarium::route("/hello"))
