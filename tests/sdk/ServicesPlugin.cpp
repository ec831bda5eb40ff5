// "services": a test plugin written with plugin.hpp that uses every ABI 1.1 host service. It
// declares that it needs only a 1.0 host, so that the same plugin also runs under
// FakeHost::emulateAbi10() and exercises the wrapper's fallbacks. Routed at /svc (prefix stripped):
//   /call?service=S&path=P&method=M     calls S (default "file-storage"), headers X-One/X-Two,
//                                       timeout 1500 ms, 2 attempts; answers with the response:
//                                       status, body, X-Reply, X-Attempts, X-In-Process, X-Header-Count
//   /call-many                          like /call with 20 run-time headers (the vector overload)
//   /fetch?url=U                        GET of an absolute URL
//   /call-caught?service=S&path=P       a failed call answers 200 {"result":<status>,"message":...}
//   /call-then-throw                    calls, then throws (the response must still be released)
//   /secret?path=P&key=K                secret(): 200 with the value, or the Error escapes
//   /find-secret?path=P&key=K           findSecret(): 200 with the value, 204 when absent
//   /secret-caught?path=P&key=K         secret(); an Error answers 200 {"result":<status>,...}
//   /log                                logs trace..error; answers the levels logEnabled() allows
//   /metrics                            observe("latency_seconds", 0.25 and 0.5), gauge("queue_depth", 7)
//   /id                                 answers requestId()
//   /services                           answers hasServices()
#define TERRARIUM_PLUGIN_MIN_ABI_MINOR 0
#include <terrarium/plugin.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

std::string param(std::string_view query, std::string_view name, std::string_view fallback = {})
{
    while (!query.empty()) {
        size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        size_t eq = pair.find('=');
        if (pair.substr(0, eq) == name) return std::string(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return std::string(fallback);
}

std::string failure(const terrarium::Error& e)
{
    std::string out = "{\"result\":" + std::to_string(e.status()) + ",\"message\":";
    terrarium::appendJsonString(out, e.what());
    return out + "}";
}

class Services {
public:
    explicit Services(terrarium::Host& host) : _host(host) {}

    void handle(const terrarium::Request& request, terrarium::Response& response)
    {
        std::string_view path = request.path();
        std::string_view query = request.query();
        if (path == "/call") {
            terrarium::CallOptions options;
            options.timeoutMs = 1500;
            options.maxAttempts = 2;
            auto answer = _host.call(param(query, "service", "file-storage"), param(query, "method", "POST"), param(query, "path", "/files?x=1"),
                                     request.body(), {{"X-One", "1"}, {"X-Two", "2"}}, options);
            return relay(answer, response);
        }
        if (path == "/call-many") {
            std::vector<std::pair<std::string, std::string>> headers;
            for (int i = 0; i < 20; ++i) headers.emplace_back("X-H" + std::to_string(i), std::to_string(i * i));
            return relay(_host.call("file-storage", "PUT", "/many", "payload", headers), response);
        }
        if (path == "/fetch") return relay(_host.fetch("GET", param(query, "url")), response);
        if (path == "/call-caught") {
            try {
                auto answer = _host.call(param(query, "service", "file-storage"), "GET", param(query, "path", "/missing"));
                response.json(200, "{\"result\":0,\"status\":" + std::to_string(answer.status()) + "}");
            } catch (const terrarium::Error& e) {
                response.json(200, failure(e));
            }
            return;
        }
        if (path == "/call-then-throw") {
            auto answer = _host.call("file-storage", "GET", "/files");
            throw std::runtime_error("failed after a call that answered " + std::to_string(answer.status()));
        }
        if (path == "/call-unchecked") {
            _host.call(param(query, "service", "file-storage"), "GET", "/files");
            response.json(200, "{}");
            return;
        }
        if (path == "/secret") {
            response.send(200, "text/plain", _host.secret(param(query, "path"), param(query, "key")));
            return;
        }
        if (path == "/find-secret") {
            auto value = _host.findSecret(param(query, "path"), param(query, "key"));
            if (value) response.send(200, "text/plain", *value);
            else response.status(204);
            return;
        }
        if (path == "/secret-caught") {
            try {
                response.send(200, "text/plain", _host.secret(param(query, "path"), param(query, "key")));
            } catch (const terrarium::Error& e) {
                response.json(200, failure(e));
            }
            return;
        }
        if (path == "/log") {
            std::string enabled;
            for (auto level : {terrarium::LogLevel::Trace, terrarium::LogLevel::Debug, terrarium::LogLevel::Info, terrarium::LogLevel::Warn,
                               terrarium::LogLevel::Error}) {
                enabled += _host.logEnabled(level) ? '1' : '0';
                _host.log(level, "record at level " + std::to_string(static_cast<int>(level)));
            }
            response.send(200, "text/plain", enabled);
            return;
        }
        if (path == "/metrics") {
            _host.observe("latency_seconds", 0.25);
            _host.observe("latency_seconds", 0.5);
            _host.gauge("queue_depth", 7);
            _host.gauge("bad-name", 1);   // refused by the host, ignored by the wrapper
            response.status(204);
            return;
        }
        if (path == "/id") {
            response.send(200, "text/plain", request.requestId());
            return;
        }
        if (path == "/services") {
            response.send(200, "text/plain", _host.hasServices() ? "yes" : "no");
            return;
        }
        response.status(404);
    }

private:
    static void relay(const terrarium::ServiceResponse& answer, terrarium::Response& response)
    {
        auto reply = answer.header("x-reply");
        std::string names;
        for (size_t i = 0; i < answer.headerCount(); ++i) names += std::string(answer.headerAt(i).first) + ";";
        response.status(answer.status())
            .header("X-Reply", reply ? *reply : std::string_view("absent"))
            .header("X-Attempts", std::to_string(answer.attempts()))
            .header("X-In-Process", answer.inProcess() ? "yes" : "no")
            .header("X-Header-Names", names)
            .body(answer.body());
    }

    terrarium::Host& _host;
};

} // namespace

TERRARIUM_PLUGIN(Services, "services", "1.1.0", terrarium::route("/svc"))
