#include "QueryParameters.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>

namespace logthon {

namespace {

std::string decoded(std::string_view text)
{
    std::string plain(text);
    std::replace(plain.begin(), plain.end(), '+', ' ');
    std::string out;
    try
    {
        Poco::URI::decode(plain, out);
    }
    catch (const Poco::Exception&)
    {
        return plain;
    }
    return out;
}

} // namespace

QueryParameters::QueryParameters(std::string_view query)
{
    while (!query.empty())
    {
        std::size_t end = query.find('&');
        std::string_view pair = query.substr(0, end);
        query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
        if (pair.empty()) continue;
        std::size_t equals = pair.find('=');
        std::string name = decoded(pair.substr(0, equals));
        std::string value = equals == std::string_view::npos ? std::string() : decoded(pair.substr(equals + 1));
        _values.emplace(std::move(name), std::move(value));
    }
}

std::optional<std::string> QueryParameters::get(const std::string& name) const
{
    auto found = _values.find(name);
    if (found == _values.end()) return std::nullopt;
    return found->second;
}

} // namespace logthon
