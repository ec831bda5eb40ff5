#include "http/HttpConnection.h"

#include "http/ConnectionEngine.h"
#include "http/HeaderName.h"
#include "http/HttpHandler.h"
#include "http/ResponseEncoder.h"
#include "http/ServerState.h"
#include "http/WebSocketCodec.h"
#include "http/WebSocketOutbox.h"
#include "logging/AccessLog.h"
#include "http/WebSocketEndpoint.h"
#include "logging/RequestId.h"
#include "logging/RequestIdScope.h"

#include <Poco/Logger.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <algorithm>

namespace terrarium {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("http"); }

const char continueLine[] = "HTTP/1.1 100 Continue\r\n\r\n";

/// Input read ahead of the parser while a body is spooled (it goes to the file as it arrives).
const std::size_t spoolReadAhead = 1 << 20;

/// How long a connection closed after its answer keeps reading what the client still sends.
const Poco::Timespan LINGER(2, 0);

/// File bytes sent in one round before other connections of the thread get their turn.
const std::uint64_t fileBytesPerRound = 8 << 20;

/// Headers of a plugin's reply that the 101 answer does not repeat (they are the host's, or
/// meaningless for an upgrade).
bool upgradeHeader(const std::string& name)
{
    for (const char* own : {"Upgrade", "Connection", "Sec-WebSocket-Accept", "Content-Length", "Content-Type", "Transfer-Encoding"})
        if (sameHeaderName(name, own)) return true;
    return false;
}

std::string milliseconds(const Poco::Timespan& span)
{
    return std::to_string(span.totalMilliseconds()) + " ms";
}

} // namespace

HttpConnection::HttpConnection(ConnectionEngine& engine, std::unique_ptr<Transport> transport)
    : _engine(engine), _transport(std::move(transport)), _parser(engine.settings().limits)
{
    _parser.setOrigin(_transport->peer(), engine.settings().listener);
    if (!engine.settings().spoolDirectory.empty())
    {
        const HttpHandler* handler = engine.settings().handler;
        _parser.setSpooling([handler](const IncomingRequest& request) { return handler->bodyPolicy(request); },
                            engine.settings().spoolDirectory);
    }
    const LimitsConfig& limits = engine.settings().limits;
    setPhase(Phase::Handshake, ConnectionEngine::now() + std::min(limits.headerTimeout, limits.requestTimeout).totalMicroseconds());
}

HttpConnection::~HttpConnection()
{
    letGo();
}

void HttpConnection::letGo()
{
    // A WebSocket dropped without a close exchange (the host stopping while the peer does not
    // read): the plugin still gets its close, so that it releases its handle.
    if (_webSocket) releasePlugin(WebSocketCodec::CloseAbnormal, "connection dropped");
    if (_outbox) _outbox->detach();
    releaseBody();
}

void HttpConnection::setPhase(Phase phase, std::int64_t deadline)
{
    _deadline.store(deadline, std::memory_order_relaxed);
    _phase.store(phase, std::memory_order_release);
}

void HttpConnection::checkDeadline(std::int64_t now, bool stopping)
{
    Phase phase = _phase.load(std::memory_order_acquire);
    std::int64_t deadline = _deadline.load(std::memory_order_relaxed);
    bool timed = phase == Phase::Handshake || phase == Phase::Idle || phase == Phase::Reading || phase == Phase::Writing || phase == Phase::Lingering;
    bool due = timed && deadline != 0 && now >= deadline;
    if (stopping && (phase == Phase::Idle || phase == Phase::Handshake || phase == Phase::WebSocket || phase == Phase::Lingering)) due = true;
    bool closeUnanswered = false;
    if (phase == Phase::WebSocket)
    {
        std::int64_t closing = _outbox->closingSince();
        closeUnanswered = closing != 0 && now - closing >= _engine.settings().limits.webSocketCloseTimeout.totalMicroseconds();
        due = due || closeUnanswered;
    }
    if (!due || _expired.exchange(true)) return;
    if (phase != Phase::Idle && phase != Phase::Lingering && !stopping) _engine.countTimeout();
    if (closeUnanswered && !stopping) _engine.countWebSocketClose(ConnectionEngine::WebSocketClose::CloseTimeout);
    if (phase == Phase::Writing)
        _transport->shutdownBoth();
    else
        _transport->shutdownReceive();
}

