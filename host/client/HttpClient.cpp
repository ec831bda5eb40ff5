#include "client/HttpClient.h"

#include "client/ConnectionLease.h"
#include "client/RetryBackoff.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/String.h>
#include <Poco/Thread.h>
#include <Poco/URI.h>

#include <algorithm>
#include <istream>
#include <ostream>

namespace terrarium {

struct HttpClient::Target
{
    std::string method;
    Origin origin{"http", "", 0};
    std::string pathAndQuery;
};

namespace {

using Outcome = ClientAttempt::Outcome;

enum class Stage
{
    Connecting,        /// a new connection: connecting, handshaking, sending the head
    Sending,           /// the head is out, the body is being sent
    AwaitingResponse,  /// the request is out, no response byte yet
    ReadingBody        /// the response head arrived
};

const std::size_t readChunkBytes = 16 * 1024;

/// A socket receive timeout set this recently still ends (almost) at the deadline.
const Poco::Timestamp::TimeDiff timeoutSlack = 5 * 1000;

bool isTokenChar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || std::string("!#$%&'*+-.^_`|~").find(c) != std::string::npos;
}

bool isToken(const std::string& text)
{
    return !text.empty() && std::all_of(text.begin(), text.end(), isTokenChar);
}

bool hasControlBreak(const std::string& text)
{
    return text.find_first_of(std::string("\r\n\0", 3)) != std::string::npos;
}

bool skippedRequestHeader(const std::string& name)
{
    return Poco::icompare(name, "Content-Length") == 0 || Poco::icompare(name, "Transfer-Encoding") == 0
        || Poco::icompare(name, "Connection") == 0 || Poco::icompare(name, "Keep-Alive") == 0;
}

std::string milliseconds(const Poco::Timespan& span)
{
    return std::to_string(span.totalMilliseconds()) + " ms";
}

std::string triesText(unsigned tries)
{
    return tries == 1 ? "1 try" : std::to_string(tries) + " tries";
}

/// The path and query of an absolute URL exactly as written (Poco::URI would decode %2F).
std::string rawPathAndQuery(const std::string& url)
{
    std::string::size_type authority = url.find("://");
    std::string::size_type start = url.find_first_of("/?#", authority == std::string::npos ? 0 : authority + 3);
    if (start == std::string::npos)
        return "/";
    std::string rest = url.substr(start, url.find('#', start) == std::string::npos ? std::string::npos : url.find('#', start) - start);
    if (rest.empty() || rest[0] != '/')
        rest.insert(0, "/");
    return rest;
}

ClientAttempt failed(Outcome outcome, std::string message)
{
    return ClientAttempt::failed(outcome, std::move(message));
}

/// A failure of the connection itself, by the stage it happened in.
ClientAttempt connectionFailure(Stage stage, const std::string& what)
{
    switch (stage) {
    case Stage::Connecting:
    case Stage::Sending:
        return failed(Outcome::NotSent, what);
    case Stage::AwaitingResponse:
        return failed(Outcome::NoResponse, what);
    case Stage::ReadingBody:
        break;
    }
    return failed(Outcome::BrokenResponse, what);
}

std::string stageText(Stage stage)
{
    switch (stage) {
    case Stage::Connecting: return "while connecting";
    case Stage::Sending: return "while sending the request";
    case Stage::AwaitingResponse: return "before a response";
    case Stage::ReadingBody: return "while reading the response";
    }
    return "";
}

std::string timeoutText(Stage stage)
{
    switch (stage) {
    case Stage::Connecting: return "connecting to";
    case Stage::Sending: return "sending the request to";
    case Stage::AwaitingResponse: return "waiting for a response from";
    case Stage::ReadingBody: return "reading the response from";
    }
    return "calling";
}

bool retryableStatus(int status)
{
    return status == 502 || status == 503 || status == 504;
}

} // namespace

HttpClient::HttpClient(const ClientConfig& config)
    : _config(config),
      _tls(config),
      _pool(config, [this](const Origin& origin) { return createSession(origin); })
{
}

HttpClient::~HttpClient() = default;

bool HttpClient::idempotent(const std::string& method)
{
    return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" || method == "OPTIONS" || method == "TRACE";
}

ClientStats HttpClient::stats() const
{
    return _pool.stats();
}

void HttpClient::reapIdle()
{
    _pool.reapIdle();
}

void HttpClient::closeIdle()
{
    _pool.closeIdle();
}

