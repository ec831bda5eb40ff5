#ifndef Terrarium_ConfigTestSupport_INCLUDED
#define Terrarium_ConfigTestSupport_INCLUDED

#include "config/ConfigError.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Path.h>
#include <Poco/TemporaryFile.h>

#include <catch2/catch.hpp>

#include <string>

namespace terrarium::test {

/// A unique directory under the system temp directory, removed with everything in it.
class TempDir
{
public:
    TempDir() : _path(Poco::TemporaryFile::tempName()) { Poco::File(_path).createDirectories(); }
    ~TempDir()
    {
        try {
            Poco::File(_path).remove(true);
        } catch (...) {
        }
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    /// The path of name inside the directory.
    std::string path(const std::string& name) const { return Poco::Path(_path).append(name).toString(); }

    /// Writes content to name and returns its path.
    std::string write(const std::string& name, const std::string& content) const
    {
        std::string file = path(name);
        Poco::FileOutputStream out(file);
        out << content;
        out.close();
        return file;
    }

private:
    std::string _path;
};

/// The ConfigError thrown by a call.
struct Failure
{
    std::string key;
    std::string message;   /// what(): "key: message"
};

template <class Call>
Failure failureOf(Call&& call)
{
    try {
        call();
    } catch (const ConfigError& e) {
        return Failure{e.key(), e.what()};
    }
    FAIL("expected a ConfigError");
    return Failure{};
}

} // namespace terrarium::test

#endif
