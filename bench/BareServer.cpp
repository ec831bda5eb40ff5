// bare_poco_server: the baseline for the Terrarium benchmark.
//
// A bare Poco::Net::HTTPServer that answers every request with 200 and the fixed body "hello",
// configured like terrariumd (same thread count, keep-alive), so that bench/run.sh can compare the
// host's throughput against the cost of Poco's HTTP stack alone.
//
// Usage: bare_poco_server [--port N] [--threads N] [--queue N]
// Prints "listening on 127.0.0.1:<port>" on stdout once bound; stops on SIGTERM/SIGINT.

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>

#include <cstdlib>
#include <iostream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr char kBody[] = "hello";
constexpr std::streamsize kBodySize = sizeof(kBody) - 1;
constexpr int kBacklog = 128;

class HelloHandler : public Poco::Net::HTTPRequestHandler {
public:
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override
    {
        // Drain any request body so that the connection can be kept alive.
        request.stream().ignore(std::numeric_limits<std::streamsize>::max());
        response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
        response.setContentType("text/plain");
        response.setContentLength(kBodySize);
        // Keep-alive is left as HTTPServerConnection decided it (params keepAlive, request, limits).
        response.sendBuffer(kBody, static_cast<std::size_t>(kBodySize));
    }
};

class HelloHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override
    {
        return new HelloHandler;
    }
};

int parseInt(const std::string& name, const std::string& value, int min, int max)
{
    std::size_t used = 0;
    int result = 0;
    try {
        result = std::stoi(value, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (value.empty() || used != value.size() || result < min || result > max) {
        throw std::invalid_argument("--" + name + ": expected an integer in [" + std::to_string(min) + ", " +
                                    std::to_string(max) + "], got '" + value + "'");
    }
    return result;
}

class BareServerApp : public Poco::Util::ServerApplication {
protected:
    void defineOptions(Poco::Util::OptionSet& options) override
    {
        ServerApplication::defineOptions(options);
        options.addOption(Poco::Util::Option("port", "", "port to listen on, 0 = ephemeral (default 0)")
                              .required(false)
                              .repeatable(false)
                              .argument("N"));
        options.addOption(Poco::Util::Option("threads", "", "worker threads (default 16)")
                              .required(false)
                              .repeatable(false)
                              .argument("N"));
        options.addOption(Poco::Util::Option("queue", "", "max queued connections (default 256)")
                              .required(false)
                              .repeatable(false)
                              .argument("N"));
        options.addOption(Poco::Util::Option("help", "h", "print this help").required(false).repeatable(false));
    }

    void handleOption(const std::string& name, const std::string& value) override
    {
        ServerApplication::handleOption(name, value);
        if (name == "help") {
            _helpRequested = true;
            stopOptionsProcessing();
        } else if (name == "port") {
            _port = value;
        } else if (name == "threads") {
            _threads = value;
        } else if (name == "queue") {
            _queue = value;
        }
    }

    int main(const std::vector<std::string>& args) override
    {
        if (_helpRequested) {
            std::cout << "usage: bare_poco_server [--port N] [--threads N] [--queue N]\n"
                         "Answers every request with 200 \"hello\"; prints \"listening on 127.0.0.1:<port>\" once bound.\n";
            return EXIT_OK;
        }
        if (!args.empty()) {
            std::cerr << "bare_poco_server: unexpected argument '" << args.front() << "'\n";
            return EXIT_USAGE;
        }
        try {
            const int port = parseInt("port", _port, 0, 65535);
            const int threads = parseInt("threads", _threads, 1, 4096);
            const int queue = parseInt("queue", _queue, 1, 1 << 20);
            return serve(port, threads, queue);
        } catch (const std::invalid_argument& e) {
            std::cerr << "bare_poco_server: " << e.what() << "\n";
            return EXIT_USAGE;
        } catch (const Poco::Exception& e) {
            std::cerr << "bare_poco_server: " << e.displayText() << "\n";
            return EXIT_SOFTWARE;
        }
    }

private:
    int serve(int port, int threads, int queue)
    {
        // Bound explicitly: ServerSocket(address) would also set SO_REUSEPORT, and then a second
        // server could silently share a port that is already taken.
        Poco::Net::ServerSocket socket;
        socket.bind(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)), true, false);
        socket.listen(kBacklog);

        Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(threads);
        params->setMaxQueued(queue);
        params->setKeepAlive(true);

        Poco::ThreadPool pool(threads, threads);
        Poco::Net::HTTPServer server(new HelloHandlerFactory, pool, socket, params);
        server.start();

        std::cout << "listening on 127.0.0.1:" << socket.address().port() << std::endl;

        waitForTerminationRequest();

        server.stopAll(true);
        pool.joinAll();
        return EXIT_OK;
    }

    bool _helpRequested = false;
    std::string _port = "0";
    std::string _threads = "16";
    std::string _queue = "256";
};

} // namespace

int main(int argc, char** argv)
{
    try {
        BareServerApp app;
        return app.run(argc, argv);
    } catch (const Poco::Exception& e) {
        std::cerr << "bare_poco_server: " << e.displayText() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "bare_poco_server: " << e.what() << "\n";
    }
    return EXIT_FAILURE;
}
