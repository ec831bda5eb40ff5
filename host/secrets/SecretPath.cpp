#include "secrets/SecretPath.h"

namespace terrarium {

namespace {

const std::size_t MAX_PATH_BYTES = 1024;
const std::size_t MAX_KEY_BYTES = 256;

bool hasControlCharacter(const std::string& text)
{
    for (char c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return true;
    return false;
}

} // namespace

std::string SecretPath::check(const std::string& path)
{
    if (path.empty())
        return "invalid secret path: empty";
    if (path.size() > MAX_PATH_BYTES)
        return "invalid secret path: longer than " + std::to_string(MAX_PATH_BYTES) + " bytes";
    if (hasControlCharacter(path))
        return "invalid secret path: contains a control character";
    if (path.front() == '/')
        return "invalid secret path '" + path + "': starts with '/'";
    if (path.back() == '/')
        return "invalid secret path '" + path + "': ends with '/'";
    for (const std::string& segment : segments(path))
    {
        if (segment.empty())
            return "invalid secret path '" + path + "': empty segment";
        if (segment == "." || segment == "..")
            return "invalid secret path '" + path + "': segment '" + segment + "' is not allowed";
    }
    return std::string();
}

std::string SecretPath::checkKey(const std::string& key)
{
    if (key.empty())
        return "invalid secret key: empty";
    if (key.size() > MAX_KEY_BYTES)
        return "invalid secret key: longer than " + std::to_string(MAX_KEY_BYTES) + " bytes";
    if (hasControlCharacter(key))
        return "invalid secret key: contains a control character";
    return std::string();
}

std::vector<std::string> SecretPath::segments(const std::string& path)
{
    std::vector<std::string> parts;
    std::string::size_type start = 0;
    while (true)
    {
        const std::string::size_type slash = path.find('/', start);
        parts.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
        if (slash == std::string::npos)
            return parts;
        start = slash + 1;
    }
}

} // namespace terrarium
