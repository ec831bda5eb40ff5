// A private directory for the unit tests (the integration tests' TempDir lives under /tmp and
// FAIL()s on errors; this one lives in Poco's temp directory and throws Poco exceptions).
#ifndef Terrarium_Test_ScratchDir_INCLUDED
#define Terrarium_Test_ScratchDir_INCLUDED

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Path.h>
#include <Poco/TemporaryFile.h>

#include <string>

namespace terrarium::test {

/// A unique directory under Poco's temp directory, removed with its content when the object goes away.
class ScratchDir
{
public:
    /// Creates the directory.
    ScratchDir() : _path(Poco::TemporaryFile::tempName()) { Poco::File(_path).createDirectories(); }

    /// Removes the directory and everything in it (errors ignored).
    ~ScratchDir()
    {
        try
        {
            Poco::File(_path).remove(true);
        }
        catch (...)
        {
        }
    }

    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    /// The directory's path.
    const std::string& path() const { return _path; }

    /// path() + "/" + name.
    std::string file(const std::string& name) const { return _path + "/" + name; }

    /// Writes content to file(name), creating its directories; returns the file's path.
    std::string write(const std::string& name, const std::string& content) const
    {
        const std::string target = file(name);
        Poco::File(Poco::Path(target).parent()).createDirectories();
        Poco::FileOutputStream stream(target, std::ios::out | std::ios::trunc | std::ios::binary);
        stream << content;
        stream.close();
        return target;
    }

private:
    std::string _path;
};

} // namespace terrarium::test

#endif
