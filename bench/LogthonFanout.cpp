// logthon_fanout: opens N WebSocket clients to logthon's live stream and counts the text frames they
// receive for a while; bench/logthon.sh runs it while wrk posts records. Prints one line:
//   clients <n> connected <n> frames <total> seconds <s> frames_per_second <f> closed <n>
#include <Poco/Buffer.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/WebSocket.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv)
{
    if (argc != 5)
    {
        std::fprintf(stderr, "usage: logthon_fanout <host> <port> <clients> <seconds>   (path /api/logthon/ws)\n");
        return 2;
    }
    const std::string host = argv[1];
    const auto port = static_cast<Poco::UInt16>(std::atoi(argv[2]));
    const int clients = std::atoi(argv[3]);
    const int seconds = std::atoi(argv[4]);
    std::atomic<long long> frames{0};
    std::atomic<int> connected{0};
    std::atomic<int> closed{0};
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    const auto deadline = [&] { return std::chrono::steady_clock::now() + std::chrono::seconds(seconds); };
    std::chrono::steady_clock::time_point end;
    std::vector<std::thread> threads;
    for (int i = 0; i < clients; ++i)
        threads.emplace_back([&] {
            try
            {
                Poco::Net::HTTPClientSession session(host, port);
                Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/api/logthon/ws", Poco::Net::HTTPMessage::HTTP_1_1);
                Poco::Net::HTTPResponse response;
                Poco::Net::WebSocket socket(session, request, response);
                socket.setReceiveTimeout(Poco::Timespan(0, 200 * 1000));
                ++connected;
                ++ready;
                while (!go.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
                Poco::Buffer<char> buffer(0);
                while (std::chrono::steady_clock::now() < end)
                {
                    int flags = 0;
                    try
                    {
                        buffer.resize(0);
                        int n = socket.receiveFrame(buffer, flags);
                        if (n == 0 && flags == 0) break;
                        int opcode = flags & Poco::Net::WebSocket::FRAME_OP_BITMASK;
                        if (opcode == Poco::Net::WebSocket::FRAME_OP_CLOSE)
                        {
                            ++closed;
                            break;
                        }
                        if (opcode == Poco::Net::WebSocket::FRAME_OP_TEXT) ++frames;
                    }
                    catch (const Poco::TimeoutException&)
                    {
                    }
                }
            }
            catch (const Poco::Exception& e)
            {
                ++ready;
                std::fprintf(stderr, "logthon_fanout: %s\n", e.displayText().c_str());
            }
        });
    while (ready.load() < clients) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const auto started = std::chrono::steady_clock::now();
    end = deadline();
    go = true;
    for (auto& thread : threads) thread.join();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("clients %d connected %d frames %lld seconds %.2f frames_per_second %.0f closed %d\n", clients, connected.load(), frames.load(),
                elapsed, static_cast<double>(frames.load()) / elapsed, closed.load());
    return connected.load() == clients ? 0 : 1;
}
