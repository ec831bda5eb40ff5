#ifndef Terrarium_RequestTarget_INCLUDED
#define Terrarium_RequestTarget_INCLUDED

#include <string>
#include <string_view>

namespace terrarium {

/// The request target of a request line (RFC 9112 3.2) taken apart: origin-form ("/p?q"),
/// absolute-form ("http://host:port/p?q") or asterisk-form ("*"). Percent-escapes stay as sent.
class RequestTarget
{
public:
    /// Splits target into authority (absolute-form only, else empty), path (dot segments
    /// resolved, see normalisePath; "*" for asterisk-form) and query (without '?'). Returns
    /// nullptr when target has one of the three forms, else what is wrong with it.
    static const char* split(std::string_view target, std::string& authority, std::string& path, std::string& query);

    /// path (which starts with '/') with its "." and ".." segments resolved as RFC 3986 5.2.4 does,
    /// never above the root; a segment of dots written as percent-escapes ("%2e", ".%2E") counts as
    /// a dot segment too. Everything else, percent-escapes and empty segments included, stays as sent.
    static std::string normalisePath(std::string_view path);

    /// True when text is uri-host [ ":" port ] as a Host header or an absolute-form target carries
    /// it (reg-name, IPv4 or IP-literal characters; no userinfo, no whitespace). Empty is valid.
    static bool isAuthority(std::string_view text);
};

} // namespace terrarium

#endif
