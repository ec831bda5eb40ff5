// A private directory for the unit tests (the integration tests' TempDir lives under /tmp and
// FAIL()s on errors; this one lives in Poco's temp directory and throws Poco exceptions).
#ifndef Terrarium_Test_ScratchDir_INCLUDED
#define Terrarium_Test_ScratchDir_INCLUDED

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Path.h>


#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <sstream>
#include <string>
#include <vector>

#include <sys/stat.h>

namespace terrarium::test {

/// A unique directory under Poco's temp directory, removed with its content when the object goes away.
class ScratchDir
{
public:
    /// Creates the directory.
    ScratchDir() : _path(make()) {}

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

    /// The content of file(name), read whole (throws a Poco exception when it cannot be opened).
    std::string read(const std::string& name) const
    {
        Poco::FileInputStream stream(file(name), std::ios::in | std::ios::binary);
        std::ostringstream text;
        text << stream.rdbuf();
        return text.str();
    }

    /// The names in the directory (or in its subdirectory below), sorted.
    std::vector<std::string> names(const std::string& below = std::string()) const
    {
        std::vector<std::string> found;
        for (Poco::DirectoryIterator it(below.empty() ? _path : file(below)), end; it != end; ++it) found.push_back(it.name());
        std::sort(found.begin(), found.end());
        return found;
    }

private:
    /// mkdtemp: Poco's tempName() ("tmp" + pid + counter) can give two processes the same name.
    static std::string make()
    {
        std::string pattern = Poco::Path::temp() + "terrarium-scratch-XXXXXX";
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp " + pattern + ": " + std::strerror(errno));
        ::chmod(pattern.c_str(), 0755);   // as a created directory would be (tests switch to other users)
        return pattern;
    }

    std::string _path;
};

} // namespace terrarium::test

#endif