std::unique_ptr<Poco::Net::HTTPClientSession> HttpClient::createSession(const Origin& origin) const
{
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (origin.secure())
        session = std::make_unique<Poco::Net::HTTPSClientSession>(origin.host(), origin.port(), _tls.context());
    else
        session = std::make_unique<Poco::Net::HTTPClientSession>(origin.host(), origin.port());
    session->setKeepAlive(true);
    session->setKeepAliveTimeout(Poco::Timespan(365 * Poco::Timespan::DAYS));
    return session;
}

std::string HttpClient::parseTarget(const ClientRequest& request, Target& target)
{
    target.method = Poco::toUpper(request.method.empty() ? std::string("GET") : request.method);
    if (!isToken(target.method))
        return "invalid HTTP method '" + request.method + "'";
    if (request.url.empty())
        return "no URL: an absolute http:// or https:// URL is needed";
    try {
        target.origin = Origin::fromUri(Poco::URI(request.url));
    } catch (Poco::Exception& e) {
        return "invalid URL '" + request.url + "': " + e.message();
    }
    target.pathAndQuery = rawPathAndQuery(request.url);
    if (hasControlBreak(target.pathAndQuery) || target.pathAndQuery.find(' ') != std::string::npos)
        return "invalid URL '" + request.url + "': spaces or line breaks in the path";
    for (const auto& header : request.headers) {
        if (!isToken(header.first) || hasControlBreak(header.second))
            return "invalid request header '" + header.first + "'";
    }
    if (hasControlBreak(request.requestId))
        return "invalid request id: it contains a line break";
    return std::string();
}

bool HttpClient::recordOutcome(OriginPool& pool, CircuitBreaker::Admission admission, const ClientAttempt& attempt, bool repeatable)
{
    switch (attempt.outcome) {
    case Outcome::Response:
        if (attempt.response.status >= 500) {
            pool.countServerError();
            pool.breaker().recordFailure(admission, Poco::Timestamp());
        } else {
            pool.breaker().recordSuccess(admission);
        }
        return retryableStatus(attempt.response.status) && repeatable;
    case Outcome::TooLarge:
        pool.breaker().recordSuccess(admission);
        return false;
    case Outcome::NoConnection:
        pool.breaker().recordAbandoned(admission);
        return false;
    case Outcome::NotSent:
    case Outcome::NoResponse:
    case Outcome::BrokenResponse:
    case Outcome::Timeout:
    case Outcome::Tls:
        break;
    }
    pool.countFailure();
    pool.breaker().recordFailure(admission, Poco::Timestamp());
    return attempt.outcome == Outcome::NotSent || (repeatable && (attempt.outcome == Outcome::NoResponse || attempt.outcome == Outcome::BrokenResponse));
}

ClientResult HttpClient::finalResult(ClientAttempt attempt, const Target& target, unsigned tries, const Poco::Timespan& timeout, const std::string& note)
{
    switch (attempt.outcome) {
    case Outcome::Response:
        return ClientResult::success(std::move(attempt.response));
    case Outcome::Timeout:
    case Outcome::NoConnection:
        return ClientResult::failure(ClientStatus::Timeout, attempt.message + " (deadline " + milliseconds(timeout) + ", " + triesText(tries) + ")");
    case Outcome::TooLarge:
        return ClientResult::failure(ClientStatus::TooLarge, attempt.message);
    case Outcome::Tls:
        return ClientResult::failure(ClientStatus::Unavailable, attempt.message);
    case Outcome::NotSent:
    case Outcome::NoResponse:
    case Outcome::BrokenResponse:
        break;
    }
    std::string message = attempt.message + " after " + triesText(tries) + note;
    if (!idempotent(target.method) && attempt.outcome != Outcome::NotSent)
        message += " (" + target.method + " is not repeated once it may have reached the server)";
    return ClientResult::failure(ClientStatus::Unavailable, message);
}

