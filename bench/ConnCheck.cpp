// conn_check: are all of N keep-alive connections served?
//
// wrk only reports on connections that get answers: a server that leaves most of its connections
// waiting in the accept queue (a thread-per-connection server with fewer threads than clients)
// looks healthy to it. conn_check opens --connections connections to one server at once, sends
// one keep-alive GET on each as soon as it is connected, keeps every connection open and counts
// the answers that arrive within --deadline-ms of the start. It never closes a connection before
// the end, so a server that pins a thread per keep-alive connection cannot free its threads for
// the others by waiting for the client to go away.
//
// Usage: conn_check --port N [--host 127.0.0.1] [--path /] [--connections 1024] [--deadline-ms 3000]
// Prints one line of key=value figures on stdout (see printResult) and exits 0, also when
// connections went unanswered; exits 1 on a local failure (bad arguments, no sockets left) or 2
// on usage errors.

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

enum class State { Connecting, Waiting, Answered, Failed };

struct Connection {
    int fd = -1;
    State state = State::Connecting;
    std::string received;   // the answer's bytes until its head is complete
    std::size_t sent = 0;   // bytes of the request written so far
    int status = 0;         // HTTP status of the answer
    long answerMs = -1;     // ms from the start to the end of the answer's head
};

struct Result {
    int connections = 0;
    int connectFailed = 0;  // connect() failed (refused, reset, no route)
    int closed = 0;         // connected, then closed or reset by the server without an answer
    int answered = 0;       // any complete status line and head within the deadline
    int ok = 0;             // of those, 2xx
    int rejected = 0;       // of those, 503
    long lastAnswerMs = -1; // when the last answer of the run arrived
    long p50AnswerMs = -1;  // median time to an answer, of the answered ones
    long elapsedMs = 0;
};

using Clock = std::chrono::steady_clock;

long msSince(Clock::time_point start)
{
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
}

[[noreturn]] void usage(const char* message)
{
    std::fprintf(stderr, "conn_check: %s\nusage: conn_check --port N [--host 127.0.0.1] [--path /] "
                         "[--connections 1024] [--deadline-ms 3000]\n", message);
    std::exit(2);
}

long parseNumber(const char* name, const char* value, long min, long max)
{
    char* end = nullptr;
    errno = 0;
    long n = std::strtol(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || n < min || n > max) {
        std::fprintf(stderr, "conn_check: %s: expected an integer in [%ld, %ld], got '%s'\n", name, min, max, value);
        std::exit(2);
    }
    return n;
}

void raiseFileLimit(int needed)
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
        ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < static_cast<rlim_t>(needed) + 16) {
        std::fprintf(stderr, "conn_check: the open-file limit (%llu) is too low for %d connections\n",
                     static_cast<unsigned long long>(limit.rlim_cur), needed);
        std::exit(1);
    }
}

