// echo: answers every request with its own version and the request it saw, as JSON; GET
// /echo/_static/<file> serves the files embedded from assets/ (terrarium/assets.hpp).
// Config: "greeting" (string, optional) is included in the answer.
#include <terrarium/assets.hpp>
#include <terrarium/plugin.hpp>

#include <atomic>
#include <cstdint>
#include <string>

#ifndef ECHO_VERSION
#define ECHO_VERSION "1.0.0"
#endif

namespace {

class Echo {
public:
    explicit Echo(terrarium::Host& host) : _host(host), _greeting(host.config("greeting", "")) {}

    void handle(const terrarium::Request& request, terrarium::Response& response)
    {
        static constexpr std::string_view staticPrefix = "/_static/";
        if (request.path().substr(0, staticPrefix.size()) == staticPrefix && (request.method() == "GET" || request.method() == "HEAD")) {
            if (!terrarium::serveAsset(request.path().substr(staticPrefix.size()), response))
                response.json(404, "{\"error\":\"not_found\",\"message\":\"echo has no such static file\"}");
            return;
        }
        uint64_t served = ++_served;
        _host.count("requests");
        std::string out;
        out.reserve(256 + request.body().size());
        out += "{\"plugin\":\"echo\",\"version\":\"" ECHO_VERSION "\",\"served\":";
        out += std::to_string(served);
        if (!_greeting.empty()) {
            out += ",\"greeting\":";
            terrarium::appendJsonString(out, _greeting);
        }
        out += ",\"method\":";
        terrarium::appendJsonString(out, request.method());
        out += ",\"path\":";
        terrarium::appendJsonString(out, request.path());
        out += ",\"original_path\":";
        terrarium::appendJsonString(out, request.originalPath());
        out += ",\"query\":";
        terrarium::appendJsonString(out, request.query());
        out += ",\"target\":";
        terrarium::appendJsonString(out, request.target());
        out += ",\"client\":";
        terrarium::appendJsonString(out, request.clientAddress());
        out += ",\"headers\":{";
        for (size_t i = 0; i < request.headerCount(); ++i) {
            auto [name, value] = request.headerAt(i);
            if (i) out += ',';
            terrarium::appendJsonString(out, name);
            out += ':';
            terrarium::appendJsonString(out, value);
        }
        out += "},\"body\":";
        terrarium::appendJsonString(out, request.body());
        out += '}';
        response.status(200).header("Content-Type", "application/json").header("X-Echo-Version", ECHO_VERSION).body(std::move(out));
    }

    /// The request counter survives hot reloads.
    std::string snapshot() { return std::to_string(_served.load()); }
    void restore(std::string_view state) { _served += std::stoull(std::string(state)); }

private:
    terrarium::Host& _host;
    std::string _greeting;
    std::atomic<uint64_t> _served{0};
};

} // namespace

TERRARIUM_PLUGIN(Echo, "echo", ECHO_VERSION, terrarium::route("/echo"))
