#ifndef Terrarium_HeaderName_INCLUDED
#define Terrarium_HeaderName_INCLUDED

#include <Poco/Ascii.h>

#include <string_view>

namespace terrarium {

/// HTTP header names compare without regard to ASCII case.
inline bool sameHeaderName(std::string_view a, std::string_view b)
{
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
    {
        if (Poco::Ascii::toLower(a[i]) != Poco::Ascii::toLower(b[i])) return false;
    }
    return true;
}

} // namespace terrarium

#endif
