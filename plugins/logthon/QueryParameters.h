// logthon: the parameters of a query string.
#ifndef Logthon_QueryParameters_INCLUDED
#define Logthon_QueryParameters_INCLUDED

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace logthon {

/// "a=1&b=x%20y" as names and percent-decoded values ('+' is a space); the first of a repeated name wins.
class QueryParameters
{
public:
    /// Parses query (without '?').
    explicit QueryParameters(std::string_view query);

    /// The value of name, if present.
    std::optional<std::string> get(const std::string& name) const;

private:
    std::map<std::string, std::string> _values;
};

} // namespace logthon

#endif