void HttpConnection::expire(bool force)
{
    Phase phase = _phase.load(std::memory_order_acquire);
    if (!force && (phase == Phase::Handling || phase == Phase::Queued || phase == Phase::Held)) return;
    if (_expired.exchange(true)) return;
    _transport->shutdownReceive();
}

void HttpConnection::onEvent(std::uint32_t events)
{
    // A second event of a WebSocket re-armed by another thread, reaching it after it closed.
    if (_phase.load(std::memory_order_acquire) == Phase::Closing) return;
    try
    {
        if (_phase.load(std::memory_order_relaxed) == Phase::WebSocket) return onWebSocketEvent();
        if (_phase.load(std::memory_order_relaxed) == Phase::Held) return retry();
        if (_phase.load(std::memory_order_relaxed) == Phase::Lingering) return linger();
        if (_phase.load(std::memory_order_relaxed) == Phase::Handshake)
        {
            if (_expired) return close();
            long result = _transport->handshake();
            if (result == Transport::WantRead || result == Transport::WantWrite)
                return _engine.arm(*this, result == Transport::WantRead, result == Transport::WantWrite);
            _parser.setClientCertificate(_transport->peerCertificateSubject());
            setPhase(Phase::Idle, ConnectionEngine::now() + _engine.settings().limits.keepAliveTimeout.totalMicroseconds());
        }
        if (_phase.load(std::memory_order_relaxed) == Phase::Writing)
        {
            if (!flush()) return;
            if (_closeAfterWrite) return closeAfterAnswer();
            if (!_parser.started()) nextRequest();   // an answer went out (not a 100 Continue in the middle of a request)
        }
        receive();
        serve();
    }
    catch (const std::exception& e)
    {
        logger().debug("connection %s closed: %s", _transport->peer(), std::string(e.what()));
        close();
    }
}

void HttpConnection::receive()
{
    const LimitsConfig& limits = _engine.settings().limits;
    std::size_t cap = limits.maxHeaderBytes + limits.maxBodyBytes + 65536;
    if (!_outbox && _parser.readingHeaders())
        cap = limits.maxHeaderBytes + 65536;   // where the body goes is known only once the headers are parsed
    else if (!_outbox && _parser.spooling())
        cap = spoolReadAhead;
    char buffer[16384];
    while (!_peerClosed && _in.size() - _start < cap)
    {
        long n = _transport->read(buffer, sizeof buffer);
        if (n > 0)
        {
            _in.append(buffer, static_cast<std::size_t>(n));
            if (static_cast<std::size_t>(n) < sizeof buffer && !_transport->pending()) break;
        }
        else if (n == 0)
            _peerClosed = true;
        else
            break;
    }
}

void HttpConnection::serve()
{
    for (;;)
    {
        if (_expired) return expiredNow();
        RequestParser::Result result = _parser.parse(_in, _start, _request, _reply);
        if (!holdBody(result))
        {
            refuseBody();
            if (flush()) closeAfterAnswer();
            return;
        }
        if (result == RequestParser::Result::NeedMore)
        {
            if (_peerClosed) return close();
            if (_parser.wantsContinue())
            {
                _parser.continueSent();
                _head.assign(continueLine, sizeof continueLine - 1);
                _headSent = 0;
                _closeAfterWrite = false;
                if (!flush()) return;
            }
            compact();
            return waitForRead();
        }
        if (result == RequestParser::Result::Failed)
        {
            _request.bodyFile.reset();
            respond(false);
            if (flush()) closeAfterAnswer();
            return;
        }
        _requestStarted = 0;
        _requestReceived = ConnectionEngine::now();
        if (!runRequest()) return;
        if (!flush()) return;
        if (_closeAfterWrite) return closeAfterAnswer();
        nextRequest();
    }
}

