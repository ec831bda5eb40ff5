#include "UpstreamFixture.h"

#include "TestCertificate.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <sys/socket.h>

#include <memory>
#include <sstream>

namespace terrarium {
namespace test {

namespace {

std::string responseHead(int status, std::size_t contentLength, const std::vector<std::pair<std::string, std::string>>& headers)
{
    std::string head = "HTTP/1.1 " + std::to_string(status) + " "
        + Poco::Net::HTTPResponse::getReasonForStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status)) + "\r\n";
    head += "Content-Length: " + std::to_string(contentLength) + "\r\n";
    head += "Content-Type: text/plain\r\n";
    head += "Connection: keep-alive\r\n";
    for (const auto& header : headers)
        head += header.first + ": " + header.second + "\r\n";
    return head + "\r\n";
}

} // namespace

UpstreamFixture::UpstreamFixture(const TestCertificate* certificate)
    : _secure(certificate != nullptr)
{
    Poco::Net::SocketAddress address("127.0.0.1", 0);
    if (certificate) {
        Poco::Net::initializeSSL();
        Poco::Net::Context::Params params;
        params.certificateFile = certificate->certFile();
        params.privateKeyFile = certificate->keyFile();
        params.verificationMode = Poco::Net::Context::VERIFY_NONE;
        _context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
        _socket = Poco::Net::SecureServerSocket(address, 64, _context);
    } else {
        _socket = Poco::Net::ServerSocket(address, 64);
    }
    _port = _socket.address().port();
    _acceptor = std::thread([this] { acceptConnections(); });
}

UpstreamFixture::~UpstreamFixture()
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _stopping = true;
        for (int descriptor : _openDescriptors)
            ::shutdown(descriptor, SHUT_RDWR);
    }
    _released.notify_all();
    ::shutdown(static_cast<int>(_socket.impl()->sockfd()), SHUT_RDWR);   // wakes the blocked accept()
    _acceptor.join();
    std::vector<std::thread> workers;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        workers.swap(_workers);
    }
    for (auto& worker : workers)
        worker.join();
    _socket.close();
}

void UpstreamFixture::acceptConnections()
{
    for (;;) {
        // The worker gets the accepted socket through a shared_ptr: Poco counts references to a
        // socket inside its (uninstrumented) library, so a copy released on this thread after the
        // worker used the socket looks like a race to ThreadSanitizer; the shared_ptr's count is
        // visible to it, and this thread holds no Poco reference once the worker starts.
        std::shared_ptr<Poco::Net::StreamSocket> socket;
        try {
            socket = std::make_shared<Poco::Net::StreamSocket>(_socket.acceptConnection());
        } catch (...) {
            std::lock_guard<std::mutex> lock(_mutex);
            if (_stopping)
                return;
            continue;
        }
        std::lock_guard<std::mutex> lock(_mutex);
        if (_stopping)
            return;
        _workers.emplace_back([this, socket] { serve(*socket); });
    }
}

void UpstreamFixture::script(const std::string& path, Script script)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _scripts[path] = std::move(script);
}

void UpstreamFixture::answer(const std::string& path, int status, const std::string& body)
{
    Script script;
    script.status = status;
    script.body = body;
    this->script(path, script);
}

std::string UpstreamFixture::baseUrl() const
{
    return std::string(_secure ? "https" : "http") + "://127.0.0.1:" + std::to_string(_port);
}

unsigned UpstreamFixture::connectionsAccepted() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _connections;
}

unsigned UpstreamFixture::connectionsOpen() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return static_cast<unsigned>(_openDescriptors.size());
}

unsigned UpstreamFixture::requests(const std::string& path) const
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (path.empty())
        return _totalRequests;
    auto it = _requests.find(path);
    return it == _requests.end() ? 0 : it->second;
}

unsigned UpstreamFixture::holding() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _holding;
}

