#include "AdminTarget.h"

#include "CtlError.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace terrarium::ctl {

namespace {

std::string setting(const AdminTarget::Settings& settings, const std::string& flag, const char* variable)
{
    if (!flag.empty()) return flag;
    auto found = settings.environment.find(variable);
    return found == settings.environment.end() ? std::string() : found->second;
}

/// The admin address of a listeners.json ({"main":"0.0.0.0:8080",...,"admin":"127.0.0.1:8081"}).
std::string listenersAdmin(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
        throw CtlError(EXIT_UNREACHABLE, "the host does not seem to be running: cannot read " + path + " (" + std::strerror(errno) +
                                             "; terrariumd writes it once it serves). Pass --url or set TERRARIUM_ADMIN_URL for a host elsewhere");
    std::string text;
    Poco::StreamCopier::copyToString(in, text);
    try
    {
        Poco::JSON::Parser parser;
        Poco::JSON::Object::Ptr listeners = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
        if (listeners->has("admin")) return listeners->getValue<std::string>("admin");
    }
    catch (const Poco::Exception&)
    {
    }
    catch (const std::exception&)
    {
    }
    throw CtlError(EXIT_UNREACHABLE, path + " names no admin listener; pass --url or set TERRARIUM_ADMIN_URL");
}

} // namespace

AdminTarget AdminTarget::locate(const Settings& settings)
{
    AdminTarget target;
    std::string stateDir = setting(settings, settings.stateDir, "TERRARIUM_STATE_DIR");
    if (stateDir.empty()) stateDir = DEFAULT_STATE_DIR;
    if (!settings.url.empty())
        target.setUrl(settings.url, "--url");
    else if (std::string url = setting(settings, std::string(), "TERRARIUM_ADMIN_URL"); !url.empty())
        target.setUrl(url, "TERRARIUM_ADMIN_URL");
    else
    {
        std::string listeners = Poco::Path(stateDir, "listeners.json").toString();
        target.setUrl(listenersAdmin(listeners), listeners);
    }
    if (target._socketPath.empty()) target.readToken(settings, stateDir);
    target._tls.caFile = settings.caFile;
    target._tls.certFile = settings.certFile;
    target._tls.keyFile = settings.keyFile;
    return target;
}

void AdminTarget::setUrl(const std::string& url, const std::string& source)
{
    _urlSource = source;
    if (url.compare(0, 5, "unix:") == 0)
    {
        _socketPath = url.substr(url.compare(0, 7, "unix://") == 0 ? 7 : 5);
        if (_socketPath.empty() || _socketPath[0] != '/')
            throw CtlError(EXIT_USAGE, "admin URL '" + url + "' (" + source + "): expected unix:/absolute/path/of/the/socket");
        _url = "unix:" + _socketPath;
        return;
    }
    std::string text = url.find("://") == std::string::npos ? "http://" + url : url;
    Poco::URI uri;
    try
    {
        uri = Poco::URI(text);
    }
    catch (const Poco::SyntaxException& e)
    {
        throw CtlError(EXIT_USAGE, "admin URL '" + url + "' (" + source + "): " + e.message());
    }
    if (uri.getScheme() != "http" && uri.getScheme() != "https")
        throw CtlError(EXIT_USAGE, "admin URL '" + url + "' (" + source + "): expected http://HOST:PORT, https://HOST:PORT or unix:/PATH");
    _secure = uri.getScheme() == "https";
    _host = uri.getHost();
    if (_host == "0.0.0.0") _host = "127.0.0.1";
    if (_host == "::") _host = "::1";
    if (_host.empty()) throw CtlError(EXIT_USAGE, "admin URL '" + url + "' (" + source + ") names no host");
    _port = uri.getPort();
    _url = uri.getScheme() + "://" + (_host.find(':') != std::string::npos ? "[" + _host + "]" : _host) + ":" + std::to_string(_port);
}

void AdminTarget::readToken(const Settings& settings, const std::string& stateDir)
{
    std::string file = setting(settings, settings.tokenFile, "TERRARIUM_ADMIN_TOKEN_FILE");
    bool chosen = !file.empty();
    if (!chosen) file = Poco::Path(stateDir, "admin.token").toString();
    _tokenFile = file;
    std::ifstream in(file);
    if (!in)
    {
        int error = errno;
        if (error == ENOENT && !chosen) return;
        throw CtlError(EXIT_UNAUTHORISED, "cannot read the admin token file " + file + ": " + std::strerror(error) +
                                              (error == EACCES ? " (run as root, e.g. with sudo, or pass --token-file FILE)" : ""));
    }
    Poco::StreamCopier::copyToString(in, _token);
    Poco::trimInPlace(_token);
}

} // namespace terrarium::ctl