bool HttpConnection::holdBody(RequestParser::Result result)
{
    std::size_t needed = 0;
    if (result == RequestParser::Result::Complete || _parser.spooling())
        needed = _request.body.size();
    else if (result == RequestParser::Result::NeedMore && _parser.started() && !_parser.readingHeaders())
    {
        needed = _request.body.size() + (_in.size() - _start);
        const std::string* length = _request.header("Content-Length");
        Poco::UInt64 declared = 0;
        if (length && !_request.header("Transfer-Encoding") && Poco::NumberParser::tryParseUnsigned64(Poco::trim(*length), declared))
            needed = std::max(needed, static_cast<std::size_t>(declared));
    }
    if (needed <= _bodyReserved) return true;
    if (!_engine.reserveBody(needed - _bodyReserved)) return false;
    _bodyReserved = needed;
    return true;
}

void HttpConnection::refuseBody()
{
    const ConnectionEngine::Settings& settings = _engine.settings();
    logger().warning("listener '%s': refused %s %s from %s: its body does not fit limits.max_buffered_body_bytes (%z bytes held at most)",
                     settings.listener, _request.method, _request.path, _transport->peer(), settings.limits.maxBufferedBodyBytes);
    _reply.reset();
    _reply.error(503, "overloaded", "listener '" + settings.listener + "' holds as many request bodies as it may (" +
                                        std::to_string(settings.limits.maxBufferedBodyBytes) + " bytes); try again later");
    _reply.addHeader("Retry-After", "1");
    respond(false);
}

void HttpConnection::releaseBody()
{
    if (_bodyReserved == 0) return;
    _engine.releaseBody(_bodyReserved);
    _bodyReserved = 0;
}

void HttpConnection::nextRequest()
{
    _request = IncomingRequest();
    releaseBody();
}

bool HttpConnection::runRequest()
{
    const std::string* sentId = _request.header("X-Request-Id");
    _request.requestId = sentId && RequestId::isValid(*sentId) ? *sentId : RequestId::generate();
    if (_engine.settings().handler->answersAtOnce(_request)) return !execute(false);
    switch (_engine.admit(*this))
    {
    case ConnectionEngine::Admission::Queued:
        setPhase(Phase::Queued, 0);
        return false;
    case ConnectionEngine::Admission::Rejected:
        _reply.error(503, "overloaded", "listener '" + _engine.settings().listener + "' has " +
                                            std::to_string(_engine.settings().queueSize) + " requests waiting already; try again later");
        _reply.addHeader("Retry-After", "1");
        respond(_request.keepAlive && !_engine.settings().state->stopping());
        return true;
    case ConnectionEngine::Admission::Run:
        break;
    }
    return !execute();
}

bool HttpConnection::execute(bool holdsSlot)
{
    setPhase(Phase::Handling, 0);
    ServerState& state = *_engine.settings().state;
    _reply.setStatus(200);
    _reply.setUpgradable(true);
    state.enter();
    _engine.handlerBusy(true);
    try
    {
        RequestIdScope scope(_request.requestId);
        _engine.settings().handler->handle(_request, _reply);
    }
    catch (const std::exception& e)
    {
        logger().error("%s %s: handler failed: %s", _request.method, _request.path, std::string(e.what()));
        _reply.reset();
        _reply.error(500, "internal_error", e.what());
    }
    _engine.handlerBusy(false);
    state.leave();
    if (holdsSlot) _engine.release();

    if (HttpReply::SetAside park = _reply.takeSetAside())
    {
        // Nothing touches the connection after park(): resuming may start on another thread at once.
        setPhase(Phase::Held, 0);
        park([this] { _engine.arm(*this, true, true); });
        return true;
    }
    if (_request.bodyFile) _request.bodyFile->discard();   // what the plugin did not take
    if (_reply.webSocket())
    {
        upgrade();
        return true;
    }
    bool keepAlive = _request.keepAlive && !state.stopping();
    for (const auto& h : _reply.headers())
        if (sameHeaderName(h.first, "Connection") && Poco::icompare(h.second, "close") == 0) keepAlive = false;
    respond(keepAlive);
    return false;
}

void HttpConnection::resume()
{
    try
    {
        if (execute()) return;
        if (!flush()) return;
        if (_closeAfterWrite) return closeAfterAnswer();
        nextRequest();
        serve();
    }
    catch (const std::exception& e)
    {
        logger().debug("connection %s closed: %s", _transport->peer(), std::string(e.what()));
        close();
    }
}