ClientResult HttpClient::call(const ClientRequest& request)
{
    Target target;
    std::string problem = parseTarget(request, target);
    if (!problem.empty())
        return ClientResult::failure(ClientStatus::Invalid, problem);

    const Poco::Timespan timeout = request.timeout > 0 ? request.timeout : _config.timeout;
    const Poco::Timestamp deadline = Poco::Timestamp() + timeout;
    const unsigned maxAttempts = request.maxAttempts > 0 ? request.maxAttempts : std::max(1u, _config.maxAttempts);
    const bool repeatable = idempotent(target.method);
    OriginPool& pool = _pool.originPool(target.origin);
    pool.countCall();

    std::unique_ptr<RetryBackoff> backoff;
    ClientAttempt attempt;
    for (unsigned tries = 1;; ++tries) {
        CircuitBreaker::Admission admission =
            request.bypassBreaker ? CircuitBreaker::Admission::Bypass : pool.breaker().admit(Poco::Timestamp());
        if (admission == CircuitBreaker::Admission::Refused) {
            if (tries > 1 && attempt.outcome == Outcome::Response)
                return ClientResult::success(std::move(attempt.response));
            std::string message = "circuit open for " + target.origin.key();
            if (tries > 1)
                message += " (after " + triesText(tries - 1) + ": " + attempt.message + ")";
            return ClientResult::failure(ClientStatus::Unavailable, message);
        }
        if (tries > 1)
            pool.countRetry();
        attempt = tryOnce(pool, target, request, deadline);
        attempt.response.attempts = tries;

        std::string note;
        if (recordOutcome(pool, admission, attempt, repeatable) && tries < maxAttempts) {
            if (!backoff)
                backoff = std::make_unique<RetryBackoff>(_config.backoffInitial, _config.backoffMax);
            Poco::Timespan delay = backoff->next();
            if (Poco::Timestamp() + delay < deadline) {
                Poco::Thread::sleep(static_cast<long>(delay.totalMilliseconds()));
                continue;
            }
            note = ", no time left for another before the " + milliseconds(timeout) + " deadline";
        }
        return finalResult(std::move(attempt), target, tries, timeout, note);
    }
}

