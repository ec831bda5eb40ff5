#include "http/WebSocketOutbox.h"

#include "http/ConnectionEngine.h"
#include "http/HttpConnection.h"
#include "http/Transport.h"
#include "http/WebSocketCodec.h"

namespace terrarium {

WebSocketOutbox::WebSocketOutbox(ConnectionEngine& engine, HttpConnection& connection, Transport& transport, std::size_t limit)
    : _engine(engine), _connection(connection), _transport(transport), _limit(limit)
{
}

WebSocketChannel::Result WebSocketOutbox::send(std::int32_t opcode, std::string_view payload)
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (_detached || _broken || _closingSince != 0) return Result::Closed;
    if (_out.size() - _sent + payload.size() > _limit) return Result::Backlog;
    WebSocketCodec::encode(opcode, payload, _out);
    if (!_active)
    {
        writeLocked();
        if (_sent < _out.size() && !_broken) armLocked();
    }
    return Result::Ok;
}

WebSocketChannel::Result WebSocketOutbox::close(std::int32_t code, std::string_view reason)
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (_detached || _broken || _closingSince != 0) return Result::Closed;
    WebSocketCodec::encodeClose(code, reason, _out);
    _closingSince = ConnectionEngine::now();
    _closeCode = code;
    if (!_active)
    {
        writeLocked();
        if (!_broken) armLocked();
    }
    return Result::Ok;
}

void WebSocketOutbox::goAway()
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (_detached || _broken) return;
    if (_closingSince == 0)
    {
        WebSocketCodec::encodeClose(WebSocketCodec::CloseGoingAway, "service reloading", _out);
        _closingSince = ConnectionEngine::now();
        _closeCode = WebSocketCodec::CloseGoingAway;
    }
    _goneAway = true;
    if (_active)
    {
        _pending = true;
        return;
    }
    writeLocked();
    // Armed for writing too, so that the owning thread wakes at once while the socket takes output.
    if (!_broken) _engine.arm(_connection, true, true);
}

void WebSocketOutbox::queueRaw(std::string_view bytes)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _out.append(bytes.data(), bytes.size());
}

bool WebSocketOutbox::queueControl(std::int32_t opcode, std::string_view payload)
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (_out.size() - _sent + payload.size() + 2 > _limit) return false;
    WebSocketCodec::encode(opcode, payload, _out);
    return true;
}

void WebSocketOutbox::queueClose(std::int32_t code, std::string_view reason)
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (_closingSince != 0) return;
    if (_out.size() - _sent + reason.size() + 4 <= _limit) WebSocketCodec::encodeClose(code, reason, _out);
    _closingSince = ConnectionEngine::now();
    _closeCode = code;
}

bool WebSocketOutbox::begin()
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (_active)
    {
        _pending = true;
        return false;
    }
    _active = true;
    return true;
}

bool WebSocketOutbox::finish()
{
    std::lock_guard<std::mutex> lock(_mutex);
    writeLocked();
    if (_pending)
    {
        _pending = false;
        return true;
    }
    _active = false;
    armLocked();
    return false;
}

void WebSocketOutbox::flushNow()
{
    std::lock_guard<std::mutex> lock(_mutex);
    writeLocked();
}

void WebSocketOutbox::detach()
{
    std::lock_guard<std::mutex> lock(_mutex);
    _detached = true;
    _out.clear();
    _sent = 0;
}

std::int64_t WebSocketOutbox::closingSince() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _closingSince;
}

std::int32_t WebSocketOutbox::closeCode() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _closeCode;
}

bool WebSocketOutbox::goneAway() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _goneAway;
}

void WebSocketOutbox::writeLocked()
{
    if (_detached || _broken) return;
    while (_sent < _out.size())
    {
        long n;
        try
        {
            n = _transport.write(_out.data() + _sent, _out.size() - _sent);
        }
        catch (const std::exception&)
        {
            // The peer is gone: the owning thread finds out when it reads; drop the output.
            _broken = true;
            _transport.shutdownReceive();
            return;
        }
        if (n <= 0) break;
        _sent += static_cast<std::size_t>(n);
    }
    if (_sent == _out.size())
    {
        _out.clear();
        _sent = 0;
    }
    else if (_sent > 65536)
    {
        _out.erase(0, _sent);
        _sent = 0;
    }
}

void WebSocketOutbox::armLocked()
{
    if (_detached) return;
    _engine.arm(_connection, true, _sent < _out.size());
}

} // namespace terrarium
