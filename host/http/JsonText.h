#ifndef Terrarium_JsonText_INCLUDED
#define Terrarium_JsonText_INCLUDED

#include <Poco/Dynamic/Var.h>

#include <string>
#include <string_view>

namespace terrarium {

/// Small JSON text helpers for the host's own replies.
class JsonText
{
public:
    /// Appends s as a JSON string literal (quoted, escaped; invalid UTF-8 bytes are kept as is).
    static void appendString(std::string& out, std::string_view s);

    /// A JSON object or array (Poco::JSON) as compact text.
    static std::string stringify(const Poco::Dynamic::Var& value);
};

} // namespace terrarium

#endif
