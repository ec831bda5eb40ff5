#include "http/HttpListener.h"

#include <algorithm>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SocketAddress.h>

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

HttpListener::HttpListener(const std::string& address, ConnectionEngine::Settings settings, const TlsServerConfig& tls, bool reusePort)
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
    return _socket.address().toString();
}

} // namespace terrarium
