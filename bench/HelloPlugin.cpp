// hello.so: the smallest useful plugin, for measuring the host's own cost per request: it answers
// every request 200 "hello" (text/plain), as bare_poco_server and nginx do in bench/scale.sh.
#include <terrarium/plugin.hpp>

namespace {

class Hello
{
public:
    explicit Hello(terrarium::Host&) {}

    void handle(const terrarium::Request&, terrarium::Response& response)
    {
        response.status(200).header("Content-Type", "text/plain").body("hello");
    }
};

} // namespace

TERRARIUM_PLUGIN(Hello, "hello", "1.0.0", terrarium::route("/hello"))
