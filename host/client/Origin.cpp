#include "client/Origin.h"

#include <Poco/Exception.h>
#include <Poco/String.h>

namespace terrarium {

Origin Origin::fromUri(const Poco::URI& uri)
{
    std::string scheme = Poco::toLower(uri.getScheme());
    if (scheme != "http" && scheme != "https")
        throw Poco::InvalidArgumentException("URL '" + uri.toString() + "' is not http:// or https://");
    if (uri.getHost().empty())
        throw Poco::InvalidArgumentException("URL '" + uri.toString() + "' has no host");
    return Origin(scheme, Poco::toLower(uri.getHost()), uri.getPort());
}

Origin::Origin(std::string scheme, std::string host, Poco::UInt16 port)
    : _scheme(std::move(scheme)), _host(std::move(host)), _port(port)
{
    _key = _scheme + "://" + authority();
}

std::string Origin::authority() const
{
    std::string host = _host.find(':') != std::string::npos ? "[" + _host + "]" : _host;
    return host + ":" + std::to_string(_port);
}

} // namespace terrarium
