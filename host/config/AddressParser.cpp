#include "config/AddressParser.h"

#include "config/ConfigError.h"
#include "config/ConfigValue.h"

#include <Poco/Ascii.h>
#include <Poco/String.h>

#include <arpa/inet.h>

#include <algorithm>

namespace terrarium {

namespace {

const char* const ADDRESS_EXPECTED =
    "expected host:port with host an IPv4 address, localhost, [IPv6 address] or host name, "
    "and port 0..65535 (0 picks a free port), e.g. 0.0.0.0:8080";

std::string quoted(const std::string& text)
{
    return ConfigValue::quoted(text);
}

} // namespace

void AddressParser::checkAdmin(const std::string& key, const std::string& address)
{
    if (!isUnixSocket(address))
        return check(key, address);
    std::string path = unixPath(address);
    if (path.empty() || path.front() != '/')
        throw ConfigError(key, "Unix socket path in " + quoted(address) + " must be absolute; expected unix:/path/to/admin.sock or host:port");
    if (path.size() >= 108)
        throw ConfigError(key, "Unix socket path in " + quoted(address) + " is longer than 107 bytes (the limit of sockaddr_un)");
    if (path.find('\0') != std::string::npos)
        throw ConfigError(key, "Unix socket path in " + quoted(address) + " contains a NUL byte");
}

bool AddressParser::isUnixSocket(const std::string& address)
{
    return address.compare(0, 5, "unix:") == 0;
}

std::string AddressParser::unixPath(const std::string& address)
{
    return isUnixSocket(address) ? address.substr(5) : std::string();
}

void AddressParser::check(const std::string& key, const std::string& address)
{
    if (address.empty())
        throw ConfigError(key, std::string("empty address; ") + ADDRESS_EXPECTED);
    std::string host, port;
    bool hasPort = false;
    if (!splitHostPort(address, host, port, hasPort)) {
        if (address.front() == '[')
            throw ConfigError(key, "unexpected text after ']' in " + quoted(address) + "; " + ADDRESS_EXPECTED);
        throw ConfigError(key, "IPv6 address in " + quoted(address) + " must be in brackets, e.g. [::1]:8080; "
            + ADDRESS_EXPECTED);
    }
    std::string problem = hostProblem(host);
    if (!problem.empty())
        throw ConfigError(key, problem + " in " + quoted(address) + "; " + ADDRESS_EXPECTED);
    if (!hasPort)
        throw ConfigError(key, "missing port in " + quoted(address) + "; " + ADDRESS_EXPECTED);
    if (!isPort(port))
        throw ConfigError(key, "invalid port " + quoted(port) + " in " + quoted(address)
            + "; expected a port from 0 to 65535 (0 picks a free port)");
}

std::string AddressParser::address(const Poco::Dynamic::Var& value, const std::string& key)
{
    std::string address = ConfigValue::string(value, key, "an address string host:port, e.g. 0.0.0.0:8080");
    check(key, address);
    return address;
}

std::string AddressParser::host(const std::string& text, const std::string& key)
{
    if (text.empty())
        return text;
    std::string host, port;
    bool hasPort = false;
    if (!splitHostPort(Poco::toLower(text), host, port, hasPort))
        throw ConfigError(key, "invalid host " + quoted(text) + "; IPv6 addresses must be in brackets, e.g. [::1]");
    if (host.size() > 1 && host.back() == '.')
        host.pop_back();   // "example.com." is "example.com"
    std::string problem = hostProblem(host);
    if (!problem.empty())
        throw ConfigError(key, problem + "; expected a host name, IPv4 address or [IPv6 address], optionally with :port");
    if (hasPort && !isPort(port))
        throw ConfigError(key, "invalid port " + quoted(port) + " in host " + quoted(text) + "; expected a port from 0 to 65535");
    return host;
}

std::string AddressParser::port(const std::string& address)
{
    return address.substr(address.rfind(':') + 1);
}

bool AddressParser::isIPv4(const std::string& text)
{
    in_addr address;
    return inet_pton(AF_INET, text.c_str(), &address) == 1;
}

bool AddressParser::isIPv6(const std::string& text)
{
    in6_addr address;
    return inet_pton(AF_INET6, text.c_str(), &address) == 1;
}

bool AddressParser::isHostName(const std::string& text)
{
    if (text.empty() || text.size() > 253)
        return false;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('.', start);
        if (end == std::string::npos)
            end = text.size();
        std::size_t length = end - start;
        if (length == 0 || length > 63 || text[start] == '-' || text[end - 1] == '-')
            return false;
        for (std::size_t i = start; i < end; ++i) {
            if (!Poco::Ascii::isAlphaNumeric(text[i]) && text[i] != '-')
                return false;
        }
        start = end + 1;
    }
    return true;
}

bool AddressParser::isPort(const std::string& text)
{
    if (text.empty() || text.size() > 5
        || !std::all_of(text.begin(), text.end(), [](char c) { return Poco::Ascii::isDigit(c); }))
        return false;
    return std::stoul(text) <= 65535;
}

std::string AddressParser::hostProblem(const std::string& host)
{
    if (host.empty())
        return "missing host";
    if (host.front() == '[') {
        if (host.size() < 2 || host.back() != ']' || !isIPv6(host.substr(1, host.size() - 2)))
            return "invalid IPv6 address " + quoted(host);
        return std::string();
    }
    if (host.find(':') != std::string::npos)
        return "IPv6 address " + quoted(host) + " must be in brackets, e.g. [::1]";
    if (host.find_first_not_of("0123456789.") == std::string::npos)
        return isIPv4(host) ? std::string() : "invalid IPv4 address " + quoted(host);
    return isHostName(host) ? std::string() : "invalid host name " + quoted(host);
}

bool AddressParser::splitHostPort(const std::string& text, std::string& host, std::string& port, bool& hasPort)
{
    hasPort = false;
    if (!text.empty() && text.front() == '[') {
        std::size_t close = text.find(']');
        if (close == std::string::npos) {
            host = text;
            return true;   // reported as an invalid IPv6 address
        }
        host = text.substr(0, close + 1);
        std::string rest = text.substr(close + 1);
        if (rest.empty())
            return true;
        if (rest[0] != ':')
            return false;
        hasPort = true;
        port = rest.substr(1);
        return true;
    }
    std::size_t colon = text.rfind(':');
    if (colon == std::string::npos) {
        host = text;
        return true;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    hasPort = true;
    return host.find(':') == std::string::npos;
}

} // namespace terrarium