void HttpConnection::retry()
{
    _reply.reset();
    if (_engine.admit(*this, true) == ConnectionEngine::Admission::Queued)
    {
        setPhase(Phase::Queued, 0);
        return;
    }
    resume();
}

void HttpConnection::respond(bool keepAlive)
{
    bool complete = !_request.method.empty() && !_request.version.empty();
    ResponseEncoder::Framing framing =
        ResponseEncoder::head(complete ? &_request : nullptr, _reply, keepAlive, _head, &_engine.settings().responseHeaders);
    _headSent = 0;
    _bodySent = 0;
    _body = std::string_view();
    _tail = std::string_view();
    _fileOffset = 0;
    _fileRemaining = 0;
    if (framing != ResponseEncoder::Framing::None && _reply.hasFile())
    {
        _fileOffset = _reply.file().offset;
        _fileRemaining = _reply.file().length;
    }
    else if (framing != ResponseEncoder::Framing::None)
        _body = _reply.body();
    if (framing == ResponseEncoder::Framing::Chunked)
    {
        _head += ResponseEncoder::chunkPrefix(_body.size());
        _tail = ResponseEncoder::chunkSuffix(_body.size());
    }
    _closeAfterWrite = !keepAlive;
    logAccess(_reply.status(), framing == ResponseEncoder::Framing::None ? 0 : _reply.bodySize());
}

void HttpConnection::logAccess(int status, std::uint64_t bodyBytes)
{
    AccessLog* log = _engine.settings().accessLog;
    if (!log) return;
    AccessEntry entry;
    entry.requestId = _request.requestId;
    entry.listener = _engine.settings().listener;
    entry.method = _request.method;
    entry.target = _request.target;
    entry.status = status;
    entry.bytesIn = _request.bodySize();
    entry.bytesOut = bodyBytes;
    entry.durationMicros = _requestReceived ? ConnectionEngine::now() - _requestReceived : 0;
    entry.clientAddress = _transport->peer();
    entry.plugin = _reply.plugin();
    log->record(std::move(entry));
    _requestReceived = 0;
}

bool HttpConnection::flush()
{
    std::uint64_t fileBudget = fileBytesPerRound;
    for (;;)
    {
        long n;
        if (_headSent < _head.size() && _fileRemaining > 0)
            n = _transport->writeBeforeFile(_head.data() + _headSent, _head.size() - _headSent);
        else if (_headSent < _head.size())
            n = _transport->write(_head.data() + _headSent, _head.size() - _headSent, _body.data() + _bodySent, _body.size() - _bodySent);
        else if (_bodySent < _body.size())
            n = _transport->write(_body.data() + _bodySent, _body.size() - _bodySent, _tail.data(), _tail.size());
        else if (!_tail.empty())
            n = _transport->write(_tail.data(), _tail.size());
        else if (_fileRemaining > 0 && fileBudget == 0)
            n = Transport::WantWrite;   // the socket can take more, but other connections of this thread get their turn first
        else if (_fileRemaining > 0)
        {
            n = _transport->sendFile(_reply.file().descriptor, _fileOffset, static_cast<std::size_t>(std::min(_fileRemaining, fileBudget)));
            if (n > 0)
            {
                _fileOffset += static_cast<std::uint64_t>(n);
                _fileRemaining -= static_cast<std::uint64_t>(n);
                fileBudget -= std::min(fileBudget, static_cast<std::uint64_t>(n));
                continue;
            }
        }
        else
        {
            _head.clear();
            _headSent = 0;
            _body = std::string_view();
            _bodySent = 0;
            _reply.reset();
            return true;
        }
        if (n == Transport::WantWrite || n == Transport::WantRead)
        {
            setPhase(Phase::Writing, ConnectionEngine::now() + _engine.settings().limits.requestTimeout.totalMicroseconds());
            _engine.arm(*this, n == Transport::WantRead, n == Transport::WantWrite);
            return false;
        }
        std::size_t sent = static_cast<std::size_t>(n);
        std::size_t fromHead = std::min(sent, _head.size() - _headSent);
        _headSent += fromHead;
        sent -= fromHead;
        std::size_t fromBody = std::min(sent, _body.size() - _bodySent);
        _bodySent += fromBody;
        sent -= fromBody;
        _tail.remove_prefix(std::min(sent, _tail.size()));
    }
}

