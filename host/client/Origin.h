#ifndef Terrarium_Origin_INCLUDED
#define Terrarium_Origin_INCLUDED

#include <Poco/Types.h>
#include <Poco/URI.h>

#include <string>

namespace terrarium {

/// Scheme, host and port of a URL: the unit of connection pooling and circuit breaking.
class Origin
{
public:
    /// The origin of an absolute http:// or https:// URI; throws Poco::InvalidArgumentException
    /// naming the problem for another scheme or a missing host.
    static Origin fromUri(const Poco::URI& uri);

    /// scheme: "http" or "https"; host without brackets.
    Origin(std::string scheme, std::string host, Poco::UInt16 port);

    const std::string& scheme() const { return _scheme; }
    const std::string& host() const { return _host; }
    Poco::UInt16 port() const { return _port; }

    /// True for https.
    bool secure() const { return _scheme == "https"; }

    /// "host:port" ("[::1]:8080" for IPv6), as used in messages.
    std::string authority() const;

    /// "scheme://host:port", the pool key and the name used in messages and metrics.
    const std::string& key() const { return _key; }

private:
    std::string _scheme;
    std::string _host;
    Poco::UInt16 _port;
    std::string _key;
};

} // namespace terrarium

#endif
