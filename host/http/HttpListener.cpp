#include "http/HttpListener.h"

#include "config/AddressParser.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

namespace terrarium {

Poco::Net::Context::Ptr HttpListener::tlsContext(const std::string& listener, const TlsServerConfig& tls)
{
    Poco::Net::Context::Params params;
    params.privateKeyFile = tls.keyFile;
    params.certificateFile = tls.certFile;
    params.caLocation = tls.caFile;
    params.verificationMode = tls.clientCerts == "required" ? Poco::Net::Context::VERIFY_STRICT
        : tls.clientCerts == "optional"                   ? Poco::Net::Context::VERIFY_RELAXED
                                                          : Poco::Net::Context::VERIFY_NONE;
    params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES";
    try
    {
        Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
        context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
        context->enableSessionCache(true, "terrarium-" + listener);
        return context;
    }
    catch (const Poco::Exception& e)
    {
        throw Poco::Net::SSLContextException("listener '" + listener + "': cannot use certificate " + tls.certFile + " with key "
                                              + tls.keyFile + (tls.caFile.empty() ? "" : " and CA " + tls.caFile) + ": " + e.displayText());
    }
}

void HttpListener::bindUnixSocket(const std::string& path, unsigned mode)
{
    struct stat existing{};
    if (::lstat(path.c_str(), &existing) == 0)
    {
        if (!S_ISSOCK(existing.st_mode)) throw Poco::IOException(path + " exists and is not a socket; remove it or choose another path");
        try
        {
            Poco::Net::StreamSocket probe;
            probe.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, path));
            throw Poco::IOException("another process is listening on " + path);
        }
        catch (const Poco::Net::ConnectionRefusedException&)
        {
            if (::unlink(path.c_str()) != 0 && errno != ENOENT)
                throw Poco::IOException("cannot remove the stale socket " + path + ": " + std::strerror(errno));
            Poco::Logger::get("http").information("listener '%s': removed the stale socket %s", _name, path);
        }
    }
    _socket.bind(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, path), false);
    _unixPath = path;
    struct stat created{};
    if (::lstat(path.c_str(), &created) == 0) _unixInode = created.st_ino;
    if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0)
        throw Poco::IOException("cannot set mode " + std::to_string(mode) + " on " + path + ": " + std::strerror(errno));
}

HttpListener::HttpListener(const std::string& address, ConnectionEngine::Settings settings, const TlsServerConfig& tls, bool reusePort,
                           unsigned socketMode)
    : _name(settings.listener)
{
    Poco::Net::Context::Ptr context;
    if (tls.enabled)
    {
        context = tlsContext(_name, tls);
        _secure = true;
    }
    try
    {
        if (AddressParser::isUnixSocket(address))
            bindUnixSocket(AddressParser::unixPath(address), socketMode);
        else
            _socket.bind(Poco::Net::SocketAddress(address), true, reusePort);
        _socket.listen(static_cast<int>(std::max(1024u, settings.queueSize)));
    }
    catch (const Poco::Exception& e)
    {
        throw Poco::IOException("listener '" + _name + "' cannot listen on " + address + ": " + e.message());
    }
    _engine = std::make_unique<ConnectionEngine>(std::move(settings), _socket, context);
}

HttpListener::~HttpListener()
{
    _engine.reset();
    removeSocketFile();
}

void HttpListener::removeSocketFile()
{
    struct stat current{};
    if (!_unixPath.empty() && ::lstat(_unixPath.c_str(), &current) == 0 && current.st_ino == _unixInode) ::unlink(_unixPath.c_str());
}

void HttpListener::start()
{
    _engine->start();
}

void HttpListener::stop()
{
    _engine->stop();
}

void HttpListener::join()
{
    _engine->join();
}

std::string HttpListener::boundAddress() const
{
    if (!_unixPath.empty()) return "unix:" + _unixPath;
    return _socket.address().toString();
}

} // namespace terrarium
