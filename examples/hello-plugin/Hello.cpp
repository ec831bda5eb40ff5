// hello: a minimal out-of-tree Terrarium plugin.
// GET /hello/anything answers {"plugin":"hello","message":"hello from an out-of-tree plugin","path":"/anything"}.
#include <terrarium/plugin.hpp>

#include <string>
#include <string_view>

namespace {

/// Appends s to out as a JSON string literal.
void appendJsonString(std::string& out, std::string_view s)
{
    static const char* hex = "0123456789abcdef";
    out += '"';
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        } else {
            out += ch;
        }
    }
    out += '"';
}

class Hello {
public:
    /// Called once per instance (on load and on every hot reload).
    explicit Hello(terrarium::Host& host) : _host(host) {}

    /// Answers every request under the route with a JSON greeting and the routed path.
    void handle(const terrarium::Request& request, terrarium::Response& response)
    {
        _host.count("greetings");
        std::string out = "{\"plugin\":\"hello\",\"message\":\"hello from an out-of-tree plugin\",\"path\":";
        appendJsonString(out, request.path());
        out += '}';
        response.status(200).header("Content-Type", "application/json").body(std::move(out));
    }

private:
    terrarium::Host& _host;
};

} // namespace

TERRARIUM_PLUGIN(Hello, "hello", "1.0.0", terrarium::route("/hello"))
