#include "plugin/WebSocketHandle.h"

#include "http/WebSocketCodec.h"

#include <terrarium/plugin.h>

#include <algorithm>
#include <cstring>

namespace terrarium {

namespace {

/// Bytes of messages a plugin may send before the 101 answer is out.
const std::size_t earlyLimit = 8 * 1024 * 1024;

} // namespace

WebSocketHandle::WebSocketHandle(const trm_websocket_handlers& handlers) : _handlers(std::make_unique<trm_websocket_handlers>())
{
    std::memcpy(_handlers.get(), &handlers, std::min<std::size_t>(handlers.struct_size, sizeof(trm_websocket_handlers)));
    _handlers->struct_size = sizeof(trm_websocket_handlers);
}

WebSocketHandle::~WebSocketHandle() = default;

void WebSocketHandle::retainForPlugin()
{
    std::lock_guard<std::mutex> lock(_mutex);
    _self = shared_from_this();
}

void WebSocketHandle::releaseByPlugin()
{
    std::shared_ptr<WebSocketHandle> self;
    std::lock_guard<std::mutex> lock(_mutex);
    self.swap(_self);   // destroyed after the lock is released, when it was the last reference
}

std::int32_t WebSocketHandle::statusOf(WebSocketChannel::Result result)
{
    switch (result)
    {
    case WebSocketChannel::Result::Ok: return TRM_OK;
    case WebSocketChannel::Result::Closed: return TRM_ERR_UNAVAILABLE;
    case WebSocketChannel::Result::Backlog: return TRM_ERR_TOO_LARGE;
    }
    return TRM_ERR_INTERNAL;
}

std::int32_t WebSocketHandle::send(std::int32_t opcode, const void* data, std::size_t size)
{
    if (opcode != TRM_WS_TEXT && opcode != TRM_WS_BINARY) return TRM_ERR_INVALID;
    if (!data && size) return TRM_ERR_INVALID;
    std::string_view payload(static_cast<const char*>(data), size);
    std::shared_ptr<WebSocketChannel> channel;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        if (_closed || _closing) return TRM_ERR_UNAVAILABLE;
        if (!_channel)
        {
            if (_earlyBytes + payload.size() > earlyLimit) return TRM_ERR_TOO_LARGE;
            _earlyBytes += payload.size();
            _early.emplace_back(opcode, std::string(payload));
            return TRM_OK;
        }
        channel = _channel;
    }
    return statusOf(channel->send(opcode, payload));
}

std::int32_t WebSocketHandle::close(std::int32_t code, std::string_view reason)
{
    if (!WebSocketCodec::validCloseCode(code) || reason.size() > 123 || !WebSocketCodec::validUtf8(reason)) return TRM_ERR_INVALID;
    std::shared_ptr<WebSocketChannel> channel;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        if (_closed || _closing) return TRM_ERR_UNAVAILABLE;
        _closing = true;
        if (!_channel)
        {
            _earlyClose.emplace(code, std::string(reason));
            return TRM_OK;
        }
        channel = _channel;
    }
    return statusOf(channel->close(code, reason));
}

void WebSocketHandle::attach(std::shared_ptr<WebSocketChannel> channel)
{
    std::vector<std::pair<std::int32_t, std::string>> early;
    std::optional<std::pair<std::int32_t, std::string>> earlyClose;
    bool goneAway = false;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _channel = channel;
        early.swap(_early);
        _earlyBytes = 0;
        earlyClose.swap(_earlyClose);
        goneAway = _goneAway;
    }
    for (const auto& [opcode, payload] : early) channel->send(opcode, payload);
    if (earlyClose) channel->close(earlyClose->first, earlyClose->second);
    if (goneAway) channel->goAway();
}

void WebSocketHandle::goAway()
{
    std::shared_ptr<WebSocketChannel> channel;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        if (_closed || _goneAway) return;
        _goneAway = true;
        _closing = true;
        if (!_channel) return;
        channel = _channel;
    }
    channel->goAway();
}

void WebSocketHandle::deliverMessage(std::int32_t opcode, std::string_view payload)
{
    if (closed() || !_handlers->on_message) return;
    _handlers->on_message(_handlers->user, abi(), opcode, payload.data(), payload.size());
}

void WebSocketHandle::deliverClose(std::int32_t code, std::string_view reason)
{
    std::shared_ptr<WebSocketChannel> channel;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        if (_closed) return;
        _closed = true;
        channel.swap(_channel);
    }
    if (_handlers->on_close) _handlers->on_close(_handlers->user, abi(), code, trm_str{reason.data(), reason.size()});
}

bool WebSocketHandle::closed() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _closed;
}

} // namespace terrarium
