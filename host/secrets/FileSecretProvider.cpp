#include "secrets/FileSecretProvider.h"

#include "secrets/SecretPath.h"
#include "secrets/SecretValues.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>

namespace terrarium {

namespace {

const std::size_t MAX_FILE_BYTES = 1024 * 1024;

/// The content of file, or an exception: FileNotFoundException, FileAccessDeniedException,
/// DataFormatException (over MAX_FILE_BYTES) or another Poco::FileException.
std::string readFile(const std::string& file)
{
    Poco::FileInputStream stream(file);
    std::string content;
    char buffer[4096];
    while (stream.read(buffer, sizeof buffer) || stream.gcount() > 0)
    {
        content.append(buffer, static_cast<std::size_t>(stream.gcount()));
        if (content.size() > MAX_FILE_BYTES)
        {
            SecretValues::wipe(content);
            throw Poco::DataFormatException("larger than 1 MiB", file);
        }
    }
    if (stream.bad())
        throw Poco::ReadFileException(file);
    return content;
}

void stripOneNewline(std::string& value)
{
    if (!value.empty() && value.back() == '\n')
    {
        value.pop_back();
        if (!value.empty() && value.back() == '\r')
            value.pop_back();
    }
}

/// Maps a file error to the outcome of the read.
SecretRead failure(const std::string& path, const Poco::Exception& error)
{
    const std::string cause = "files provider: secret path '" + path + "': " + error.displayText();
    if (dynamic_cast<const Poco::FileNotFoundException*>(&error) || dynamic_cast<const Poco::PathNotFoundException*>(&error))
        return SecretRead::failure(SecretOutcome::NotFound, cause);
    if (dynamic_cast<const Poco::FileAccessDeniedException*>(&error))
        return SecretRead::failure(SecretOutcome::Forbidden, cause);
    return SecretRead::failure(SecretOutcome::Unavailable, cause);
}

} // namespace

FileSecretProvider::FileSecretProvider(const std::string& dir) : _dir(Poco::Path(dir).makeAbsolute().toString())
{
    while (_dir.size() > 1 && _dir.back() == '/')
        _dir.pop_back();
}

SecretRead FileSecretProvider::read(const std::string& path)
{
    const std::string invalid = SecretPath::check(path);
    if (!invalid.empty())
        return SecretRead::failure(SecretOutcome::Invalid, invalid);
    for (const std::string& segment : SecretPath::segments(path))
        if (segment.front() == '.')
            return SecretRead::failure(SecretOutcome::Invalid,
                "invalid secret path '" + path + "': the files provider does not read hidden names ('" + segment + "')");
    const std::string base = _dir + "/" + path;
    try
    {
        Poco::File directory(base);
        if (directory.exists() && directory.isDirectory())
            return readDirectory(path, base);
        Poco::File json(base + ".json");
        if (json.exists())
            return readJsonFile(path, base + ".json");
        return SecretRead::failure(SecretOutcome::NotFound, "files provider: secret path '" + path + "' not found under " + _dir);
    }
    catch (const Poco::Exception& error)
    {
        return failure(path, error);
    }
}

SecretRead FileSecretProvider::readDirectory(const std::string& path, const std::string& directory) const
{
    std::map<std::string, std::string> values;
    for (Poco::DirectoryIterator entry(directory), end; entry != end; ++entry)
    {
        const std::string& key = entry.name();
        if (key.empty() || key.front() == '.')
            continue;
        Poco::File file(entry.path());
        if (!file.exists() || !file.isFile())
            continue;
        std::string value = readFile(entry.path().toString());
        stripOneNewline(value);
        values[key] = std::move(value);
    }
    return SecretRead::found(std::move(values));
}

SecretRead FileSecretProvider::readJsonFile(const std::string& path, const std::string& file) const
{
    std::string text = readFile(file);
    Poco::JSON::Object::Ptr object;
    try
    {
        object = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    }
    catch (const Poco::Exception&)
    {
        object = nullptr;
    }
    SecretValues::wipe(text);
    if (!object)
        return SecretRead::failure(SecretOutcome::Unavailable,
            "files provider: secret path '" + path + "': " + file + " does not hold a JSON object");
    return SecretRead::found(SecretValues::fromJson(*object));
}

} // namespace terrarium
