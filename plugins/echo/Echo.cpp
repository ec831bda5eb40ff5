// echo: answers every request with its own version and the request it saw, as JSON.
// Config: "greeting" (string, optional) is included in the answer.
#include <terrarium/plugin.hpp>

#include <atomic>
#include <cstdint>
#include <string>

#ifndef ECHO_VERSION
#define ECHO_VERSION "1.0.0"
#endif

namespace {

void appendJsonString(std::string& out, std::string_view s)
{
    static const char* hex = "0123456789abcdef";
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xF];
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
}

class Echo {
public:
    explicit Echo(terrarium::Host& host) : _host(host), _greeting(host.config("greeting", "")) {}

    void handle(const terrarium::Request& request, terrarium::Response& response)
    {
        uint64_t served = ++_served;
        _host.count("requests");
        std::string out;
        out.reserve(256 + request.body().size());
        out += "{\"plugin\":\"echo\",\"version\":\"" ECHO_VERSION "\",\"served\":";
        out += std::to_string(served);
        if (!_greeting.empty()) {
            out += ",\"greeting\":";
            appendJsonString(out, _greeting);
        }
        out += ",\"method\":";
        appendJsonString(out, request.method());
        out += ",\"path\":";
        appendJsonString(out, request.path());
        out += ",\"original_path\":";
        appendJsonString(out, request.originalPath());
        out += ",\"query\":";
        appendJsonString(out, request.query());
        out += ",\"client\":";
        appendJsonString(out, request.clientAddress());
        out += ",\"headers\":{";
        for (size_t i = 0; i < request.headerCount(); ++i) {
            auto [name, value] = request.headerAt(i);
            if (i) out += ',';
            appendJsonString(out, name);
            out += ':';
            appendJsonString(out, value);
        }
        out += "},\"body\":";
        appendJsonString(out, request.body());
        out += '}';
        response.status(200).header("Content-Type", "application/json").header("X-Echo-Version", ECHO_VERSION).body(std::move(out));
    }

    /// The request counter survives hot reloads.
    std::string snapshot() { return std::to_string(_served.load()); }
    void restore(std::string_view state) { _served = std::stoull(std::string(state)); }

private:
    terrarium::Host& _host;
    std::string _greeting;
    std::atomic<uint64_t> _served{0};
};

} // namespace

TERRARIUM_PLUGIN(Echo, "echo", ECHO_VERSION, terrarium::route("/echo"))
