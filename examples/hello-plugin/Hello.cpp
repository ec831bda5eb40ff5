// hello: a minimal out-of-tree Terrarium plugin.
// GET /hello/anything answers {"plugin":"hello","message":"hello from an out-of-tree plugin","path":"/anything"}.
// POST /hello/anything with {"name":"Ada"} answers the same with "message":"hello, Ada"; a body
// that is not such a JSON object is answered 400 {"error":...,"message":...} (terrarium/json.hpp).
// GET /hello/about.html serves about.html, embedded into hello.so at build time (terrarium/assets.hpp).
#include <terrarium/assets.hpp>
#include <terrarium/json.hpp>
#include <terrarium/plugin.hpp>

#include <string>

namespace {

class Hello {
public:
    /// Called once per instance (on load and on every hot reload).
    explicit Hello(terrarium::Host& host) : _host(host) {}

    /// Answers every request under the route with a JSON greeting and the routed path.
    void handle(const terrarium::Request& request, terrarium::Response& response)
    {
        namespace json = terrarium::json;
        if (request.method() == "GET" && terrarium::serveAsset(request.path().substr(1), response)) return;
        std::string message = "hello from an out-of-tree plugin";
        if (request.method() == "POST") {
            json::ObjectPtr body = json::readBody(request, response);
            if (!body) return;   // answered 400
            try {
                message = "hello, " + json::require<std::string>(*body, "name");
            } catch (const json::Error& e) {
                json::respondError(response, e);
                return;
            }
        }
        _host.count("greetings");
        json::ObjectPtr out = json::object();
        out->set("plugin", "hello");
        out->set("message", message);
        out->set("path", std::string(request.path()));
        json::respond(response, 200, out);
    }

private:
    terrarium::Host& _host;
};

} // namespace

TERRARIUM_PLUGIN(Hello, "hello", "1.0.0", terrarium::route("/hello"))