void HttpConnection::waitForRead()
{
    const LimitsConfig& limits = _engine.settings().limits;
    std::int64_t now = ConnectionEngine::now();
    if (_parser.started())
    {
        if (_requestStarted == 0 || _parser.spooling()) _requestStarted = now;   // a spooled body: request_timeout_ms between its bytes
        std::int64_t deadline = _requestStarted + limits.requestTimeout.totalMicroseconds();
        if (_parser.readingHeaders()) deadline = std::min(deadline, _requestStarted + limits.headerTimeout.totalMicroseconds());
        setPhase(Phase::Reading, deadline);
    }
    else
    {
        _requestStarted = 0;
        setPhase(Phase::Idle, now + limits.keepAliveTimeout.totalMicroseconds());
    }
    _engine.arm(*this, true, false);
}

void HttpConnection::expiredNow()
{
    if (!_parser.started()) return close();
    const LimitsConfig& limits = _engine.settings().limits;
    _reply.reset();
    if (_parser.readingHeaders())
        _reply.error(408, "request_timeout", "request headers not received within " + milliseconds(std::min(limits.headerTimeout, limits.requestTimeout)));
    else
        _reply.error(408, "request_timeout", "request not received within " + milliseconds(limits.requestTimeout));
    nextRequest();
    respond(false);
    if (flush()) close();
}

void HttpConnection::upgrade()
{
    std::string head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ";
    head += WebSocketCodec::acceptKey(_reply.webSocketKey());
    head += "\r\n";
    for (const auto& h : _reply.headers())
    {
        if (upgradeHeader(h.first)) continue;
        head += h.first + ": " + h.second + "\r\n";
    }
    head += "\r\n";
    logAccess(101, 0);
    _webSocket = _reply.releaseWebSocket();
    _webSocketOwner = _reply.takeKeepAlive();
    _reply.reset();
    nextRequest();
    const LimitsConfig& limits = _engine.settings().limits;
    _outbox = std::make_shared<WebSocketOutbox>(_engine, *this, *_transport, std::max<std::size_t>(limits.maxBodyBytes, 1 << 20));
    _outbox->begin();
    _outbox->queueRaw(head);
    setPhase(Phase::WebSocket, 0);
    _webSocket->attach(_outbox);
    webSocketLoop();
}

void HttpConnection::onWebSocketEvent()
{
    if (!_outbox->begin()) return;
    receive();
    webSocketLoop();
}

void HttpConnection::webSocketLoop()
{
    for (;;)
    {
        if (!processFrames()) return;
        if (!_outbox->finish()) return;
        receive();
    }
}

bool HttpConnection::processFrames()
{
    if (_expired)
    {
        bool stopping = _engine.settings().state->stopping();
        int code = _outbox->closeCode() ? _outbox->closeCode() : WebSocketCodec::CloseGoingAway;
        _outbox->queueClose(WebSocketCodec::CloseGoingAway, stopping ? "server shutting down" : "closing");
        endWebSocket(code, stopping ? "server shutting down" : "the peer did not answer the close handshake");
        return false;
    }
    if (_webSocket && _outbox->goneAway()) releasePlugin(WebSocketCodec::CloseGoingAway, "service reloading");
    const std::size_t maxMessage = _engine.settings().limits.maxBodyBytes;
    WebSocketCodec::Frame frame;
    for (;;)
    {
        int failureCode = 0;
        std::string failure;
        WebSocketCodec::Result result = WebSocketCodec::parse(_in, _start, maxMessage, frame, failureCode, failure);
        if (result == WebSocketCodec::Result::NeedMore) break;
        if (result == WebSocketCodec::Result::Failed) return failWebSocket(failureCode, failure);
        switch (frame.opcode)
        {
        case 9:   // ping
            if (!_outbox->queueControl(10, frame.payload))
            {
                _engine.countWebSocketClose(ConnectionEngine::WebSocketClose::Backlog);
                logger().warning("WebSocket from %s closed: it sends pings faster than it reads the answers", _transport->peer());
                _outbox->queueClose(WebSocketCodec::ClosePolicyViolation, "pings faster than the answers are read");
                endWebSocket(WebSocketCodec::ClosePolicyViolation, "pings faster than the answers are read");
                return false;
            }
            break;
        case 10:  // pong
            break;
        case 8:   // close
        {
            int code = 0;
            std::string reason;
            WebSocketCodec::decodeClose(frame.payload, code, reason);
            _outbox->queueClose(code == WebSocketCodec::CloseNoStatus ? WebSocketCodec::CloseNormal : code, "");
            endWebSocket(code, reason);
            return false;
        }
        case 0:   // continuation
            if (_fragmentOpcode == 0) return failWebSocket(WebSocketCodec::CloseProtocolError, "continuation without a message");
            if (_message.size() + frame.payload.size() > maxMessage) return failWebSocket(WebSocketCodec::CloseTooBig, "message too big");
            _message += frame.payload;
            if (frame.fin)
            {
                int opcode = _fragmentOpcode;
                _fragmentOpcode = 0;
                std::string message;
                message.swap(_message);
                if (!deliverMessage(opcode, message)) return false;
            }
            break;
        default:  // text, binary
            if (_fragmentOpcode != 0) return failWebSocket(WebSocketCodec::CloseProtocolError, "a new message inside a fragmented one");
            if (!frame.fin)
            {
                _fragmentOpcode = frame.opcode;
                _message = std::move(frame.payload);
                break;
            }
            if (!deliverMessage(frame.opcode, frame.payload)) return false;
            break;
        }
    }
    if (_peerClosed)
    {
        endWebSocket(WebSocketCodec::CloseAbnormal, "the connection was closed without a close frame");
        return false;
    }
    compact();
    return true;
}

