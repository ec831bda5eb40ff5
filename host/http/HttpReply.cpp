#include "http/HttpReply.h"

#include "http/HeaderName.h"
#include "http/JsonText.h"
#include "http/WebSocketCodec.h"
#include "http/WebSocketEndpoint.h"

#include <cerrno>
#include <unistd.h>

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

void HttpReply::closeFile()
{
    if (_file.descriptor >= 0) ::close(_file.descriptor);
    _file = FileBody();
}

bool HttpReply::readFile(std::string& out, std::size_t limit) const
{
    out.clear();
    if (!hasFile()) return true;
    if (_file.length > limit) return false;
    out.resize(static_cast<std::size_t>(_file.length));
    std::size_t done = 0;
    while (done < out.size())
    {
        ssize_t n = ::pread(_file.descriptor, &out[done], out.size() - done, static_cast<off_t>(_file.offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
        {
            out.clear();
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
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
