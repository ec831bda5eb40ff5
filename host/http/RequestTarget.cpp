#include "http/RequestTarget.h"

#include <Poco/Ascii.h>

namespace terrarium {

namespace {

/// How many dots segment is made of when it is "." or ".." (dots possibly written "%2e"), else 0.
int dotSegment(std::string_view segment)
{
    int dots = 0;
    for (std::size_t i = 0; i < segment.size(); ++dots)
    {
        if (dots == 2) return 0;
        if (segment[i] == '.')
            i += 1;
        else if (segment.size() - i >= 3 && segment[i] == '%' && segment[i + 1] == '2' && (segment[i + 2] == 'e' || segment[i + 2] == 'E'))
            i += 3;
        else
            return 0;
    }
    return dots;
}

bool startsWithNoCase(std::string_view text, std::string_view prefix)
{
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
    {
        if (Poco::Ascii::toLower(text[i]) != prefix[i]) return false;
    }
    return true;
}

} // namespace

bool RequestTarget::isAuthority(std::string_view text)
{
    for (char c : text)
    {
        if (Poco::Ascii::isAlphaNumeric(c)) continue;
        switch (c)
        {
        case '-': case '.': case '_': case '~': case '%':
        case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+': case ',': case ';': case '=':
        case ':': case '[': case ']':
            continue;
        default:
            return false;
        }
    }
    return true;
}

const char* RequestTarget::split(std::string_view target, std::string& authority, std::string& path, std::string& query)
{
    authority.clear();
    query.clear();
    if (target == "*")
    {
        path = "*";
        return nullptr;
    }
    std::string_view rest = target;
    if (target.empty() || target[0] != '/')
    {
        std::size_t schemeLength = startsWithNoCase(target, "http://") ? 7 : startsWithNoCase(target, "https://") ? 8 : 0;
        if (schemeLength == 0) return "the request target is neither a path, an http(s) URI nor '*'";
        rest = target.substr(schemeLength);
        std::size_t end = rest.find_first_of("/?");
        std::string_view host = rest.substr(0, end);
        if (host.empty() || host[0] == ':') return "the request target's authority has no host";
        if (!isAuthority(host)) return "the request target's authority is not host[:port]";
        authority.assign(host);
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    }
    std::size_t mark = rest.find('?');
    std::string_view pathPart = rest.substr(0, mark);
    if (mark != std::string_view::npos) query.assign(rest.substr(mark + 1));
    path = pathPart.empty() ? std::string("/") : normalisePath(pathPart);
    return nullptr;
}

std::string RequestTarget::normalisePath(std::string_view path)
{
    if (path.find('.') == std::string_view::npos && path.find('%') == std::string_view::npos) return std::string(path);
    std::string out;
    out.reserve(path.size());
    std::size_t begin = 1;
    for (;;)
    {
        std::size_t slash = path.find('/', begin);
        bool last = slash == std::string_view::npos;
        std::string_view segment = path.substr(begin, last ? std::string_view::npos : slash - begin);
        int dots = dotSegment(segment);
        if (dots == 2)
        {
            std::size_t parent = out.rfind('/');
            out.resize(parent == std::string::npos ? 0 : parent);
        }
        if (dots == 0)
        {
            out += '/';
            out.append(segment);
        }
        else if (last)
            out += '/';
        if (last) break;
        begin = slash + 1;
    }
    return out;
}

} // namespace terrarium