bool HttpConnection::deliverMessage(int opcode, const std::string& message)
{
    if (opcode == 1 && !WebSocketCodec::validUtf8(message)) return failWebSocket(WebSocketCodec::CloseInvalidData, "text message is not valid UTF-8");
    if (!_webSocket) return true;
    _engine.handlerBusy(true);
    _webSocket->deliverMessage(opcode, message);
    _engine.handlerBusy(false);
    return true;
}

bool HttpConnection::failWebSocket(int code, const std::string& reason)
{
    _engine.countWebSocketClose(ConnectionEngine::WebSocketClose::Protocol);
    logger().debug("WebSocket from %s closed with %d: %s", _transport->peer(), code, reason);
    _outbox->queueClose(code, reason);
    endWebSocket(code, reason);
    return false;
}

void HttpConnection::releasePlugin(int code, const std::string& reason)
{
    _engine.handlerBusy(true);
    _webSocket->deliverClose(code, reason);
    _engine.handlerBusy(false);
    _webSocket.reset();
    _webSocketOwner.reset();
}

void HttpConnection::endWebSocket(int code, const std::string& reason)
{
    _outbox->flushNow();
    if (_webSocket) releasePlugin(code, reason);
    _outbox->detach();
    close();
}

void HttpConnection::compact()
{
    if (_start == _in.size())
    {
        _start = 0;
        if (_in.capacity() > 65536 && !_parser.spooling())   // a spooled body reuses its read-ahead buffer
            std::string().swap(_in);
        else
            _in.clear();
    }
    else if (_start > 65536 && _start * 2 > _in.size())
    {
        _in.erase(0, _start);
        _start = 0;
    }
}

void HttpConnection::closeAfterAnswer()
{
    // Closing with unread input would make the kernel send a reset, which can destroy the answer
    // before the client reads it (a refused upload still being sent): shut the sending side and
    // read until the client closes, for at most LINGER.
    if (_transport->encrypted() || _expired || _peerClosed) return close();
    releaseBody();
    _transport->shutdownSend();
    setPhase(Phase::Lingering, ConnectionEngine::now() + LINGER.totalMicroseconds());
    linger();
}

void HttpConnection::linger()
{
    char scratch[16384];
    for (;;)
    {
        if (_expired) return close();
        long n = _transport->read(scratch, sizeof scratch);
        if (n == Transport::WantRead || n == Transport::WantWrite) return _engine.arm(*this, true, false);
        if (n <= 0) return close();
    }
}

void HttpConnection::retire()
{
    letGo();
    _transport->close();
}

void HttpConnection::close()
{
    releaseBody();
    setPhase(Phase::Closing, 0);
    _engine.remove(*this);
}

} // namespace terrarium
