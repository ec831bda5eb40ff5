// Client threads that keep a server busy while a test changes it (reloads, moves between hosts).
#ifndef Terrarium_Test_Traffic_INCLUDED
#define Terrarium_Test_Traffic_INCLUDED

#include "HttpTestClient.h"

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace terrarium::test {

/// Client threads sending requests without pause until stopped; each exchange returns "" when
/// every answer was as expected, else what was wrong.
class Traffic
{
public:
    using Exchange = std::function<std::string(HttpTestClient& client, int thread, std::uint64_t sequence)>;

    Traffic(const std::string& address, int threads, Exchange exchange) : _exchange(std::move(exchange))
    {
        for (int i = 0; i < threads; ++i) _threads.emplace_back([this, address, i] { run(address, i); });
    }
    ~Traffic() { stop(); }

    void stop()
    {
        _stop = true;
        for (auto& thread : _threads)
            if (thread.joinable()) thread.join();
    }

    std::atomic<std::uint64_t> ok{0};
    std::atomic<std::uint64_t> failed{0};

    std::vector<std::string> failures() const
    {
        std::lock_guard lock(_mutex);
        return _failures;
    }

private:
    void run(const std::string& address, int id)
    {
        HttpTestClient client(address);
        for (std::uint64_t sequence = 0; !_stop; ++sequence) {
            std::string problem;
            try {
                problem = _exchange(client, id, sequence);
            } catch (const std::exception& e) {
                problem = std::string("exception: ") + e.what();
            }
            if (problem.empty()) {
                ok++;
                continue;
            }
            failed++;
            std::lock_guard lock(_mutex);
            if (_failures.size() < 10) _failures.push_back(problem);
        }
    }

    Exchange _exchange;
    std::atomic<bool> _stop{false};
    std::vector<std::thread> _threads;
    mutable std::mutex _mutex;
    std::vector<std::string> _failures;
};

} // namespace terrarium::test

#endif
