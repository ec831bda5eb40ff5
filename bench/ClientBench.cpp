// client_bench: what the pooled HTTP client saves over a new connection per call.
//
// Starts a bare Poco HTTPServer on 127.0.0.1 (ephemeral port) answering 200 "hello", then lets
// a few threads call it as fast as they can, one mode after the other:
//   pooled      terrarium::HttpClient (keep-alive pool, retries, breaker), shared by all threads
//   fresh       a new Poco HTTPClientSession (new TCP connection) per call
//   per-thread  one keep-alive Poco HTTPClientSession per thread, no pool: the upper bound
// and prints calls/s, mean latency and errors per mode.
//
// Usage: client_bench [--threads N] [--duration SECONDS] [--rounds N] [--only MODE]

#include "client/HttpClient.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

class HelloHandler : public Poco::Net::HTTPRequestHandler
{
public:
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override
    {
        request.stream().ignore(std::numeric_limits<std::streamsize>::max());
        response.setContentType("text/plain");
        response.setContentLength(5);
        response.sendBuffer("hello", 5);
    }
};

class HelloHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory
{
public:
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override { return new HelloHandler; }
};

/// One call of a mode on one thread; returns false on an error. Each thread gets its own
/// caller, made by the mode's factory.
using Caller = std::function<bool()>;
using CallerFactory = std::function<Caller()>;

struct Figures
{
    std::uint64_t calls = 0;
    std::uint64_t errors = 0;
    double seconds = 0;
};

Figures run(const CallerFactory& factory, unsigned threads, double seconds)
{
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> calls{0};
    std::atomic<std::uint64_t> errors{0};
    std::vector<std::thread> workers;
    Poco::Timestamp start;
    for (unsigned t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
            Caller call = factory();
            std::uint64_t mine = 0;
            std::uint64_t failed = 0;
            while (!stop.load(std::memory_order_relaxed)) {
                if (!call())
                    ++failed;
                ++mine;
            }
            calls += mine;
            errors += failed;
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(seconds * 1000)));
    stop = true;
    for (auto& worker : workers)
        worker.join();
    Figures figures;
    figures.calls = calls;
    figures.errors = errors;
    figures.seconds = static_cast<double>(start.elapsed()) / 1e6;
    return figures;
}

bool plainCall(Poco::Net::HTTPClientSession& session)
{
    try {
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/", Poco::Net::HTTPMessage::HTTP_1_1);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        std::string body;
        Poco::StreamCopier::copyToString(in, body);
        return response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK && body == "hello";
    } catch (...) {
        session.reset();
        return false;
    }
}

unsigned parseNumber(const std::string& name, const std::string& value, unsigned min, unsigned max)
{
    std::size_t used = 0;
    unsigned long result = 0;
    try {
        result = std::stoul(value, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (value.empty() || used != value.size() || result < min || result > max)
        throw std::invalid_argument(name + ": expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "], got '" + value + "'");
    return static_cast<unsigned>(result);
}

} // namespace

int main(int argc, char** argv)
{
    unsigned threads = 4;
    unsigned duration = 2;
    unsigned rounds = 1;
    std::string only;
    try {
        for (int i = 1; i < argc; ++i) {
            std::string arg = argv[i];
            std::string value = i + 1 < argc ? argv[i + 1] : "";
            if (arg == "--threads")
                threads = parseNumber(arg, value, 1, 64);
            else if (arg == "--duration")
                duration = parseNumber(arg, value, 1, 600);
            else if (arg == "--rounds")
                rounds = parseNumber(arg, value, 1, 100);
            else if (arg == "--only" && (value == "pooled" || value == "fresh" || value == "per-thread"))
                only = value;
            else {
                std::cerr << "usage: client_bench [--threads N] [--duration SECONDS] [--rounds N] [--only pooled|fresh|per-thread]\n";
                return arg == "--help" ? 0 : 64;
            }
            ++i;
        }
    } catch (const std::exception& e) {
        std::cerr << "client_bench: " << e.what() << "\n";
        return 64;
    }

    Poco::ThreadPool serverThreads(2, static_cast<int>(threads) * 2 + 8);
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setKeepAlive(true);
    params->setMaxThreads(static_cast<int>(threads) * 2 + 8);
    params->setMaxQueued(256);
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 256);
    Poco::Net::HTTPServer server(new HelloHandlerFactory, serverThreads, socket, params);
    server.start();
    const Poco::UInt16 port = socket.address().port();
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";

    terrarium::ClientConfig config;
    config.maxPerOrigin = threads;
    config.maxAttempts = 1;
    terrarium::HttpClient client(config);

    struct Mode
    {
        std::string name;
        CallerFactory factory;
    };
    std::vector<Mode> modes = {
        {"pooled", [&] {
             return Caller([&] {
                 terrarium::ClientRequest request;
                 request.url = url;
                 terrarium::ClientResult result = client.call(request);
                 return result.ok() && result.response.status == 200 && result.response.body == "hello";
             });
         }},
        {"fresh", [&] {
             return Caller([&] {
                 Poco::Net::HTTPClientSession session("127.0.0.1", port);
                 session.setKeepAlive(false);
                 return plainCall(session);
             });
         }},
        {"per-thread", [&] {
             auto session = std::make_shared<Poco::Net::HTTPClientSession>("127.0.0.1", port);
             session->setKeepAlive(true);
             return Caller([session] { return plainCall(*session); });
         }},
    };

    if (!only.empty())
        modes.erase(std::remove_if(modes.begin(), modes.end(), [&](const Mode& mode) { return mode.name != only; }), modes.end());

    std::cout << "client_bench: " << threads << " threads, " << duration << " s per mode, " << rounds << " round(s), server 127.0.0.1:" << port << "\n";
    for (const auto& mode : modes)
        run(mode.factory, threads, 0.3);   // warm-up

    std::map<std::string, std::vector<double>> rates;
    std::map<std::string, std::uint64_t> errors;
    for (unsigned round = 0; round < rounds; ++round) {
        for (const auto& mode : modes) {
            Figures figures = run(mode.factory, threads, duration);
            rates[mode.name].push_back(static_cast<double>(figures.calls) / figures.seconds);
            errors[mode.name] += figures.errors;
        }
    }

    auto median = [](std::vector<double> values) {
        std::sort(values.begin(), values.end());
        return values[values.size() / 2];
    };
    const double fresh = rates.count("fresh") ? median(rates["fresh"]) : 0.0;
    std::printf("\n  %-11s %12s %14s %10s %12s\n", "mode", "calls/s", "mean (us)", "errors", "vs fresh");
    for (const auto& mode : modes) {
        double rate = median(rates[mode.name]);
        double meanMicros = rate > 0 ? 1e6 * threads / rate : 0;
        std::printf("  %-11s %12.0f %14.1f %10llu %11.2fx\n", mode.name.c_str(), rate, meanMicros,
                    static_cast<unsigned long long>(errors[mode.name]), fresh > 0 ? rate / fresh : 0.0);
    }
    auto stats = client.stats();
    std::printf("\n  pooled client: %llu connections opened for %llu calls, %llu waits for a free connection\n",
                static_cast<unsigned long long>(stats.connects), static_cast<unsigned long long>(stats.calls),
                static_cast<unsigned long long>(stats.waits));

    client.closeIdle();
    server.stop();
    return 0;
}