/// The answer's head is complete: parse its status. Returns false while it is incomplete.
bool headComplete(Connection& c)
{
    if (c.received.find("\r\n\r\n") == std::string::npos) return false;
    // "HTTP/1.1 200 OK"
    if (c.received.compare(0, 5, "HTTP/") == 0) {
        std::size_t space = c.received.find(' ');
        if (space != std::string::npos) c.status = std::atoi(c.received.c_str() + space + 1);
    }
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    std::string host = "127.0.0.1";
    std::string path = "/";
    long port = -1;
    long connections = 1024;
    long deadlineMs = 3000;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::printf("usage: conn_check --port N [--host 127.0.0.1] [--path /] [--connections 1024] [--deadline-ms 3000]\n"
                        "Opens N keep-alive connections at once, sends one GET on each and counts the answers\n"
                        "that arrive within the deadline; prints one line of key=value figures.\n");
            return 0;
        }
        if (i + 1 >= argc) usage(("missing value for " + arg).c_str());
        const char* value = argv[++i];
        if (arg == "--host") host = value;
        else if (arg == "--path") path = value;
        else if (arg == "--port") port = parseNumber("--port", value, 1, 65535);
        else if (arg == "--connections") connections = parseNumber("--connections", value, 1, 100000);
        else if (arg == "--deadline-ms") deadlineMs = parseNumber("--deadline-ms", value, 1, 600000);
        else usage(("unknown argument " + arg).c_str());
    }
    if (port < 0) usage("--port is required");
    if (path.empty() || path[0] != '/') usage("--path must start with '/'");

    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) usage("--host must be an IPv4 address");

    raiseFileLimit(static_cast<int>(connections));
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + std::to_string(port) +
                                "\r\nUser-Agent: conn_check\r\nAccept: */*\r\n\r\n";

    int epoll = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll < 0) {
        std::perror("conn_check: epoll_create1");
        return 1;
    }

    Result result;
    result.connections = static_cast<int>(connections);
    std::vector<Connection> conns(static_cast<std::size_t>(connections));
    const Clock::time_point start = Clock::now();
    int open = 0; // connections still waiting for connect or an answer

    auto fail = [&](Connection& c, bool connected) {
        if (connected) ++result.closed;
        else ++result.connectFailed;
        c.state = State::Failed;
        ::epoll_ctl(epoll, EPOLL_CTL_DEL, c.fd, nullptr);
        --open;
    };

    // Send what is left of the request; false on a socket error.
    auto sendRequest = [&](Connection& c) {
        while (c.sent < request.size()) {
            ssize_t n = ::send(c.fd, request.data() + c.sent, request.size() - c.sent, MSG_NOSIGNAL);
            if (n > 0) {
                c.sent += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
            return false;
        }
        return true;
    };

    // Every connection is started before any answer is read: the server sees all of them at once.
    for (std::size_t i = 0; i < conns.size(); ++i) {
        Connection& c = conns[i];
        c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c.fd < 0) {
            std::perror("conn_check: socket");
            return 1;
        }
        int one = 1;
        ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        ++open;
        int rc = ::connect(c.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
        if (rc != 0 && errno != EINPROGRESS) {
            if (errno == EADDRNOTAVAIL) {
                std::fprintf(stderr, "conn_check: connect: %s (out of local ports?)\n", std::strerror(errno));
                return 1;
            }
            c.state = State::Failed;
            ++result.connectFailed;
            --open;
            continue;
        }
        epoll_event event{};
        event.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
        event.data.u64 = i;
        if (::epoll_ctl(epoll, EPOLL_CTL_ADD, c.fd, &event) != 0) {
            std::perror("conn_check: epoll_ctl");
            return 1;
        }
    }

    std::vector<epoll_event> events(256);
    char buffer[8192];
    for (;;) {
        long left = deadlineMs - msSince(start);
        if (open == 0 || left <= 0) break;
        int n = ::epoll_wait(epoll, events.data(), static_cast<int>(events.size()), static_cast<int>(left));
        if (n < 0) {
            if (errno == EINTR) continue;
            std::perror("conn_check: epoll_wait");
            return 1;
        }
        for (int k = 0; k < n; ++k) {
            Connection& c = conns[events[static_cast<std::size_t>(k)].data.u64];
            const std::uint32_t ev = events[static_cast<std::size_t>(k)].events;
            if (c.state == State::Answered || c.state == State::Failed) continue;
            if (c.state == State::Connecting) {
                int error = 0;
                socklen_t length = sizeof error;
                ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length);
                if (error != 0) {
                    fail(c, false);
                    continue;
                }
                if (!(ev & (EPOLLOUT | EPOLLIN))) continue;
                c.state = State::Waiting;
            }
            if (c.sent < request.size()) {
                if (!sendRequest(c)) {
                    fail(c, true);
                    continue;
                }
                epoll_event event{};
                event.events = EPOLLIN | EPOLLRDHUP | (c.sent < request.size() ? EPOLLOUT : 0u);
                event.data.u64 = events[static_cast<std::size_t>(k)].data.u64;
                ::epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &event);
            }
            if (!(ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) continue;
            bool gone = false;
            for (;;) {
                ssize_t got = ::recv(c.fd, buffer, sizeof buffer, 0);
                if (got > 0) {
                    if (c.received.size() < 65536) c.received.append(buffer, static_cast<std::size_t>(got));
                    continue;
                }
                if (got < 0 && errno == EINTR) continue;
                if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
                gone = true; // EOF or reset
                break;
            }
            if (headComplete(c)) {
                c.state = State::Answered;
                c.answerMs = msSince(start);
                ++result.answered;
                if (c.status >= 200 && c.status < 300) ++result.ok;
                if (c.status == 503) ++result.rejected;
                result.lastAnswerMs = c.answerMs;
                // Keep the connection open (and idle) until the end, but stop watching it.
                ::epoll_ctl(epoll, EPOLL_CTL_DEL, c.fd, nullptr);
                --open;
            } else if (gone) {
                fail(c, true);
            }
        }
    }
    result.elapsedMs = msSince(start);

    std::vector<long> times;
    for (const Connection& c : conns)
        if (c.state == State::Answered) times.push_back(c.answerMs);
    if (!times.empty()) {
        std::size_t mid = times.size() / 2;
        std::nth_element(times.begin(), times.begin() + static_cast<long>(mid), times.end());
        result.p50AnswerMs = times[mid];
    }
    for (Connection& c : conns)
        if (c.fd >= 0) ::close(c.fd);
    ::close(epoll);

    int pending = result.connections - result.answered - result.connectFailed - result.closed;
    std::printf("connections=%d served=%d answered=%d rejected_503=%d unanswered=%d closed=%d connect_failed=%d "
                "p50_answer_ms=%ld last_answer_ms=%ld elapsed_ms=%ld deadline_ms=%ld\n",
                result.connections, result.ok, result.answered, result.rejected, pending, result.closed,
                result.connectFailed, result.p50AnswerMs, result.lastAnswerMs, result.elapsedMs, deadlineMs);
    return 0;
}