ClientAttempt HttpClient::tryOnce(OriginPool& pool, const Target& target, const ClientRequest& request, const Poco::Timestamp& deadline)
{
    const Origin& origin = target.origin;
    const std::string peer = origin.authority();
    bool freshOnly = false;
    for (;;) {
        std::unique_ptr<PooledConnection> pooled = _pool.acquire(pool, deadline, freshOnly);
        if (!pooled) {
            return failed(Outcome::NoConnection, "no free connection to " + origin.key() + " (at most " + std::to_string(_config.maxPerOrigin)
                + " per origin, " + std::to_string(_config.maxTotal) + " in total, all in use)");
        }
        ConnectionLease lease(_pool, pool, std::move(pooled));
        PooledConnection& connection = lease.connection();
        Poco::Net::HTTPClientSession& session = connection.session();
        const bool reused = connection.reused();
        Stage stage = reused ? Stage::Sending : Stage::Connecting;

        const Poco::Timestamp start;
        Poco::Timespan remaining = deadline - start;
        if (remaining <= 0)
            return failed(Outcome::Timeout, "timed out before calling " + origin.key());
        const bool connectBoundByDeadline = remaining <= _config.connectTimeout;
        ClientAttempt attempt;
        try {
            session.setTimeout(connectBoundByDeadline ? remaining : _config.connectTimeout, remaining, remaining);
            if (session.connected()) {
                session.socket().setSendTimeout(remaining);
                session.socket().setReceiveTimeout(remaining);
            }
            Poco::Net::HTTPRequest httpRequest(target.method, target.pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
            for (const auto& header : request.headers) {
                if (!skippedRequestHeader(header.first))
                    httpRequest.add(header.first, header.second);
            }
            if (!request.requestId.empty())
                httpRequest.set("X-Request-Id", request.requestId);
            if (!request.body.empty() || target.method == "POST" || target.method == "PUT" || target.method == "PATCH")
                httpRequest.setContentLength64(static_cast<Poco::Int64>(request.body.size()));

            ClientTlsContext::clearProblem();
            std::ostream& out = session.sendRequest(httpRequest);
            stage = Stage::Sending;
            out.exceptions(std::ios::badbit);
            out.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
            out.flush();
            stage = Stage::AwaitingResponse;

            Poco::Net::HTTPResponse httpResponse;
            std::istream& in = session.receiveResponse(httpResponse);
            stage = Stage::ReadingBody;
            in.exceptions(std::ios::badbit);

            const int status = static_cast<int>(httpResponse.getStatus());
            const bool bodyExpected = target.method != "HEAD" && status >= 200 && status != 204 && status != 304;
            const bool lengthKnown = bodyExpected && httpResponse.hasContentLength();
            const Poco::Int64 length = lengthKnown ? httpResponse.getContentLength64() : 0;
            if (lengthKnown && length > static_cast<Poco::Int64>(_config.maxResponseBytes)) {
                return failed(Outcome::TooLarge, "response from " + origin.key() + " is " + std::to_string(length) + " bytes, above the limit of "
                    + std::to_string(_config.maxResponseBytes) + " bytes");
            }
            std::string body;
            if (lengthKnown)
                body.reserve(static_cast<std::size_t>(length));
            char buffer[readChunkBytes];
            Poco::Timestamp timeoutSet = start;
            while (bodyExpected) {
                Poco::Timestamp now;
                remaining = deadline - now;
                if (remaining <= 0)
                    throw Poco::TimeoutException("deadline passed");
                if (now - timeoutSet > timeoutSlack && session.connected()) {
                    session.socket().setReceiveTimeout(remaining);
                    timeoutSet = now;
                }
                in.read(buffer, sizeof(buffer));
                body.append(buffer, static_cast<std::size_t>(in.gcount()));
                if (body.size() > _config.maxResponseBytes) {
                    return failed(Outcome::TooLarge, "response from " + origin.key() + " is above the limit of "
                        + std::to_string(_config.maxResponseBytes) + " bytes");
                }
                if (!in)
                    break;
            }
            if (lengthKnown && static_cast<Poco::Int64>(body.size()) < length) {
                return failed(Outcome::BrokenResponse, peer + " closed the connection mid-response (" + std::to_string(body.size()) + " of "
                    + std::to_string(length) + " body bytes received)");
            }

            attempt.response.status = status;
            for (const auto& field : httpResponse)
                attempt.response.headers.emplace_back(field.first, field.second);
            attempt.response.body = std::move(body);
            connection.countRequest();
            const bool delimited = !bodyExpected || lengthKnown || httpResponse.getChunkedTransferEncoding();
            if (httpResponse.getKeepAlive() && delimited)
                lease.keep();
            return attempt;
        } catch (Poco::TimeoutException&) {
            if (stage == Stage::Connecting && !connectBoundByDeadline && !session.connected())
                attempt = failed(Outcome::NotSent, "connecting to " + peer + " timed out after " + milliseconds(_config.connectTimeout));
            else
                attempt = failed(Outcome::Timeout, "timed out " + timeoutText(stage) + " " + origin.key());
        } catch (Poco::Net::SSLConnectionUnexpectedlyClosedException&) {
            attempt = connectionFailure(stage, peer + " closed the TLS connection " + stageText(stage));
        } catch (Poco::Net::SSLException& e) {
            std::string problem = ClientTlsContext::takeProblem();
            if (reused && stage != Stage::ReadingBody)
                attempt = connectionFailure(stage, "TLS connection to " + peer + " failed " + stageText(stage) + ": " + e.displayText());
            else if (!problem.empty())
                attempt = failed(Outcome::Tls, "TLS handshake with " + origin.key() + " failed: server certificate rejected: " + problem);
            else if (stage == Stage::Connecting)
                attempt = failed(Outcome::Tls, "TLS handshake with " + origin.key() + " failed: " + e.displayText());
            else
                attempt = connectionFailure(stage, "TLS connection to " + peer + " failed " + stageText(stage) + ": " + e.displayText());
        } catch (Poco::Net::ConnectionRefusedException&) {
            attempt = failed(Outcome::NotSent, "connection refused by " + peer);
        } catch (Poco::Net::HostNotFoundException&) {
            attempt = failed(Outcome::NotSent, "cannot resolve host '" + origin.host() + "'");
        } catch (Poco::Net::NoAddressFoundException&) {
            attempt = failed(Outcome::NotSent, "host '" + origin.host() + "' has no address");
        } catch (Poco::Net::NoMessageException&) {
            attempt = connectionFailure(stage, peer + " closed the connection without a response");
        } catch (Poco::Net::ConnectionResetException&) {
            attempt = connectionFailure(stage, "connection reset by " + peer + " " + stageText(stage));
        } catch (Poco::Net::ConnectionAbortedException&) {
            attempt = connectionFailure(stage, "connection aborted " + stageText(stage) + " with " + peer);
        } catch (Poco::Net::MessageException& e) {
            attempt = failed(Outcome::BrokenResponse, "invalid HTTP response from " + peer + ": " + e.displayText());
        } catch (Poco::Exception& e) {
            attempt = connectionFailure(stage, "connection to " + peer + " failed " + stageText(stage) + ": " + e.displayText());
        } catch (std::exception& e) {
            attempt = connectionFailure(stage, "connection to " + peer + " failed " + stageText(stage) + ": " + e.what());
        }

        const bool unanswered = attempt.outcome == Outcome::NotSent || attempt.outcome == Outcome::NoResponse;
        if (reused && !freshOnly && unanswered) {
            pool.countStaleReplaced();
            freshOnly = true;
            continue;
        }
        return attempt;
    }
}

} // namespace terrarium
