#include "TempDir.h"

#include <catch2/catch.hpp>

#include <Poco/Exception.h>
#include <Poco/File.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace terrarium::test {

TempDir::TempDir()
{
    char pattern[] = "/tmp/terrarium-it-XXXXXX";
    if (!::mkdtemp(pattern)) FAIL("mkdtemp failed: " << std::strerror(errno));
    _path = pattern;
}

TempDir::~TempDir()
{
    try
    {
        Poco::File(_path).remove(true);
    }
    catch (const Poco::Exception&)
    {
    }
}

std::string TempDir::write(const std::string& name, const std::string& content) const
{
    std::string path = file(name);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) FAIL("cannot write " << path);
    return path;
}

} // namespace terrarium::test
