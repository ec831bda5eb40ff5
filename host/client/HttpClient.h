#ifndef Terrarium_HttpClient_INCLUDED
#define Terrarium_HttpClient_INCLUDED

#include "client/ClientAttempt.h"
#include "client/ClientRequest.h"
#include "client/ClientResult.h"
#include "client/ClientStats.h"
#include "client/ClientTlsContext.h"
#include "client/ConnectionPool.h"
#include "config/Config.h"

#include <Poco/Timestamp.h>

#include <memory>
#include <string>

namespace terrarium {

/// The host's HTTP/HTTPS client: keep-alive connections pooled per origin, a total deadline
/// per call, bounded retries with exponential backoff and jitter, a circuit breaker per origin
/// and a cap on response sizes. Thread-safe: call() may run on many threads at once.
///
/// Retry rules. A call makes at most maxAttempts tries, all within its deadline. A try is
/// repeated when the request never reached the server (connection refused, connect timeout,
/// DNS failure, reset while sending), for any method; when the connection broke after the
/// request was sent (reset or closed before or during the response), and when the answer is
/// 502, 503 or 504, only for idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS, TRACE): a
/// POST or PATCH that may have reached the server is never sent twice. The last 5xx answer is
/// returned as Ok. TLS failures, oversized responses and the deadline end a call at once.
/// Apart from tries: a request that fails on a *reused* idle connection before any byte of
/// response arrives (the server closed that connection while it sat in the pool) is sent again
/// once on a new connection, for any method, since the server never processed it.
///
/// Limitation: Poco 1.11 ends a chunked body silently when the peer closes mid-chunk, so a
/// truncated chunked response cannot be told from a complete one; truncated Content-Length
/// bodies are detected.
class HttpClient
{
public:
    /// Throws Poco::InvalidArgumentException when config.caFile cannot be loaded.
    explicit HttpClient(const ClientConfig& config);
    ~HttpClient();

    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// Sends request to request.url and returns the response (any HTTP status is Ok) or the
    /// reason there is none. Never throws.
    ClientResult call(const ClientRequest& request);

    /// Pools, retries, failures and breaker states per origin, and totals.
    ClientStats stats() const;

    /// Closes connections idle for idleTimeout or longer (also done whenever the pool is used).
    void reapIdle();

    /// Closes every idle connection now.
    void closeIdle();

    /// The configuration the client was built with.
    const ClientConfig& config() const { return _config; }

    /// True for methods that may be sent twice (GET, HEAD, PUT, DELETE, OPTIONS, TRACE).
    static bool idempotent(const std::string& method);

private:
    struct Target;

    static std::string parseTarget(const ClientRequest& request, Target& target);
    static bool recordOutcome(OriginPool& pool, CircuitBreaker::Admission admission, const ClientAttempt& attempt, bool repeatable);
    static ClientResult finalResult(ClientAttempt attempt, const Target& target, unsigned tries, const Poco::Timespan& timeout, const std::string& note);
    ClientAttempt tryOnce(OriginPool& pool, const Target& target, const ClientRequest& request, const Poco::Timestamp& deadline);
    std::unique_ptr<Poco::Net::HTTPClientSession> createSession(const Origin& origin) const;

    ClientConfig _config;
    ClientTlsContext _tls;
    ConnectionPool _pool;
};

} // namespace terrarium

#endif
