#include "http/ResponseEncoder.h"

#include "http/HeaderName.h"
#include "http/HttpReply.h"
#include "http/IncomingRequest.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/NumberFormatter.h>
#include <Poco/String.h>

#include <ctime>

namespace terrarium {

const std::string& ResponseEncoder::date()
{
    thread_local std::time_t last = 0;
    thread_local std::string text;
    std::time_t now = std::time(nullptr);
    if (now != last)
    {
        last = now;
        text = Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(now), Poco::DateTimeFormat::HTTP_FORMAT);
    }
    return text;
}

ResponseEncoder::Framing ResponseEncoder::head(const IncomingRequest* request, const HttpReply& reply, bool keepAlive, std::string& out,
                                               const Headers* listenerHeaders)
{
    int status = reply.status();
    bool head = request && request->method == "HEAD";
    bool bodyless = status == 204 || status == 304 || (status >= 100 && status < 200);
    bool chunked = false;
    const std::string* declaredLength = nullptr;

    out.clear();
    out += "HTTP/1.1 ";
    out += std::to_string(status);
    out += ' ';
    out += Poco::Net::HTTPResponse::getReasonForStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    out += "\r\n";
    for (const auto& h : reply.headers())
    {
        if (sameHeaderName(h.first, "Transfer-Encoding"))
        {
            chunked = Poco::icompare(Poco::trim(h.second), "chunked") == 0;
            continue;
        }
        if (sameHeaderName(h.first, "Content-Length"))
        {
            declaredLength = &h.second;
            continue;
        }
        if (sameHeaderName(h.first, "Connection")) continue;
        out += h.first;
        out += ": ";
        out += h.second;
        out += "\r\n";
    }
    if (listenerHeaders)
    {
        for (const auto& h : *listenerHeaders)
        {
            if (reply.hasHeader(h.first)) continue;
            out += h.first;
            out += ": ";
            out += h.second;
            out += "\r\n";
        }
    }
    chunked = chunked && !bodyless && !reply.hasFile() && request && request->version == "HTTP/1.1";
    if (chunked)
        out += "Transfer-Encoding: chunked\r\n";
    else if (status != 204 && !(status >= 100 && status < 200))
    {
        // A 304, or a HEAD answered without its body, may state the length the body would have
        // (RFC 9110 8.6); without one, a 304 states none rather than a wrong 0.
        bool withoutBody = status == 304 || (head && reply.bodySize() == 0);
        if (withoutBody && declaredLength)
        {
            out += "Content-Length: ";
            out += Poco::trim(*declaredLength);
            out += "\r\n";
        }
        else if (status != 304)
        {
            out += "Content-Length: ";
            out += std::to_string(reply.bodySize());
            out += "\r\n";
        }
    }
    if (!keepAlive)
        out += "Connection: close\r\n";
    else if (request && request->version == "HTTP/1.0")
        out += "Connection: keep-alive\r\n";   // HTTP/1.0 closes unless told otherwise
    if (request && !request->requestId.empty() && !reply.hasHeader("X-Request-Id"))
    {
        out += "X-Request-Id: ";
        out += request->requestId;
        out += "\r\n";
    }
    out += "Date: ";
    out += date();
    out += "\r\n\r\n";
    if (head || bodyless) return Framing::None;
    return chunked ? Framing::Chunked : Framing::Length;
}

std::string ResponseEncoder::chunkPrefix(std::size_t size)
{
    if (size == 0) return std::string();
    return Poco::NumberFormatter::formatHex(static_cast<Poco::UInt64>(size)) + "\r\n";
}

std::string_view ResponseEncoder::chunkSuffix(std::size_t size)
{
    return size == 0 ? std::string_view("0\r\n\r\n") : std::string_view("\r\n0\r\n\r\n");
}

} // namespace terrarium
