#ifndef Terrarium_AddressParser_INCLUDED
#define Terrarium_AddressParser_INCLUDED

#include <Poco/Dynamic/Var.h>

#include <string>

namespace terrarium {

/// Checks the addresses of a config: the host:port of listeners and the hosts that routes and
/// admin.allowed_hosts match, with an IPv4 address, [IPv6 address] or host name as the host.
class AddressParser
{
public:
    /// Validates "host:port" (port 0..65535); throws ConfigError(key) otherwise.
    static void check(const std::string& key, const std::string& address);

    /// value as a listener address string host:port, checked.
    static std::string address(const Poco::Dynamic::Var& value, const std::string& key);

    /// The host of text ("host", "host:port", "[v6]" or "[v6]:port"), lower-cased and without a
    /// trailing dot, as routes match the Host header; empty text stays empty. Throws ConfigError(key)
    /// when the host or the port is invalid.
    static std::string host(const std::string& text, const std::string& key);

    /// The port of a checked address host:port, as written.
    static std::string port(const std::string& address);

    /// Validates the admin listener's address: "host:port" as check(), or "unix:/absolute/path" (a
    /// Unix-domain socket); throws ConfigError(key) otherwise.
    static void checkAdmin(const std::string& key, const std::string& address);

    /// True for a "unix:<path>" address.
    static bool isUnixSocket(const std::string& address);

    /// The socket file of a "unix:<path>" address.
    static std::string unixPath(const std::string& address);

private:
    static bool isIPv4(const std::string& text);
    static bool isIPv6(const std::string& text);
    static bool isHostName(const std::string& text);
    static bool isPort(const std::string& text);

    /// What is wrong with host (an IPv4 address, "[IPv6]", or a host name); empty when it is fine.
    static std::string hostProblem(const std::string& host);

    /// Splits "host:port" / "[v6]:port" / "host" into host and port (port empty when absent).
    /// Returns false when the text has several ':' outside brackets.
    static bool splitHostPort(const std::string& text, std::string& host, std::string& port, bool& hasPort);
};

} // namespace terrarium

#endif
