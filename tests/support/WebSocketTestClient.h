#ifndef Terrarium_Test_WebSocketTestClient_INCLUDED
#define Terrarium_Test_WebSocketTestClient_INCLUDED

#include "TerrariumProcess.h"

#include <Poco/Buffer.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/WebSocket.h>

#include <memory>
#include <string>

namespace terrarium::test {

/// A WebSocket client (Poco) of a path on the host's main listener, frames read with a 20 s timeout.
struct WebSocketTestClient
{
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    std::unique_ptr<Poco::Net::WebSocket> socket;
    Poco::Net::HTTPResponse response;

    /// Connects and upgrades (Poco throws when the host refuses the upgrade).
    WebSocketTestClient(const TerrariumProcess& host, const std::string& path)
    {
        Poco::Net::SocketAddress address(host.mainAddress());
        session = std::make_unique<Poco::Net::HTTPClientSession>(address.host().toString(), address.port());
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path, Poco::Net::HTTPMessage::HTTP_1_1);
        socket = std::make_unique<Poco::Net::WebSocket>(*session, request, response);
        socket->setReceiveTimeout(Poco::Timespan(20, 0));
    }

    /// The next data or close frame (pongs are returned too): payload and flags.
    std::string receive(int& flags)
    {
        Poco::Buffer<char> buffer(0);
        socket->receiveFrame(buffer, flags);
        return std::string(buffer.begin(), buffer.size());
    }

    /// The next frame's payload.
    std::string receive()
    {
        int flags = 0;
        return receive(flags);
    }

    /// Sends one frame.
    void send(const std::string& text, int flags = Poco::Net::WebSocket::FRAME_TEXT)
    {
        socket->sendFrame(text.data(), static_cast<int>(text.size()), flags);
    }

    /// The close code of a close frame's payload (0 when it has none).
    static int closeCode(const std::string& payload)
    {
        return payload.size() >= 2 ? (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]) : 0;
    }
};

} // namespace terrarium::test

#endif