void UpstreamFixture::release()
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _releasedAll = true;
    }
    _released.notify_all();
}

std::vector<UpstreamFixture::Received> UpstreamFixture::received(const std::string& path) const
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto it = _received.find(path);
    return it == _received.end() ? std::vector<Received>() : it->second;
}

Poco::UInt16 UpstreamFixture::closedPort()
{
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    Poco::UInt16 port = socket.address().port();
    socket.close();
    return port;
}

UpstreamFixture::Script UpstreamFixture::scriptFor(const std::string& path)
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto it = _scripts.find(path);
    return it == _scripts.end() ? Script() : it->second;
}

bool UpstreamFixture::trackConnection(int descriptor)
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (_stopping)
        return false;
    ++_connections;
    _openDescriptors.insert(descriptor);
    return true;
}

void UpstreamFixture::untrackConnection(int descriptor)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _openDescriptors.erase(descriptor);
}

void UpstreamFixture::serve(Poco::Net::StreamSocket socket)
{
    const int descriptor = static_cast<int>(socket.impl()->sockfd());
    if (!trackConnection(descriptor))
        return;
    unsigned connectionNumber = connectionsAccepted();
    unsigned served = 0;
    try {
        Poco::Net::SocketStream stream(socket);
        for (;;) {
            Poco::Net::HTTPRequest request;
            request.read(stream);
            std::string body;
            if (request.hasContentLength() && request.getContentLength64() > 0) {
                body.resize(static_cast<std::size_t>(request.getContentLength64()));
                stream.read(&body[0], static_cast<std::streamsize>(body.size()));
                if (static_cast<std::size_t>(stream.gcount()) != body.size())
                    break;
            }
            ++served;
            const std::string path = Poco::URI(request.getURI()).getPath();
            const Script script = scriptFor(path);
            unsigned count = 0;
            {
                std::unique_lock<std::mutex> lock(_mutex);
                count = ++_requests[path];
                ++_totalRequests;
                std::vector<Received>& received = _received[path];
                if (received.size() == 100)
                    received.erase(received.begin());
                received.push_back(Received{request.getMethod(), request.getURI(), request.get("Content-Type", ""), body});
                if (script.behaviour == Behaviour::Hold) {
                    ++_holding;
                    _released.wait(lock, [this] { return _releasedAll || _stopping; });
                    --_holding;
                    if (_stopping)
                        break;
                }
            }
            if (script.behaviour == Behaviour::DropOnReuse && served > 1)
                break;

            int status = script.status;
            std::string answer = script.body;
            if (script.behaviour == Behaviour::FailFirst && count <= script.failures) {
                status = script.failureStatus;
                answer = "failure " + std::to_string(count);
            }
            if (script.behaviour == Behaviour::Echo) {
                Poco::JSON::Object echo;
                echo.set("method", request.getMethod());
                echo.set("path", request.getURI());
                echo.set("body", body);
                Poco::JSON::Object::Ptr headers = new Poco::JSON::Object;
                for (const auto& field : request)
                    headers->set(Poco::toLower(field.first), field.second);
                echo.set("headers", headers);
                echo.set("connection", connectionNumber);
                echo.set("served", served);
                std::ostringstream text;
                echo.stringify(text);
                answer = text.str();
            }
            if (script.behaviour == Behaviour::CloseMidResponse) {
                stream << responseHead(status, answer.size() + 100, script.headers) << answer.substr(0, answer.size() / 2);
                stream.flush();
                break;
            }
            stream << responseHead(status, answer.size(), script.headers);
            if (request.getMethod() != Poco::Net::HTTPRequest::HTTP_HEAD)
                stream << answer;
            stream.flush();
            if (script.behaviour == Behaviour::CloseAfterAnswer)
                break;
        }
    } catch (...) {
    }
    untrackConnection(descriptor);
    try {
        socket.close();
    } catch (...) {
    }
}

} // namespace test
} // namespace terrarium
