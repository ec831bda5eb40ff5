#ifndef Terrarium_HttpReply_INCLUDED
#define Terrarium_HttpReply_INCLUDED

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace terrarium {

class WebSocketEndpoint;

/// A response being built, by the host or by a plugin through the host function table.
/// The body is an owned string, memory adopted from a plugin together with its free function,
/// or a range of an open file whose descriptor the reply owns (sent from the file, never read
/// whole); keepAlive() pins whatever that free function lives in (a plugin generation) until
/// the reply is gone.
class HttpReply
{
public:
    /// A body sent from a file: length bytes of descriptor from offset on.
    struct FileBody
    {
        int descriptor = -1;
        std::uint64_t offset = 0;
        std::uint64_t length = 0;
    };

    using FreeFunction = void (*)(void* ctx, void* data);
    /// Runs a request that was set aside through the handler again; call it exactly once, from any thread.
    using Resume = std::function<void()>;
    /// Receives the Resume of a request set aside, once the handler returned.
    using SetAside = std::function<void(Resume)>;

    HttpReply() = default;
    HttpReply(const HttpReply&) = delete;
    HttpReply& operator=(const HttpReply&) = delete;
    ~HttpReply() { releaseBody(); }

    /// HTTP status code (200 by default).
    int status() const { return _status; }
    void setStatus(int status) { _status = status; }

    /// Headers in the order they were added.
    const std::vector<std::pair<std::string, std::string>>& headers() const { return _headers; }
    void addHeader(std::string name, std::string value) { _headers.emplace_back(std::move(name), std::move(value)); }
    /// True when a header of that name (case-insensitive) was added.
    bool hasHeader(std::string_view name) const;

    /// The body bytes.
    std::string_view body() const { return _adopted ? std::string_view(static_cast<const char*>(_adopted), _adoptedSize) : std::string_view(_body); }
    /// Replaces the body with a copy / moved string.
    void setBody(std::string body) { releaseBody(); _body = std::move(body); }
    /// Replaces the body with memory whose ownership moves here; freeFn(freeCtx, data) frees it.
    void adoptBody(void* data, std::size_t size, FreeFunction freeFn, void* freeCtx)
    {
        releaseBody();
        _adopted = data;
        _adoptedSize = size;
        _free = freeFn;
        _freeCtx = freeCtx;
    }

    /// True when the body is memory adopted from a plugin.
    bool bodyAdopted() const { return _adopted != nullptr; }

    /// Replaces the body with length bytes of the open file descriptor from offset on; the
    /// descriptor belongs to the reply from now on (closed with the body).
    void sendFile(int descriptor, std::uint64_t offset, std::uint64_t length)
    {
        releaseBody();
        _file = FileBody{descriptor, offset, length};
    }
    /// True when the body is sent from a file (body() is then empty).
    bool hasFile() const { return _file.descriptor >= 0; }
    /// The file body (descriptor -1 when there is none).
    const FileBody& file() const { return _file; }
    /// The length of the body: the file range's or the bytes'.
    std::uint64_t bodySize() const { return hasFile() ? _file.length : body().size(); }
    /// Reads the file body into out (at most limit bytes); false when it is longer than limit or
    /// cannot be read whole. For answers that go back in memory (in-process calls).
    bool readFile(std::string& out, std::size_t limit) const;

    /// Keeps owner alive until this reply is destroyed (after the body is freed).
    void keepAlive(std::shared_ptr<void> owner) { _owner = std::move(owner); }

    /// Takes what keepAlive() pinned (a WebSocket keeps its plugin generation after the reply).
    std::shared_ptr<void> takeKeepAlive() { return std::move(_owner); }

    /// True when the reply goes back to a client connection that can be upgraded (a listener's
    /// connection, not an in-process call).
    bool upgradable() const { return _upgradable; }
    void setUpgradable(bool upgradable) { _upgradable = upgradable; }

    /// The WebSocket the plugin accepted while building this reply (the connection answers 101
    /// with key's Sec-WebSocket-Accept instead of the reply), or null.
    const std::shared_ptr<WebSocketEndpoint>& webSocket() const { return _webSocket; }
    const std::string& webSocketKey() const { return _webSocketKey; }
    /// Takes the accepted WebSocket out (the connection serves it from now on).
    std::shared_ptr<WebSocketEndpoint> releaseWebSocket() { return std::move(_webSocket); }
    void acceptWebSocket(std::shared_ptr<WebSocketEndpoint> handle, std::string key)
    {
        _webSocket = std::move(handle);
        _webSocketKey = std::move(key);
    }

    /// The plugin the request was routed to (empty: the host answered); for the access log.
    const std::string& plugin() const { return _plugin; }
    void setPlugin(std::string plugin) { _plugin = std::move(plugin); }
    /// The handler cannot answer yet (e.g. the plugin's state is being restored): instead of an
    /// answer, the connection keeps the request without a thread and, once the handler returned,
    /// hands park the Resume that runs the request through the handler again. Only for a reply
    /// of a listener's connection (upgradable()).
    void setAside(SetAside park) { _setAside = std::move(park); }
    /// Takes what setAside() left: empty when the reply is an answer.
    SetAside takeSetAside() { return std::move(_setAside); }
    /// What a handler that set the request aside leaves for its own next run of the same request
    /// (e.g. the answer of an upstream call made meanwhile): kept across reset(), taken by that run.
    void setResumeState(std::shared_ptr<void> state) { _resumeState = std::move(state); }
    /// Takes what setResumeState() left (null when nothing).
    std::shared_ptr<void> takeResumeState() { return std::move(_resumeState); }

    /// Sets status, Content-Type application/json and the body.
    void json(int status, std::string body)
    {
        _status = status;
        _headers.emplace_back("Content-Type", "application/json");
        setBody(std::move(body));
    }

    /// Sets status and a JSON error body {"error":code,"message":message}.
    void error(int status, std::string_view code, std::string_view message);

    /// Back to a fresh 200 reply without headers or body.
    void reset();

private:
    void releaseBody()
    {
        if (_adopted && _free) _free(_freeCtx, _adopted);
        _adopted = nullptr;
        _adoptedSize = 0;
        _free = nullptr;
        _freeCtx = nullptr;
        _body.clear();
        closeFile();
    }
    void closeFile();

    int _status = 200;
    std::vector<std::pair<std::string, std::string>> _headers;
    std::string _body;
    void* _adopted = nullptr;
    std::size_t _adoptedSize = 0;
    FreeFunction _free = nullptr;
    void* _freeCtx = nullptr;
    FileBody _file;
    std::shared_ptr<void> _owner;
    bool _upgradable = false;
    std::shared_ptr<WebSocketEndpoint> _webSocket;
    std::string _webSocketKey;
    std::string _plugin;
    SetAside _setAside;
    std::shared_ptr<void> _resumeState;
};

} // namespace terrarium

#endif
