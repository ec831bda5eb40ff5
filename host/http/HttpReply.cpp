#include "http/HttpReply.h"

#include "http/HeaderName.h"
#include "http/JsonText.h"
#include "http/WebSocketCodec.h"
#include "http/WebSocketEndpoint.h"

namespace terrarium {

bool HttpReply::hasHeader(std::string_view name) const
{
    for (const auto& h : _headers)
    {
        if (sameHeaderName(h.first, name)) return true;
    }
    return false;
}

void HttpReply::error(int status, std::string_view code, std::string_view message)
{
    std::string body = "{\"error\":";
    JsonText::appendString(body, code);
    body += ",\"message\":";
    JsonText::appendString(body, message);
    body += "}";
    _headers.clear();
    json(status, std::move(body));
}

void HttpReply::reset()
{
    releaseBody();
    _status = 200;
    _headers.clear();
    _owner.reset();
    if (_webSocket) _webSocket->deliverClose(WebSocketCodec::CloseAbnormal, "the upgrade was not answered");
    _webSocket.reset();
    _webSocketKey.clear();
    _plugin.clear();
    _setAside = nullptr;
}

} // namespace terrarium
