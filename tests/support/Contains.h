// Substring checks for the unit tests.
#ifndef Terrarium_Test_Contains_INCLUDED
#define Terrarium_Test_Contains_INCLUDED

#include <string>

namespace terrarium::test {

/// Whether part occurs in text.
inline bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

} // namespace terrarium::test

#endif
